/* SPDX-License-Identifier: MIT */
/*
 * Device DMA, confined. A model reaches the driver's memory only through ik_dev_dma_read and
 * ik_dev_dma_write, which refuse (and end the driver with a violation naming the device, the
 * direction and the address):
 *   - a PCI function whose bus mastering is off (command register bit 2), as hardware would
 *     master-abort;
 *   - with the grant option dma=strict, any page of the range that the driver has not mapped
 *     for DMA (its dma_map_* / dma_alloc_coherent, reported with IK_HC_DMA_MAP);
 *   - anything the host's translator refuses: outside the driver's RAM, or memory the driver
 *     itself may not read (for a device read) or write (for a device write).
 * The strict table counts, per RAM page, the driver's mappings that hold it (atomics: the vCPU
 * or service thread updates it while the devices' timer threads read it).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikernel/abi.h"
#include "registry_internal.h"

static struct ik_devset *set_of(const struct ik_device *dev)
{
	return (struct ik_devset *)((char *)dev->host - offsetof(struct ik_devset, host));
}

int ik_dma_init(struct ik_devset *set, struct ik_device *dev)
{
	char v[16];
	int r = ik_dev_opt(dev, "dma", v, sizeof(v));
	size_t pages = (size_t)(set->host.ram_size / IK_PAGE_SIZE);

	dev->dma_strict = false;
	if (r == -ENOENT || (r == 0 && !strcmp(v, "ram")))
		return 0;
	if (r || strcmp(v, "strict"))
		return ik_dev_fail(dev, "option dma: expected dma=strict or dma=ram");
	dev->dma_strict = true;
	if (!set->dma_pages && !(set->dma_pages = calloc(pages ? pages : 1, sizeof(*set->dma_pages))))
		return -ENOMEM;
	return 0;
}

void ik_dma_destroy(struct ik_devset *set)
{
	free((void *)set->dma_pages);
	set->dma_pages = NULL;
}

bool ik_devset_dma_strict(const struct ik_devset *set)
{
	return set->dma_pages != NULL;
}

/* The pages of [addr, addr + len) as indices into the strict table; false outside RAM. */
static bool page_span(const struct ik_devset *set, uint64_t addr, uint64_t len, size_t *first,
		      size_t *last)
{
	uint64_t base = set->host.ram_base, size = set->host.ram_size;

	if (len == 0 || addr < base || addr - base >= size || len > size - (addr - base))
		return false;
	*first = (size_t)((addr - base) / IK_PAGE_SIZE);
	*last = (size_t)((addr - base + len - 1) / IK_PAGE_SIZE);
	return true;
}

static bool page_get(_Atomic uint16_t *c)
{
	uint16_t v = atomic_load(c);

	while (v != UINT16_MAX)
		if (atomic_compare_exchange_weak(c, &v, (uint16_t)(v + 1)))
			return true;
	return false;
}

/* Dropping a page nobody mapped changes nothing (Linux's DMA debugging warns; we refuse its
 * DMA anyway). */
static void page_put(_Atomic uint16_t *c)
{
	uint16_t v = atomic_load(c);

	while (v != 0 && !atomic_compare_exchange_weak(c, &v, (uint16_t)(v - 1)))
		;
}

int ik_devset_dma_map(struct ik_devset *set, const struct ik_dma_range *r, unsigned n, char *why,
		      size_t whylen)
{
	for (unsigned i = 0; i < n; i++) {
		const struct ik_dma_range e = r[i]; /* read once */
		size_t first, last;

		if (e.map > 1 || !page_span(set, e.addr, e.len, &first, &last)) {
			snprintf(why, whylen, "DMA %s of [0x%llx, +%u) is outside its RAM",
				 e.map ? "mapping" : "unmapping", (unsigned long long)e.addr, e.len);
			return -EPERM;
		}
		if (!set->dma_pages)
			continue; /* nothing strict: nothing to keep */
		for (size_t p = first; p <= last; p++) {
			if (!e.map) {
				page_put(&set->dma_pages[p]);
			} else if (!page_get(&set->dma_pages[p])) {
				snprintf(why, whylen, "DMA page 0x%llx is mapped 65535 times",
					 (unsigned long long)(set->host.ram_base + p * IK_PAGE_SIZE));
				return -EPERM;
			}
		}
	}
	return 0;
}

/* The first page of [gpa, gpa + len) the driver has not mapped, or 0 when all are mapped. */
static uint64_t unmapped_page(const struct ik_devset *set, uint64_t gpa, uint64_t len)
{
	size_t first, last;

	if (!page_span(set, gpa, len, &first, &last))
		return 0; /* outside RAM: the translator says so */
	for (size_t p = first; p <= last; p++)
		if (atomic_load(&set->dma_pages[p]) == 0)
			return set->host.ram_base + p * IK_PAGE_SIZE;
	return 0;
}

static int refuse(struct ik_device *dev, bool write, uint64_t gpa, size_t len, const char *reason)
{
	char name[64], why[256];

	ik_dev_describe(dev, name, sizeof(name));
	snprintf(why, sizeof(why), "device %s: DMA %s of %zu bytes %s 0x%llx refused: %s", name,
		 write ? "write" : "read", len, write ? "to" : "from", (unsigned long long)gpa,
		 reason);
	dev->host->violation(dev->host->ctx, why);
	return -EFAULT;
}

static int dma_check(struct ik_device *dev, bool write, uint64_t gpa, size_t len)
{
	const struct ik_devset *set = set_of(dev);
	char reason[128];
	uint64_t page;

	if (dev->on_pci && !(dev->pci_command & IK_PCI_CMD_MASTER))
		return refuse(dev, write, gpa, len, "bus mastering is off (pci_set_master)");
	if (dev->dma_strict && set->dma_pages && (page = unmapped_page(set, gpa, len))) {
		snprintf(reason, sizeof(reason), "page 0x%llx is not mapped for DMA by the driver",
			 (unsigned long long)page);
		return refuse(dev, write, gpa, len, reason);
	}
	return 0;
}

int ik_dev_dma_read(struct ik_device *dev, uint64_t gpa, void *buf, size_t len)
{
	if (dma_check(dev, false, gpa, len))
		return -EFAULT;
	if (dev->host->dma_read(dev->host->ctx, gpa, buf, len))
		return refuse(dev, false, gpa, len, "not the driver's readable RAM");
	return 0;
}

int ik_dev_dma_write(struct ik_device *dev, uint64_t gpa, const void *buf, size_t len)
{
	if (dma_check(dev, true, gpa, len))
		return -EFAULT;
	if (dev->host->dma_write(dev->host->ctx, gpa, buf, len))
		return refuse(dev, true, gpa, len, "not the driver's writable RAM");
	return 0;
}
