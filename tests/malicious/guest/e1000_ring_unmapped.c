/* SPDX-License-Identifier: MIT */
/* Attack "e1000_ring_unmapped": an e1000 granted with dma=strict is given a transmit ring in
 * the driver's own RAM that it never mapped for DMA (no dma_map_* / dma_alloc_coherent told
 * the monitor), e.g. memory holding its secrets: the model's read must be refused. */
#include "mal.h"

#define REG(off) (*(volatile uint32_t *)(uintptr_t)(IK_GPA_DEVMMIO + (off)))

static uint8_t ring[4096] __attribute__((aligned(4096)));

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
	ring[0] = 1; /* a page of ours, touched, never mapped for DMA */
	config_write16(0x04, 0x0007);
	REG(0x3800) = (uint32_t)(uintptr_t)ring;
	REG(0x3804) = 0;
	REG(0x3808) = 8 * 16;
	REG(0x3810) = 0;
	REG(0x3818) = 0;
	REG(0x0400) = 0x2;
	REG(0x3818) = 1;
	mal_spin_forever_quietly();
	return 0;
}
