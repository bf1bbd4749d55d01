/* SPDX-License-Identifier: MIT */
/*
 * DMA mapping reports (IK_FEAT_DMA_STRICT): when a device granted to us checks its DMA against
 * our mappings, every dma_map_* / dma_alloc_coherent and unmap of the compat layer is queued
 * here and sent as one IK_HC_DMA_MAP request before the next write to a device (port or MMIO:
 * the only way to tell a device to use a mapping) or when the queue is full, not one exit per
 * map. With posted writes (IK_FEAT_IO_BATCH) a report is instead an entry of their queue
 * (pio_post.c), in order with the writes: it then costs no request of its own. Without the
 * feature nothing is queued or sent. Cooperative threads: no locking.
 */
#include "internal.h"

static struct ik_dma_range queue[IK_DMA_MAP_MAX];
unsigned ik_dma_queued;

void ik_dma_flush(void)
{
	struct ik_hc_dma_map hc = { .ranges = (uintptr_t)queue, .count = ik_dma_queued };

	if (!ik_dma_queued)
		return;
	ik_hypercall(IK_HC_DMA_MAP, &hc);
	ik_dma_queued = 0;
}

void ik_dma_report(uint64_t addr, uint64_t len, bool map)
{
	if (!(ik_bootinfo()->features & IK_FEAT_DMA_STRICT) || len == 0)
		return;
	while (len) { /* a range longer than 4 GiB is several entries */
		uint32_t part = len > 0x80000000u ? 0x80000000u : (uint32_t)len;

		if (!ik_dma_post(addr, part, map)) { /* no posted writes: a queue of our own */
			if (ik_dma_queued == IK_DMA_MAP_MAX)
				ik_dma_flush();
			queue[ik_dma_queued++] = (struct ik_dma_range){ .addr = addr, .len = part,
									.map = map };
		}
		addr += part;
		len -= part;
	}
}
