/* SPDX-License-Identifier: MIT */
/* Attack "gdt_tamper": rewrite the GDT (to give itself a CPL0 code segment). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint64_t *)(uintptr_t)(IK_GPA_GDT + 8) = 0x00af9a000000ffffull;
	mal_spin_forever_quietly();
	return 0;
}
