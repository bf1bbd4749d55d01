// SPDX-License-Identifier: MIT
/* Posted MMIO writes (IK_HC_IO_BATCH, guest/runtime/pio_post.c) against the testdev's window
 * and ports, at both isolation levels: a write inside the driver's window is held (the
 * runtime's queue, looked at directly: this test includes internal.h), reaches the model
 * exactly once, in program order with the port writes around it (the testdev's access log),
 * and goes out before a read of the window or a port (carried with the writes), at a flush
 * point (a delay, cpu_relax, a barrier) and when the queue is full; an 8-byte write is not
 * held. With --device testdev@0x500,dma=strict (mmio_posted_strict) also the DMA mapping reports:
 * entries of the same queue, before the writes that start the device's DMA, so a strict device
 * may use the buffer, and the unmap after them; a report alone waits for the next device
 * access. attack=N: a write the guest must not hold (outside the window: done at once, so the
 * report names the address and, in a VM, the faulting write) or a batch the monitor must
 * refuse (tests/guest/meson.build). */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "guest_test.h"
#include "internal.h" /* ik_pio_posted: the writes held */

#define WINDOW   0x61000000ul
#define LOG_PORT (0x500 + 6)
#define LOG_MMIO 16

static int attack;
module_param(attack, int, 0444);

static void __iomem *w;

/* A batch the monitor must refuse (its own request, not the runtime's). */
static void raw_batch(int which)
{
	static struct ik_io_write raw[IK_IO_BATCH_LARGE + 1];
	struct ik_hc_io_batch a = {.writes = (uintptr_t)raw, .count = 1};
	u8 in = 0;

	raw[0] = (struct ik_io_write){.addr = WINDOW, .size = 4, .value = 7, .space = IK_IO_MMIO};
	switch (which) {
	case 3: raw[0].addr = WINDOW + 0x1000; break;            /* past the window */
	case 4: raw[0].addr = IK_GPA_PIO + 0x500; break;          /* the port window, as MMIO */
	case 5: raw[0].space = 9; break;                          /* no such space */
	case 6: a.count = ik_io_batch_limit() + 1; break;         /* more than a batch holds */
	case 7: a.read = (struct ik_io_read){.addr = WINDOW + 0x1000, .size = 4}; break;
	case 8: a.read = (struct ik_io_read){.addr = WINDOW, .size = 4};          /* and `then` */
		a.then = (struct ik_hc_pio_string){.port = 0x501, .size = 1, .count = 1,
						   .buf = (uintptr_t)&in}; break;
	case 9: raw[0].reserved = 1; break;                       /* a reserved field */
	case 10: raw[0] = (struct ik_io_write){.addr = 0x7ff00000, .value = 4096,
					       .space = IK_IO_DMA_MAP}; break; /* outside RAM */
	case 11: raw[0] = (struct ik_io_write){.addr = (uintptr_t)raw, .value = 16, .size = 4,
					       .space = IK_IO_DMA_MAP}; break; /* a size */
	}
	ik_hypercall(IK_HC_IO_BATCH, &a);
}

static void hostile(int which)
{
	writel(1, w); /* held */
	if (which == 1)
		writel(2, w + 0x1000); /* past the window: done at once, its own RIP */
	else if (which == 2)
		writel(2, (void __iomem *)(WINDOW + 0x800000)); /* in the hole, no window: the same */
	else {
		ik_pio_flush();
		raw_batch(which);
	}
	(void)readl(w);
}

