/* SPDX-License-Identifier: MIT */
/* Attack "port_outside_grant": a port access outside every granted device (COM1). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint8_t *)(uintptr_t)(IK_GPA_PIO + 0x3f8) = 0x41;
	mal_spin_forever_quietly();
	return 0;
}
