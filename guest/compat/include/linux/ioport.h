/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: I/O resources (<linux/ioport.h>). request_region() books ports in a
 * guest-side registry that refuses overlaps (so two drivers in one image cannot both claim a
 * port); the monitor separately enforces which ports the VM was granted at all. */
#ifndef _IK_LINUX_IOPORT_H
#define _IK_LINUX_IOPORT_H

#include <linux/types.h>
#include <linux/compiler.h>

struct resource {
	resource_size_t start;
	resource_size_t end; /* inclusive */
	const char *name;
	unsigned long flags;
	unsigned long desc;
	struct resource *parent, *sibling, *child;
};

#define IORESOURCE_BITS 0x000000ff
#define IORESOURCE_TYPE_BITS 0x00001f00
#define IORESOURCE_IO 0x00000100
#define IORESOURCE_MEM 0x00000200
#define IORESOURCE_REG 0x00000300
#define IORESOURCE_IRQ 0x00000400
#define IORESOURCE_DMA 0x00000800
#define IORESOURCE_BUS 0x00001000
#define IORESOURCE_BUSY 0x80000000
#define IORESOURCE_MUXED 0x00400000
#define IORESOURCE_EXCLUSIVE 0x08000000

#define DEFINE_RES_NAMED(_start, _size, _name, _flags)                                             \
	{                                                                                          \
		.start = (_start), .end = (_start) + (_size)-1, .name = (_name), .flags = (_flags), \
	}
#define DEFINE_RES_IO(_start, _size) DEFINE_RES_NAMED((_start), (_size), NULL, IORESOURCE_IO)
#define DEFINE_RES_MEM(_start, _size) DEFINE_RES_NAMED((_start), (_size), NULL, IORESOURCE_MEM)

extern struct resource ioport_resource;
extern struct resource iomem_resource;

static inline resource_size_t resource_size(const struct resource *res)
{
	return res->end - res->start + 1;
}

static inline unsigned long resource_type(const struct resource *res)
{
	return res->flags & IORESOURCE_TYPE_BITS;
}

/* Book [start, start + n) under `parent`; NULL if any part of it is booked already. */
struct resource *__request_region(struct resource *parent, resource_size_t start,
				  resource_size_t n, const char *name, int flags);
void __release_region(struct resource *parent, resource_size_t start, resource_size_t n);

#define request_region(start, n, name) __request_region(&ioport_resource, (start), (n), (name), 0)
#define request_muxed_region(start, n, name)                                                       \
	__request_region(&ioport_resource, (start), (n), (name), IORESOURCE_MUXED)
#define request_mem_region(start, n, name) __request_region(&iomem_resource, (start), (n), (name), 0)
#define release_region(start, n) __release_region(&ioport_resource, (start), (n))
#define release_mem_region(start, n) __release_region(&iomem_resource, (start), (n))

#endif
