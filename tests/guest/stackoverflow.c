// SPDX-License-Identifier: MIT
/* Unbounded recursion runs into the thread stack's guard page: #PF (vector 14). */
#include <linux/compiler.h>
#include <linux/limits.h>

#include "guest_test.h"

static volatile unsigned int depth_limit = UINT_MAX;

static noinline unsigned int recurse(volatile char *prev, unsigned int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	frame[sizeof(frame) - 1] = prev ? prev[0] : 0;
	if (depth == depth_limit)
		return 0;
	return recurse(frame, depth + 1) + (unsigned int)frame[sizeof(frame) - 1];
}

int ik_guest_test(void)
{
	return (int)recurse(NULL, 0);
}
