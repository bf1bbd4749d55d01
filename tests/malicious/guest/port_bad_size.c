/* SPDX-License-Identifier: MIT */
/* Attack "port_bad_size": an 8-byte access to the port window. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint64_t *)(uintptr_t)(IK_GPA_PIO + 0x378) = 1;
	mal_spin_forever_quietly();
	return 0;
}
