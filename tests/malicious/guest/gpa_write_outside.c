/* SPDX-License-Identifier: MIT */
/* Attack "gpa_write_outside": write a guest-physical address far outside RAM and every window. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint64_t *)(uintptr_t)0x7ff00000ull = 0x4141414141414141ull;
	mal_spin_forever_quietly();
	return 0;
}
