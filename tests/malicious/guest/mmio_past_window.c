/* SPDX-License-Identifier: MIT */
/* Attack "mmio_past_window": the testdev's MMIO window is granted (0x61000000, 4 KiB); an
 * 8-byte write straddling its end (KVM splits it at the page: the half past the end is the
 * violation), then one past it. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_DEVMMIO) = 1; /* granted: fine */
	*(volatile uint64_t *)(uintptr_t)(IK_GPA_DEVMMIO + 0xffc) = 1;
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_DEVMMIO + 0x1000) = 1;
	mal_spin_forever_quietly();
	return 0;
}
