// SPDX-License-Identifier: MIT
/* Interrupt lines in the event page (IK_FEAT_EVENT_IRQS) and posted writes carried by the
 * scheduler's IK_HC_WAIT (IK_FEAT_WAIT_BATCH), at both isolation levels, against the testdev
 * (--device testdev@0x500,dma=strict). test_event_irqs.sh counts the exits of `cycles` rounds
 * of a mode (IKERNEL_EXIT_PROFILE=1) against a run of none:
 *   mode=irq    a posted write raises line 5, the thread waits for the handler: the write's
 *               request is the round's one exit (no IK_HC_WAIT fetches the line)
 *   mode=idle   a DMA mapping's report is held when the driver sleeps (msleep): the idle wait
 *               carries it (one exit, not two); the device's DMA into the buffer afterwards
 *               proves the monitor applied it
 *   mode=fetch  the same with an IK_HC_WAIT(0) fetch instead of a sleep (both levels)
 * Without a mode: the rules themselves (features offered, a line raised by a write the wait
 * carries ends the wait at once, event-page garbage hurts only us). attack=N: a wait the
 * monitor must refuse (tests/guest/meson.build). */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "guest_test.h"
#include "internal.h" /* ik_sched_wait, ik_pio_posted, IK_EVENTS_PTR */

#define TESTDEV  0x500
#define DMA_ADDR (TESTDEV + 4)
#define DMA_OP   (TESTDEV + 5)
#define LINE     5

static char *mode = "";
module_param(mode, charp, 0444);
static int cycles;
module_param(cycles, int, 0444);
static int attack;
module_param(attack, int, 0444);

static DECLARE_WAIT_QUEUE_HEAD(irq_wq);
static volatile int hits;

static irqreturn_t on_irq(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	hits++;
	wake_up(&irq_wq);
	return IRQ_HANDLED;
}

static void irq_rounds(void)
{
	for (int i = 0; i < cycles; i++) {
		int want = hits + 1;

		outb(LINE, TESTDEV); /* posted: goes out when this thread waits */
		GUEST_ASSERT(wait_event_timeout(irq_wq, hits >= want, HZ) > 0);
	}
}

/* One round: map (report held), sleep or fetch (the wait carries it), device DMA (needs the
 * mapping applied: dma=strict refuses it otherwise), unmap (held for the next round). */
static void dma_rounds(bool sleep)
{
	u8 *buf = kzalloc(64, GFP_KERNEL);

	GUEST_ASSERT(buf != NULL);
	for (int i = 0; i < cycles; i++) {
		dma_addr_t a = dma_map_single(NULL, buf, 64, DMA_FROM_DEVICE);

		GUEST_ASSERT(!dma_mapping_error(NULL, a));
		GUEST_ASSERT(ik_pio_posted > 0); /* the report, held */
		if (!sleep)
			ik_sched_wait(0);
		while (ik_pio_posted) /* a loaded host may keep us spinning past a short sleep */
			msleep(1);
		outl((u32)a, DMA_ADDR);
		outb(1, DMA_OP);
		ik_pio_flush();
		for (unsigned j = 0; j < 64; j++)
			GUEST_ASSERT_EQ(buf[j], j ^ 0xa5);
		dma_unmap_single(NULL, a, 64, DMA_FROM_DEVICE);
		memset(buf, 0, 64);
	}
	kfree(buf);
}

/* A write the wait carries raises a line (on the monitor's serving thread: no kick): the wait
 * must not sleep its second, and the line is ours when it returns. */
static void raise_in_wait(void)
{
	int want = hits + 1;
	uint64_t t0 = ik_now_ns();

	outb(LINE, TESTDEV);
	GUEST_ASSERT(ik_pio_posted > 0);
	ik_sched_wait(1000 * NS_PER_MS);
	GUEST_ASSERT(ik_now_ns() - t0 < 500 * NS_PER_MS);
	GUEST_ASSERT(wait_event_timeout(irq_wq, hits >= want, HZ) > 0);
}

/* The event page is ours to write: garbage in `irqs` and `attention` is taken as lines (64 of
 * them, spurious) and a fetch; the monitor goes on, and a real line still arrives. */
static void scribble(void)
{
	int want;

	__atomic_store_n(&IK_EVENTS_PTR->irqs, ~0ull, __ATOMIC_SEQ_CST);
	__atomic_store_n(&IK_EVENTS_PTR->attention, ~0u, __ATOMIC_SEQ_CST);
	msleep(2);
	GUEST_ASSERT_EQ(IK_EVENTS_PTR->irqs, 0);
	want = hits + 1;
	outb(LINE, TESTDEV);
	GUEST_ASSERT(wait_event_timeout(irq_wq, hits >= want, HZ) > 0);
}

/* A wait the monitor must refuse: too many writes, writes outside RAM, a write outside the
 * grant, unknown flags. */
static void hostile(void)
{
	static struct ik_io_write raw[IK_IO_BATCH_LARGE + 1];
	struct ik_hc_wait w = {.writes = (uintptr_t)raw, .count = 1};

	raw[0] = (struct ik_io_write){.addr = TESTDEV + 2, .size = 1, .value = 7,
				      .space = IK_IO_PORT};
	switch (attack) {
	case 1: w.count = ik_io_batch_limit() + 1; break;
	case 2: w.writes = 0x7ff00000; break;
	case 3: raw[0].addr = 0x2f8; break;
	case 4: w.flags = 2; break;
	}
	ik_pio_flush();
	ik_hypercall(IK_HC_WAIT, &w);
}

int ik_guest_test(void)
{
	const uint64_t need = IK_FEAT_EVENT_IRQS | IK_FEAT_WAIT_BATCH | IK_FEAT_DMA_STRICT;

	GUEST_ASSERT(request_region(TESTDEV, 8, "testdev") != NULL);
	if (attack) {
		hostile();
		return 0;
	}
	GUEST_ASSERT_EQ(ik_bootinfo()->features & need, need);
	GUEST_ASSERT_EQ(request_irq(LINE, on_irq, 0, "event_irqs", NULL), 0);
	ik_sched_wait(0); /* asks for event-page lines (every wait does): counted rounds start now */
	if (!strcmp(mode, "irq"))
		irq_rounds();
	else if (!strcmp(mode, "idle"))
		dma_rounds(true);
	else if (!strcmp(mode, "fetch"))
		dma_rounds(false);
	else {
		raise_in_wait();
		scribble();
	}
	free_irq(LINE, NULL);
	release_region(TESTDEV, 8);
	return 0;
}
