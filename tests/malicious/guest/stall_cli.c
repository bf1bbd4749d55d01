/* SPDX-License-Identifier: MIT */
/* Attack "stall_cli": disable interrupts and halt (stall the vCPU with interrupts of its own). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	__asm__ volatile("cli; hlt");
	mal_spin_forever_quietly();
	return 0;
}
