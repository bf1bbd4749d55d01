// SPDX-License-Identifier: MIT
/* A NULL dereference in guest code: #PF (vector 14) at CR2 0, reported as such. */
#include <linux/compiler.h>

#include "guest_test.h"

static int *volatile null_pointer; /* the compiler cannot prove it is NULL */

int ik_guest_test(void)
{
	return *null_pointer;
}
