/* SPDX-License-Identifier: MIT */
/* Attack "gpa_read_outside": read a guest-physical address beyond its RAM. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	(void)*(volatile uint64_t *)(uintptr_t)(mal_bootinfo()->mem_size + 0x100000);
	mal_spin_forever_quietly();
	return 0;
}
