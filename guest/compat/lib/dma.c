/* SPDX-License-Identifier: MIT */
/*
 * The DMA API (<linux/dma-mapping.h>): DMA addresses are the buffers' own addresses; the
 * mappings are reported to the monitor only for a dma=strict device (the runtime queues them
 * and sends them in one IK_HC_DMA_MAP request before the next device write). Coherent memory
 * is whole zeroed pages, so a strict device sees exactly the pages the driver asked for.
 */
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>

static unsigned int pages_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp)
{
	unsigned long addr;

	(void)dev;
	if (size == 0 || size > (256ul << 20))
		return NULL;
	addr = __get_free_pages(gfp | __GFP_ZERO, pages_order(size));
	if (!addr)
		return NULL;
	ik_dma_report(addr, PAGE_SIZE << pages_order(size), true);
	*dma_handle = (dma_addr_t)addr;
	return (void *)addr;
}

void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle)
{
	(void)dev;
	(void)dma_handle;
	if (!cpu_addr)
		return;
	ik_dma_report((unsigned long)cpu_addr, PAGE_SIZE << pages_order(size), false);
	free_pages((unsigned long)cpu_addr, pages_order(size));
}

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir)
{
	(void)dev;
	(void)dir;
	if (!ptr || size == 0)
		return DMA_MAPPING_ERROR;
	ik_dma_report((unsigned long)ptr, size, true);
	return (dma_addr_t)(unsigned long)ptr;
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	(void)dev;
	(void)dir;
	/* The buffer is the CPU's again: the device's DMA for posted writes first (but for writes
	 * to lazy registers: the DMA they start is the device acting later, as ever). */
	ik_pio_flush_unless_lazy_writes();
	if (addr != DMA_MAPPING_ERROR && size)
		ik_dma_report(addr, size, false);
}

dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset, size_t size,
			enum dma_data_direction dir)
{
	return dma_map_single(dev, (char *)page_address(page) + offset, size, dir);
}

void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir)
{
	dma_unmap_single(dev, addr, size, dir);
}

/* Guest RAM is at most 256 MiB (IK_MEM_MAX) from a low address at both levels. */
int dma_set_mask(struct device *dev, u64 mask)
{
	(void)dev;
	return mask < DMA_BIT_MASK(32) ? -EIO : 0;
}

int dma_set_coherent_mask(struct device *dev, u64 mask)
{
	return dma_set_mask(dev, mask);
}

int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	return dma_set_mask(dev, mask);
}
