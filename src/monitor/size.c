/* SPDX-License-Identifier: MIT */
/* Sizes as operators write them (guest memory, MMIO windows): one parser for every front end,
 * and the one rule for a driver's memory size at both isolation levels. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"

int ik_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned shift = 0;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

/* Both levels use the same sizes (a driver moved from a VM to a process, or back, keeps its
 * manifest): the VM maps RAM with 2 MiB page-table entries, so that is the unit. */
_Static_assert(IK_MEM_MIN % 0x200000ull == 0 && IK_MEM_MAX % 0x200000ull == 0, "2 MiB units");
_Static_assert((uint64_t)IK_MAX_THREADS * IK_STACK_STRIDE <= IK_MEM_MIN / 2,
	       "the thread stacks leave at least half of the smallest memory to the heap");

int ik_mem_size_check(uint64_t n, char *err, size_t errlen)
{
	if (n >= IK_MEM_MIN && n <= IK_MEM_MAX && n % 0x200000ull == 0)
		return 0;
	snprintf(err, errlen, "memory size %llu bytes is invalid: it must be a multiple of 2 MiB "
		 "from %llu MiB to %llu MiB (e.g. 4M)", (unsigned long long)n, IK_MEM_MIN >> 20,
		 IK_MEM_MAX >> 20);
	return -EINVAL;
}
