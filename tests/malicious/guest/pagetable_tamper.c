/* SPDX-License-Identifier: MIT */
/* Attack "pagetable_tamper": rewrite its page tables (to map the monitor-owned pages). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint64_t *)(uintptr_t)IK_GPA_PAGETABLES = 0x7;
	mal_spin_forever_quietly();
	return 0;
}
