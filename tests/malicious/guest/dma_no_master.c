/* SPDX-License-Identifier: MIT */
/* Attack "dma_no_master": a PCI testdev (testdev@pci, slot 1, I/O BAR at 0xc000) with I/O and
 * memory decoding on but bus mastering off is told to DMA into the driver's own RAM. */
#include "mal.h"

#define IO 0xc000u

static uint8_t page[4096] __attribute__((aligned(4096)));

static void config_write16(unsigned reg, uint16_t v)
{
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_PIO + 0xcf8) = 0x80000000u | 1u << 11 | (reg & 0xfcu);
	*(volatile uint16_t *)(uintptr_t)(IK_GPA_PIO + 0xcfc + (reg & 3u)) = v;
}

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	config_write16(0x04, 0x0003); /* I/O and memory space on, bus master off */
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_PIO + IO + 4) = (uint32_t)(uintptr_t)page;
	*(volatile uint8_t *)(uintptr_t)(IK_GPA_PIO + IO + 5) = 1;
	mal_spin_forever_quietly();
	return 0;
}
