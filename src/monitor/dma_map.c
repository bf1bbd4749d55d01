/* SPDX-License-Identifier: MIT */
/*
 * IK_HC_DMA_MAP: the driver reports the DMA mappings it made and dropped (IK_FEAT_DMA_STRICT),
 * at both isolation levels. The request is checked (count, reserved field), the ranges are
 * fetched once through the backend (guest RAM in a VM, the request's payload in a process),
 * and the registry keeps them in its strict table (src/devices/dma.c), refusing any range
 * outside the driver's RAM with a violation naming it.
 */
#include "devmodel.h"
#include "drvhost.h"

int ik_dh_dma_map(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_dma_map a = *(const struct ik_hc_dma_map *)args; /* read once */
	struct ik_dma_range r[IK_DMA_MAP_MAX];
	char why[200];

	if (a.count > IK_DMA_MAP_MAX || a.reserved)
		return ik_dh_violation(dh, IK_HC_DMA_MAP, "%u ranges (at most %u), reserved 0x%x",
				       a.count, IK_DMA_MAP_MAX, a.reserved);
	if (a.count == 0)
		return 0;
	if (dh->ops->fetch(dh->be, a.ranges, r, (uint64_t)a.count * sizeof(r[0])))
		return ik_dh_violation(dh, IK_HC_DMA_MAP,
				       "ranges [0x%llx, +%u entries) are not readable guest memory",
				       (unsigned long long)a.ranges, a.count);
	if (!dh->devs)
		return ik_dh_violation(dh, IK_HC_DMA_MAP, "DMA mappings without devices");
	if (ik_devset_dma_map(dh->devs, r, a.count, why, sizeof(why)))
		return ik_dh_violation(dh, IK_HC_DMA_MAP, "%s", why);
	return 0;
}
