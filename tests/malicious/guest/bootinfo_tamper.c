/* SPDX-License-Identifier: MIT */
/* Attack "bootinfo_tamper": rewrite its boot info (say, to grow its heap). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	((volatile struct ik_bootinfo *)(uintptr_t)IK_GPA_BOOTINFO)->heap_end = 0x40000000ull;
	mal_spin_forever_quietly();
	return 0;
}
