// SPDX-License-Identifier: MIT
/* MMIO read shadows (IK_FEAT_MMIO_SHADOW; guest/runtime/mmio_shadow.c, src/devices/shadow.c)
 * against the testdev's window, at both isolation levels. The testdev's STATUS (offset 0x18,
 * the scratch register's low half) is a read shadow and offset 0x1c a lazy register (a log
 * write); its access counter (offset 8) counts only accesses that reached the model, and the
 * runtime's queue (ik_pio_posted, white-box: this test includes internal.h) is sent by any
 * request at all, so "the counter did not move and the queue is still held" proves a read cost
 * no exit. Checked: the table comes from the monitor; a shadowed read with nothing held, or
 * with only lazy writes (and, with dma=strict, DMA reports) held, costs no exit and leaves the
 * queue as it was; a held write that is not lazy (the scratch register, a port) makes the read
 * carry the queue and see the device's new value; a read of another width is the device's;
 * lazy writes wait past the clock, dma_rmb and a DMA sync, not past a delay or a barrier;
 * and a driver scribbling its shadow values fools only itself: the device, what the monitor
 * gives the next read, and the monitor's next store are untouched. Port read shadows
 * (IK_SHADOW_PORT_READ): the testdev's port 0x507 reads the scratch port's low byte from the
 * event page while only lazy MMIO writes are held, and carries a held port write to the device
 * first (it may select or change what the port reads). */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "guest_test.h"
#include "internal.h" /* ik_pio_posted: the writes held */

#define WINDOW   0x61000000ul
#define SCRATCH  0x00
#define COUNT    0x08
#define LOG      0x10
#define STATUS   0x18 /* read shadow: (u32)scratch */
#define LAZY_LOG 0x1c /* lazy: logs like LOG */
#define LOG_PORT (0x500 + 6)
#define SCRATCH_PORT (0x500 + 2)
#define SHADOW_PORT  (0x500 + 7) /* port read shadow: the scratch port's low byte */

static void __iomem *w;

/* The monitor's table: STATUS shadowed, LAZY_LOG lazy, nothing else; values in the event page. */
static void table_from_monitor(void)
{
	const struct ik_bootinfo *bi = ik_bootinfo();

	GUEST_ASSERT(bi->features & IK_FEAT_MMIO_SHADOW);
	GUEST_ASSERT_EQ(bi->mmio_shadow[0].addr, WINDOW + STATUS);
	GUEST_ASSERT_EQ(bi->mmio_shadow[0].size, 4);
	GUEST_ASSERT_EQ(bi->mmio_shadow[0].kind, IK_SHADOW_READ);
	GUEST_ASSERT_EQ(bi->mmio_shadow[1].addr, WINDOW + LAZY_LOG);
	GUEST_ASSERT_EQ(bi->mmio_shadow[1].kind, IK_SHADOW_LAZY);
	GUEST_ASSERT_EQ(bi->mmio_shadow[2].addr, SHADOW_PORT);
	GUEST_ASSERT_EQ(bi->mmio_shadow[2].size, 1);
	GUEST_ASSERT_EQ(bi->mmio_shadow[2].kind, IK_SHADOW_PORT_READ);
	GUEST_ASSERT_EQ(bi->mmio_shadow[3].addr, 0);
	GUEST_ASSERT(bi->shadow_off >= sizeof(struct ik_events) && bi->shadow_off % 4 == 0);
}

/* Accesses that reached the model before this read (which is one more). */
static u64 count(void)
{
	return readq(w + COUNT);
}

static void no_exit_with_lazy_writes(void)
{
	u64 c;

	writel(0x11223344, w + SCRATCH); /* held, not lazy: the read below carries it */
	GUEST_ASSERT_EQ(readl(w + STATUS), 0x11223344);
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	c = count();
	GUEST_ASSERT_EQ(readl(w + STATUS), 0x11223344); /* nothing held: no exit */
	writel(0xa1, w + LAZY_LOG);
	writel(0xa2, w + LAZY_LOG);
	GUEST_ASSERT_EQ(ik_pio_posted, 2);
	GUEST_ASSERT_EQ(readl(w + STATUS), 0x11223344); /* only lazy writes held: no exit */
	GUEST_ASSERT_EQ(ik_pio_posted, 2);              /* still held: no request was sent */
	/* They arrive at the next read of the device, in order; the STATUS reads never did. */
	GUEST_ASSERT_EQ(readq(w + LOG) & 0xffff, 0xa1a2);
	GUEST_ASSERT(count() == c + 1 + 2 + 1); /* count, two lazy writes, the log read */
}

