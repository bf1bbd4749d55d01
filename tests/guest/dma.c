// SPDX-License-Identifier: MIT
/* The DMA API against the testdev's DMA registers (port +4 address, +5 op: 1 = the device
 * writes 64 bytes i ^ 0xa5, 2 = it reads 64 bytes and leaves their sum in the scratch register
 * +2), at both isolation levels: dma_map_single for a device write, dma_alloc_coherent for a
 * device read. Needs --device testdev@0x500 (with dma=strict the mappings are reported).
 * --param attack=unmapped: DMA into the buffer after dma_unmap_single (a dma=strict device
 * must refuse it); attack=outside: DMA to an address outside the driver's RAM. */
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "guest_test.h"

#define TESTDEV 0x500
#define SCRATCH (TESTDEV + 2)
#define DMA_ADDR (TESTDEV + 4)
#define DMA_OP (TESTDEV + 5)

static void device_dma(dma_addr_t addr, u8 op)
{
	outl((u32)addr, DMA_ADDR);
	outb(op, DMA_OP);
}

int ik_guest_test(void)
{
	const char *params = ik_bootinfo()->params;
	u8 *buf = kzalloc(256, GFP_KERNEL), *coh;
	dma_addr_t a, h;

	GUEST_ASSERT(buf != NULL);
	GUEST_ASSERT_EQ(dma_set_mask_and_coherent(NULL, DMA_BIT_MASK(32)), 0);
	a = dma_map_single(NULL, buf + 16, 64, DMA_FROM_DEVICE);
	GUEST_ASSERT(!dma_mapping_error(NULL, a));
	device_dma(a, 1);
	dma_sync_single_for_cpu(NULL, a, 64, DMA_FROM_DEVICE);
	dma_unmap_single(NULL, a, 64, DMA_FROM_DEVICE);
	for (unsigned i = 0; i < 64; i++)
		GUEST_ASSERT_EQ(buf[16 + i], i ^ 0xa5);
	GUEST_ASSERT_EQ(buf[15], 0);
	GUEST_ASSERT_EQ(buf[80], 0);

	coh = dma_alloc_coherent(NULL, 100, &h, GFP_KERNEL);
	GUEST_ASSERT(coh != NULL);
	GUEST_ASSERT_EQ((unsigned long)coh % PAGE_SIZE, 0);
	for (unsigned i = 0; i < 64; i++)
		coh[i] = (u8)i;
	device_dma(h, 2);
	GUEST_ASSERT_EQ(inl(SCRATCH), 63 * 64 / 2);
	dma_free_coherent(NULL, 100, coh, h);

	if (strstr(params, "attack=unmapped")) {
		device_dma(a, 1);
		GUEST_ASSERT(!"DMA to an unmapped buffer was not stopped");
	}
	if (strstr(params, "attack=outside")) {
		device_dma(0x7ff00000, 1);
		GUEST_ASSERT(!"DMA outside RAM was not stopped");
	}
	kfree(buf);
	return 0;
}