/* The monitor lists the window; writes inside it are held, in order with port writes. */
static void held_in_order(void)
{
	const struct ik_bootinfo *bi = ik_bootinfo();
	u64 before = readq(w + 8);

	GUEST_ASSERT(bi->features & IK_FEAT_IO_BATCH);
	GUEST_ASSERT(bi->features & IK_FEAT_MMIO_GRANTS);
	GUEST_ASSERT(bi->mmio_grant[0] == (WINDOW | 0x1000ull << 32));
	outb(0x01, LOG_PORT);
	writeb(0x02, w + LOG_MMIO);
	outb(0x03, LOG_PORT);
	writel(0x04, w + LOG_MMIO);
	writew(0x05, w + LOG_MMIO);
	GUEST_ASSERT_EQ(ik_pio_posted, 5); /* all held: none reached the device yet */
	/* The read goes with them, after them: the log shows the program's order. */
	GUEST_ASSERT(readq(w + LOG_MMIO) == 0x0102030405ull);
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	/* Each access reached the model once: the read of `before`, 3 writes, the log read. */
	GUEST_ASSERT(readq(w + 8) == before + 5);
	writel(0xdeadbeef, w);
	writeb(0x5a, w + 1);
	GUEST_ASSERT_EQ(inb(0x500 + 1) > 0, 1); /* a port read sends them too */
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	GUEST_ASSERT_EQ(readl(w), 0xdead5aef);
}

/* A flush point sends the held writes (the device's view is then complete). */
static void flush_points(void)
{
	writel(0x11, w + LOG_MMIO);
	GUEST_ASSERT_EQ(ik_pio_posted, 1);
	udelay(1);
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	writel(0x12, w + LOG_MMIO);
	cpu_relax();
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	writel(0x13, w + LOG_MMIO);
	mb();
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	writel(0x14, w + LOG_MMIO);
	writeq(0x0123456789abcdefull, w); /* 8 bytes: not held, after the held one */
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	GUEST_ASSERT(readq(w) == 0x0123456789abcdefull);
	GUEST_ASSERT((readq(w + LOG_MMIO) & 0xffffffffull) == 0x11121314ull);
}

/* More writes than a batch holds: all arrive, in order. */
static void full_queue(void)
{
	u64 before = readq(w + 8);

	unsigned max = ik_io_batch_limit();

	GUEST_ASSERT(max >= IK_IO_BATCH_MAX && max <= IK_IO_BATCH_LARGE);
	for (unsigned i = 0; i < 3 * max + 5; i++)
		writeb((u8)i, w + LOG_MMIO);
	GUEST_ASSERT_EQ(ik_pio_posted, 5);
	GUEST_ASSERT_EQ(readb(w + LOG_MMIO), (u8)(3 * max + 4));
	GUEST_ASSERT(readq(w + 8) == before + 1 + 3 * max + 5 + 1);
}

/* dma=strict: a mapping's report is held with the writes, ahead of them; the device's DMA (a
 * port write, flushed by the sync) finds the buffer mapped; the unmap comes after it. */
static void dma_reports_in_order(void)
{
	u8 *buf = kzalloc(64, GFP_KERNEL);
	dma_addr_t a;

	GUEST_ASSERT(buf != NULL);
	ik_pio_flush();
	a = dma_map_single(NULL, buf, 64, DMA_FROM_DEVICE);
	GUEST_ASSERT(!dma_mapping_error(NULL, a));
	GUEST_ASSERT_EQ(ik_pio_posted, 1); /* the report, held */
	outl((u32)a, 0x500 + 4);
	outb(1, 0x500 + 5); /* the device writes bytes i ^ 0xa5 */
	GUEST_ASSERT_EQ(ik_pio_posted, 3);
	dma_unmap_single(NULL, a, 64, DMA_FROM_DEVICE); /* sends them, then holds the unmap */
	GUEST_ASSERT_EQ(ik_pio_posted, 1);
	for (unsigned i = 0; i < 64; i++)
		GUEST_ASSERT_EQ(buf[i], i ^ 0xa5);
	ik_pio_flush(); /* a report alone changes nothing a device does: it waits... */
	GUEST_ASSERT_EQ(ik_pio_posted, 1);
	(void)readl(w); /* ...for the next device access, and goes with it */
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	kfree(buf);
}

int ik_guest_test(void)
{
	GUEST_ASSERT(request_region(0x500, 8, "testdev") != NULL);
	w = ioremap(WINDOW, 0x1000);
	if (attack) {
		hostile(attack);
		return 0;
	}
	held_in_order();
	flush_points();
	full_queue();
	if (ik_bootinfo()->features & IK_FEAT_DMA_STRICT)
		dma_reports_in_order();
	iounmap(w);
	release_region(0x500, 8);
	return 0;
}
