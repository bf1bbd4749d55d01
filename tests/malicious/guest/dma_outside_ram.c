/* SPDX-License-Identifier: MIT */
/* Attack "dma_outside_ram": program the testdev to DMA 64 bytes to a guest-physical address
 * far outside the VM's RAM (as a malicious driver points a NIC's ring at host memory). */
#include "mal.h"

#define TESTDEV 0x500

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_PIO + TESTDEV + 4) = 0x7ff00000u;
	*(volatile uint8_t *)(uintptr_t)(IK_GPA_PIO + TESTDEV + 5) = 1;
	mal_spin_forever_quietly();
	return 0;
}
