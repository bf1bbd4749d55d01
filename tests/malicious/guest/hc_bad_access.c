/* SPDX-License-Identifier: MIT */
/* Attack "hc_bad_access": a 4-byte write to the hypercall page instead of an 8-byte one. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_HYPERCALL + 8 * IK_HC_CONSOLE) = 0x2000;
	mal_spin_forever_quietly();
	return 0;
}