static void flush_when_not_lazy(void)
{
	u64 c;

	writel(0xb1, w + LAZY_LOG);
	writel(0x55667788, w + SCRATCH); /* changes STATUS: the read must see it */
	GUEST_ASSERT_EQ(readl(w + STATUS), 0x55667788);
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	outb(0xc1, LOG_PORT); /* a port write is never lazy */
	GUEST_ASSERT_EQ(ik_pio_posted, 1);
	GUEST_ASSERT_EQ(readl(w + STATUS), 0x55667788);
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	GUEST_ASSERT_EQ(readq(w + LOG) & 0xffff, 0xb1c1);
	c = count();
	GUEST_ASSERT_EQ(readw(w + STATUS), 0x7788); /* another width: the device's */
	GUEST_ASSERT(count() == c + 2);
}

/* Lazy writes also wait past the flush points that do not wait on the device (the clock,
 * dma_rmb, a DMA sync for the CPU), not past those that do (a delay, cpu_relax, mb); a write
 * that is not lazy goes at each of them. */
static void lazy_flush_points(void)
{
	unsigned long j;

	writel(0xf1, w + LAZY_LOG);
	j = jiffies;
	dma_rmb();
	dma_sync_single_for_cpu(NULL, 0, 0, DMA_FROM_DEVICE);
	GUEST_ASSERT_EQ(ik_pio_posted, 1);
	udelay(1);
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	writel(0xf2, w + LAZY_LOG);
	cpu_relax();
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	writel(0xf3, w + LAZY_LOG);
	mb();
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	writel(0x55667788, w + SCRATCH); /* not lazy (the same value: STATUS stays) */
	j += jiffies;
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	GUEST_ASSERT((readq(w + LOG) & 0xffffff) == 0xf1f2f3);
	(void)j;
}

/* dma=strict: a held DMA report changes nothing the device does: the read passes it too. */
static void dma_report_held(void)
{
	u8 *buf = kmalloc(64, GFP_KERNEL); /* RAM at both levels (a process's .bss is not) */
	dma_addr_t a = dma_map_single(NULL, buf, 64, DMA_TO_DEVICE);

	writel(0xd1, w + LAZY_LOG);
	GUEST_ASSERT_EQ(ik_pio_posted, 2); /* the report, the lazy write */
	GUEST_ASSERT_EQ(readl(w + STATUS), 0x55667788);
	GUEST_ASSERT_EQ(ik_pio_posted, 2);
	dma_unmap_single(NULL, a, 64, DMA_TO_DEVICE);
	(void)readl(w + LOG);
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	kfree(buf);
}

/* A driver scribbling its shadow values fools only itself. */
static void scribble_fools_only_itself(void)
{
	u32 *values = (u32 *)ik_mmio_shadow_values(); /* its own page: it may write there */

	GUEST_ASSERT(values != NULL);
	for (unsigned i = 0; i < IK_MAX_MMIO_SHADOWS; i++)
		values[i] = 0xdeadbeef;
	GUEST_ASSERT_EQ(readl(w + STATUS), 0xdeadbeef);   /* its own reads believe it */
	GUEST_ASSERT(readq(w + SCRATCH) == 0x55667788);   /* the device does not */
	writeb(0xe1, w + LOG);                            /* not lazy: the device answers */
	GUEST_ASSERT_EQ(readl(w + STATUS), 0x55667788);
	writel(0x0badf00d, w + SCRATCH);                  /* the model's next store wins */
	(void)readq(w + COUNT);
	GUEST_ASSERT_EQ(values[0], 0x0badf00d);
	GUEST_ASSERT_EQ(readl(w + STATUS), 0x0badf00d);
}

/* A port read shadow: no exit with only lazy MMIO writes held; a held port write goes first. */
static void port_shadow(void)
{
	outb(0x5a, SCRATCH_PORT); /* held: a port write */
	GUEST_ASSERT_EQ(ik_pio_posted, 1);
	GUEST_ASSERT_EQ(inb(SHADOW_PORT), 0x5a); /* it carried the write: the device's new value */
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	writel(0x71, w + LAZY_LOG); /* only a lazy MMIO write held */
	GUEST_ASSERT_EQ(inb(SHADOW_PORT), 0x5a); /* from the event page: */
	GUEST_ASSERT_EQ(ik_pio_posted, 1);       /* no request went */
	GUEST_ASSERT_EQ(readq(w + LOG) & 0xff, 0x71); /* a read of the device takes the queue */
	GUEST_ASSERT_EQ(ik_pio_posted, 0);
	outb(0xa5, SCRATCH_PORT);
	outb(0xc2, LOG_PORT);
	GUEST_ASSERT_EQ(inb(SHADOW_PORT), 0xa5); /* both writes first, in order */
	GUEST_ASSERT_EQ(readq(w + LOG) & 0xff, 0xc2);
}

int ik_guest_test(void)
{
	GUEST_ASSERT(request_region(0x500, 8, "testdev") != NULL);
	w = ioremap(WINDOW, 0x1000);
	table_from_monitor();
	no_exit_with_lazy_writes();
	flush_when_not_lazy();
	lazy_flush_points();
	port_shadow();
	if (ik_bootinfo()->features & IK_FEAT_DMA_STRICT)
		dma_report_held();
	scribble_fools_only_itself();
	iounmap(w);
	release_region(0x500, 8);
	return 0;
}
