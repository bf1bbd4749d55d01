/* SPDX-License-Identifier: MIT */
/* The I/O resource registry behind request_region (see <linux/ioport.h>): a flat list of booked
 * ranges per root, refusing overlaps. */
#include <linux/kernel.h>
#include <linux/ioport.h>
#include <linux/mc146818rtc.h>
#include <linux/slab.h>

#include <ik/rt.h>

struct resource ioport_resource = {
	.start = 0, .end = 0xffff, .name = "PCI IO", .flags = IORESOURCE_IO,
};

struct resource iomem_resource = {
	.start = 0, .end = ~(resource_size_t)0, .name = "PCI mem", .flags = IORESOURCE_MEM,
};

static bool ranges_overlap(const struct resource *r, resource_size_t start, resource_size_t end)
{
	return start <= r->end && r->start <= end;
}

/* Is [start, end] inside one of the port ranges the operator granted this driver? A monitor
 * that does not list its grants (no IK_FEAT_PORT_GRANTS) leaves the check to itself. */
static bool port_range_granted(resource_size_t start, resource_size_t end)
{
	const struct ik_bootinfo *bi = ik_bootinfo();

	if (!(bi->features & IK_FEAT_PORT_GRANTS))
		return true;
	for (unsigned i = 0; i < IK_MAX_PORT_GRANTS; i++) {
		uint32_t g = bi->port_grant[i];
		resource_size_t first = g & 0xffffu, count = g >> 16;

		if (count == 0)
			break;
		if (start >= first && end < first + count)
			return true;
	}
	return false;
}

struct resource *__request_region(struct resource *parent, resource_size_t start,
				  resource_size_t n, const char *name, int flags)
{
	resource_size_t end = start + n - 1;
	struct resource *res;

	if (n == 0 || end < start || start < parent->start || end > parent->end)
		return NULL;
	/* Like a range another driver holds: a probing driver moves on to its next candidate. */
	if (parent == &ioport_resource && !port_range_granted(start, end)) {
		pr_info("request_region %#llx-%#llx (%s): not granted to this driver\n",
			(unsigned long long)start, (unsigned long long)end, name ? name : "?");
		return NULL;
	}
	for (struct resource *r = parent->child; r; r = r->sibling) {
		if (ranges_overlap(r, start, end)) {
			pr_warn("request_region %#llx-%#llx (%s): busy, held by %s\n",
				(unsigned long long)start, (unsigned long long)end,
				name ? name : "?", r->name ? r->name : "?");
			return NULL;
		}
	}
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return NULL;
	res->start = start;
	res->end = end;
	res->name = name;
	res->flags = (parent->flags & IORESOURCE_TYPE_BITS) | IORESOURCE_BUSY | (unsigned)flags;
	res->parent = parent;
	res->sibling = parent->child;
	parent->child = res;
	return res;
}

void __release_region(struct resource *parent, resource_size_t start, resource_size_t n)
{
	resource_size_t end = start + n - 1;

	for (struct resource **pp = &parent->child; *pp; pp = &(*pp)->sibling) {
		struct resource *r = *pp;

		if (r->start == start && r->end == end) {
			*pp = r->sibling;
			kfree(r);
			return;
		}
	}
	pr_warn("release_region: trying to free nonexistent resource %#llx-%#llx\n",
		(unsigned long long)start, (unsigned long long)end);
}

/* The lock of the CMOS index/data port pair (<linux/mc146818rtc.h>). */
DEFINE_SPINLOCK(rtc_lock);
