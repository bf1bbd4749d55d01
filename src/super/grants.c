/* SPDX-License-Identifier: MIT */
/*
 * Grants belong to one driver: the ports and IRQ lines the loaded manifests grant must not
 * overlap across drivers. Two drivers granted the same ports would each drive "its" hardware,
 * which on a real machine is one device, and fight over it (and over its node). Inside one
 * manifest the monitor's own grant parser refuses overlaps (manifest.c); across manifests this
 * file does, for `up` (ikm_check_set) and `up --check` (check.c) alike.
 * MMIO windows cannot be granted yet (manifest.c refuses them), so there are none to compare.
 * A PCI function (bus = pci) is on its driver's own bus, its ports and line assigned by that
 * driver's monitor: it shares nothing across drivers.
 */
#include <stdio.h>
#include <string.h>

#include "devmodel.h"
#include "manifest.h"

/* Port ranges [lo, hi] a granted device decodes (its model's ranges, or one of nports). */
static unsigned dev_ranges(const struct ikm_device *dev, unsigned lo[], unsigned hi[])
{
	const struct ik_devmodel *dm = ik_devmodel_find(dev->model);
	unsigned n = 0;

	if (!dm || dev->pci)
		return 0;
	if (!dm->ranges || !dm->nranges) {
		lo[0] = dev->port;
		hi[0] = dev->port + (dm->nports ? dm->nports : 1) - 1;
		return 1;
	}
	for (unsigned r = 0; r < dm->nranges && r < IK_DEV_MAX_RANGES; r++) {
		long start = (long)dev->port + dm->ranges[r].delta;
		lo[n] = (unsigned)start;
		hi[n] = (unsigned)(start + (dm->ranges[r].count ? dm->ranges[r].count : 1) - 1);
		n++;
	}
	return n;
}

/* The first shared port range of a and b as "ports 0xLO-0xHI": true when there is one. */
static bool ports_overlap(const struct ikm_device *a, const struct ikm_device *b, char *what,
			  size_t len)
{
	unsigned alo[IK_DEV_MAX_RANGES], ahi[IK_DEV_MAX_RANGES], blo[IK_DEV_MAX_RANGES],
		bhi[IK_DEV_MAX_RANGES];
	unsigned na = dev_ranges(a, alo, ahi), nb = dev_ranges(b, blo, bhi);

	for (unsigned i = 0; i < na; i++)
		for (unsigned j = 0; j < nb; j++)
			if (alo[i] <= bhi[j] && blo[j] <= ahi[i]) {
				unsigned lo = alo[i] > blo[j] ? alo[i] : blo[j];
				unsigned hi = ahi[i] < bhi[j] ? ahi[i] : bhi[j];
				snprintf(what, len, "ports 0x%x-0x%x", lo, hi);
				return true;
			}
	return false;
}

unsigned ikm_grant_clashes(const struct ik_manifest *a, const struct ik_manifest *b,
			   void (*say)(void *ctx, const char *msg), void *ctx)
{
	unsigned n = 0;
	char what[64], msg[IKM_ERR_MAX * 2 + 256];

	for (unsigned x = 0; x < a->ndevices; x++)
		for (unsigned y = 0; y < b->ndevices; y++) {
			const struct ikm_device *da = &a->devices[x], *db = &b->devices[y];
			bool ports = ports_overlap(da, db, what, sizeof(what));
			bool irq = da->irq >= 0 && da->irq == db->irq;

			if (!ports && !irq)
				continue;
			if (!ports)
				snprintf(what, sizeof(what), "irq %d", da->irq);
			else if (irq)
				snprintf(what + strlen(what), sizeof(what) - strlen(what), " and irq %d",
					 da->irq);
			snprintf(msg, sizeof(msg),
				 "%s:%d: [device %s] (driver '%s', %s) and %s:%d [device %s] (driver '%s', "
				 "%s) are both granted %s: a port or IRQ line is granted to one driver only",
				 a->source, da->line, da->label, a->name, da->grant, b->source, db->line,
				 db->label, b->name, db->grant, what);
			say(ctx, msg);
			n++;
		}
	return n;
}
