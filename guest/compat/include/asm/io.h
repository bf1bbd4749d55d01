/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: port and memory-mapped I/O (<asm/io.h>, x86 flavour).
 *
 * `in`/`out` fault at CPL3, so every port access goes through the runtime's port window (one
 * MMIO exit into the monitor, which checks it against the ports granted to this driver and
 * forwards it to the device model); a string (insw, outsw, ...) is one IK_HC_PIO_STRING request
 * per 4 KiB instead. Linux argument order: outb(value, port).
 * Memory-mapped device registers: see ioremap() below.
 */
#ifndef _IK_ASM_IO_H
#define _IK_ASM_IO_H

#include <ik/rt.h>
#include <linux/types.h>
#include <linux/compiler.h>

static inline u8 inb(unsigned long port)
{
	return ik_inb((uint16_t)port);
}

static inline u16 inw(unsigned long port)
{
	return ik_inw((uint16_t)port);
}

static inline u32 inl(unsigned long port)
{
	return ik_inl((uint16_t)port);
}

static inline void outb(u8 value, unsigned long port)
{
	ik_outb(value, (uint16_t)port);
}

static inline void outw(u16 value, unsigned long port)
{
	ik_outw(value, (uint16_t)port);
}

static inline void outl(u32 value, unsigned long port)
{
	ik_outl(value, (uint16_t)port);
}

/* The _p ("pause") variants existed for slow ISA devices; each access is slow enough here. */
#define inb_p inb
#define inw_p inw
#define inl_p inl
#define outb_p outb
#define outw_p outw
#define outl_p outl

/* String I/O: one request per string (up to IK_PIO_STRING_MAX bytes), not one per element:
 * a 1,514-byte frame through insw is one request instead of 757 exits. */
#define __IK_IO_STRING(bwl, type)                                                                  \
	static inline void ins##bwl(unsigned long port, void *addr, unsigned long count)           \
	{                                                                                          \
		ik_pio_string((uint16_t)port, sizeof(type), false, addr, count);                   \
	}                                                                                          \
	static inline void outs##bwl(unsigned long port, const void *addr, unsigned long count)    \
	{                                                                                          \
		ik_pio_string((uint16_t)port, sizeof(type), true, (void *)(uintptr_t)addr, count); \
	}

__IK_IO_STRING(b, u8)
__IK_IO_STRING(w, u16)
__IK_IO_STRING(l, u32)

/* Device registers: the MMIO windows the monitor placed in the device MMIO hole (a PCI
 * function's memory BAR says where), at the same addresses at both isolation levels. ioremap()
 * returns the address itself; every readX/writeX is one ik_mmio_read/ik_mmio_write of the
 * runtime, one exit in a VM, one IK_PROC_HC_MMIO request in a process: the same driver binary
 * works at both. Writes are posted as on PCI (held in order with the port writes and sent with
 * the next read or flush point, guest/runtime/pio_post.c). An access outside the driver's
 * windows ends it, at once. */
static inline void __iomem *ioremap(resource_size_t offset, unsigned long size)
{
	(void)size;
	return (void __iomem *)(uintptr_t)offset;
}
#define ioremap_nocache ioremap
#define ioremap_uc ioremap
#define ioremap_wc ioremap
static inline void iounmap(volatile void __iomem *addr)
{
	(void)addr;
}

#define __IK_MMIO(bwl, type)                                                                       \
	static inline type read##bwl(const volatile void __iomem *addr)                            \
	{                                                                                          \
		return (type)ik_mmio_read(addr, sizeof(type));                                     \
	}                                                                                          \
	static inline void write##bwl(type value, volatile void __iomem *addr)                     \
	{                                                                                          \
		ik_mmio_write(addr, sizeof(type), value);                                          \
	}

__IK_MMIO(b, u8)
__IK_MMIO(w, u16)
__IK_MMIO(l, u32)
__IK_MMIO(q, u64)

#define readb_relaxed readb
#define readw_relaxed readw
#define readl_relaxed readl
#define writeb_relaxed writeb
#define writew_relaxed writew
#define writel_relaxed writel
/* ioreadX/iowriteX take either a register of an MMIO window or a port "cookie" from
 * ioport_map() or pci_iomap() of an I/O BAR: IK_PIO_COOKIE + port, as Linux's lib/iomap.c
 * (PIO_OFFSET). The cookie range [0x10000, 0x20000) is low guest RAM that holds no device
 * registers, and no driver maps it. */
#define IK_PIO_COOKIE 0x10000ul

static inline bool __ik_iomap_is_port(const volatile void __iomem *addr)
{
	return (unsigned long)addr - IK_PIO_COOKIE < 0x10000ul;
}

static inline void __iomem *ioport_map(unsigned long port, unsigned int nr)
{
	(void)nr;
	return (void __iomem *)(IK_PIO_COOKIE + (port & 0xffffu));
}

static inline void ioport_unmap(void __iomem *addr)
{
	(void)addr;
}

#define __IK_IOMAP(bwl, n, type)                                                                   \
	static inline type ioread##n(const volatile void __iomem *addr)                            \
	{                                                                                          \
		if (__ik_iomap_is_port(addr))                                                      \
			return in##bwl((unsigned long)addr - IK_PIO_COOKIE);                       \
		return read##bwl(addr);                                                            \
	}                                                                                          \
	static inline void iowrite##n(type value, volatile void __iomem *addr)                     \
	{                                                                                          \
		if (__ik_iomap_is_port(addr))                                                      \
			out##bwl(value, (unsigned long)addr - IK_PIO_COOKIE);                      \
		else                                                                               \
			write##bwl(value, addr);                                                   \
	}

__IK_IOMAP(b, 8, u8)
__IK_IOMAP(w, 16, u16)
__IK_IOMAP(l, 32, u32)

/* Repeated accesses to one MMIO register (a FIFO): each is its own access, in order. */
static inline void ioread16_rep(const volatile void __iomem *addr, void *buf, unsigned long count)
{
	u16 *p = buf;

	while (count--)
		*p++ = ioread16(addr);
}

static inline void iowrite16_rep(volatile void __iomem *addr, const void *buf, unsigned long count)
{
	const u16 *p = buf;

	while (count--)
		iowrite16(*p++, addr);
}

#endif
