/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/dma-mapping.h>. Guest memory is identity mapped, so a DMA
 * address is the buffer's own address: guest-physical in a VM, the driver's address of its
 * RAM at isolation=process (which the monitor-lite maps too). The monitor's device models reach
 * it only through their checked DMA accessor (docs/ARCHITECTURE.md "PCI and DMA"). When a
 * granted device is dma=strict (IK_FEAT_DMA_STRICT), every map and unmap is reported to the
 * monitor (batched, lib/dma.c) and the device may touch only what is mapped; otherwise mapping
 * is free. No IOMMU, no bounce buffers: every mask of 32 bits or more is accepted (guest RAM
 * lies below 1 GiB).
 */
#ifndef _IK_LINUX_DMA_MAPPING_H
#define _IK_LINUX_DMA_MAPPING_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/device.h>
#include <linux/mm.h>

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp);
void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle);
dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir);
void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir);
dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset, size_t size,
			enum dma_data_direction dir);
void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir);
int dma_set_mask(struct device *dev, u64 mask);
int dma_set_coherent_mask(struct device *dev, u64 mask);
int dma_set_mask_and_coherent(struct device *dev, u64 mask);

#define dma_map_single_attrs(d, p, s, dir, attrs) dma_map_single((d), (p), (s), (dir))
#define dma_unmap_single_attrs(d, a, s, dir, attrs) dma_unmap_single((d), (a), (s), (dir))
#define dma_map_page_attrs(d, pg, o, s, dir, attrs) dma_map_page((d), (pg), (o), (s), (dir))
#define dma_unmap_page_attrs(d, a, s, dir, attrs) dma_unmap_page((d), (a), (s), (dir))

static inline int dma_mapping_error(struct device *dev, dma_addr_t dma_addr)
{
	(void)dev;
	return dma_addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}

/* Memory is coherent here (the model copies at the moment of the DMA): syncs for the device
 * are no-ops; a sync for the CPU sends the posted port writes, whose DMA the CPU is about to
 * read, except writes all to lazy registers (ik_pio_flush_unless_lazy_writes, rt.h): what they
 * start is the device acting later, which the driver learns from the device (a DD bit). */
static inline void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
					   enum dma_data_direction dir)
{
	(void)dev, (void)addr, (void)size, (void)dir;
	ik_pio_flush_unless_lazy_writes();
}

static inline void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
					      enum dma_data_direction dir)
{
	(void)dev, (void)addr, (void)size, (void)dir;
}

static inline void dma_sync_single_range_for_cpu(struct device *dev, dma_addr_t addr,
						 unsigned long offset, size_t size,
						 enum dma_data_direction dir)
{
	(void)dev, (void)addr, (void)offset, (void)size, (void)dir;
	ik_pio_flush_unless_lazy_writes();
}

static inline void dma_sync_single_range_for_device(struct device *dev, dma_addr_t addr,
						    unsigned long offset, size_t size,
						    enum dma_data_direction dir)
{
	(void)dev, (void)addr, (void)offset, (void)size, (void)dir;
}

#endif
