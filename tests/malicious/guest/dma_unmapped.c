/* SPDX-License-Identifier: MIT */
/* Attack "dma_unmapped": with a dma=strict testdev, report one page as mapped for DMA, then
 * program the device to DMA into the next page, which is RAM the driver may write but never
 * mapped for the device. */
#include "mal.h"

#define TESTDEV 0x500

static uint8_t pages[2][4096] __attribute__((aligned(4096)));

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;
	static struct ik_dma_range r;
	static struct ik_hc_dma_map m;

	mal_first_read(&c, &s);
	r = (struct ik_dma_range){.addr = (uintptr_t)pages[0], .len = 4096, .map = 1};
	m = (struct ik_hc_dma_map){.ranges = (uintptr_t)&r, .count = 1};
	mal_hypercall(IK_HC_DMA_MAP, &m);
	/* the mapped page is fine... */
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_PIO + TESTDEV + 4) = (uint32_t)(uintptr_t)pages[0];
	*(volatile uint8_t *)(uintptr_t)(IK_GPA_PIO + TESTDEV + 5) = 1;
	/* ...the next one is not */
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_PIO + TESTDEV + 4) = (uint32_t)(uintptr_t)pages[1];
	*(volatile uint8_t *)(uintptr_t)(IK_GPA_PIO + TESTDEV + 5) = 1;
	mal_spin_forever_quietly();
	return 0;
}
