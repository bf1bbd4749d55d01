// SPDX-License-Identifier: MIT
/* Posted port writes (IK_HC_PIO_BATCH, guest/runtime/pio_post.c) against the testdev at 0x500,
 * at both isolation levels: the device sees every write, in order, before anything that could
 * observe it: a read (carried with the writes), a string, a full buffer, a busy-wait on the
 * device's DMA (cpu_relax, udelay), an interrupt wait. attack=N: a write or request the monitor
 * must refuse, each ending the driver with a violation naming why (tests/guest/meson.build). */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "guest_test.h"

#define TESTDEV  0x500
#define WRITES   (TESTDEV + 1)
#define SCRATCH  (TESTDEV + 2)
#define DMA_ADDR (TESTDEV + 4)
#define DMA_OP   (TESTDEV + 5)

static int attack;
module_param(attack, int, 0444);

static struct ik_pio_write raw[IK_PIO_BATCH_MAX + 1];

/* A batch the monitor must refuse (its own request, not the runtime's). */
static void raw_batch(int which)
{
	struct ik_hc_pio_batch a = {.writes = (uintptr_t)raw, .count = 1};

	raw[0] = (struct ik_pio_write){.port = SCRATCH, .size = 1, .value = 7};
	switch (which) {
	case 3: a.count = IK_PIO_BATCH_MAX + 1; break;          /* more than a batch holds */
	case 4: raw[0].port = 0x2f8; break;                      /* a port outside the grant */
	case 5: raw[0].size = 3; break;                          /* no such access size */
	case 6: a.writes = 0x7ff00000; break;                    /* not guest memory */
	case 7: a.reserved = 1; break;                           /* a reserved field */
	case 8: a.then = (struct ik_hc_pio_string){.port = SCRATCH, .size = 3, .count = 1,
						   .buf = (uintptr_t)raw}; break; /* bad `then` */
	}
	ik_hypercall(IK_HC_PIO_BATCH, &a);
}

static void hostile(int which)
{
	outb(1, SCRATCH); /* held */
	if (which == 1)
		outb(2, 0x2f8); /* not granted: done at once, its own RIP (ik_outb) */
	else if (which == 2)
		outb(200, TESTDEV); /* the model refuses an interrupt line >= 64: in the batch */
	else
		raw_batch(which);
	(void)inb(WRITES);
}

/* Writes held past a full buffer arrive, all and in order. */
static void many_writes(void)
{
	u32 before = inl(WRITES);

	for (unsigned i = 0; i < 3 * IK_PIO_BATCH_MAX + 5; i++)
		outb((u8)i, SCRATCH);
	outl(0x11223344, SCRATCH);
	outw(0xbeef, SCRATCH);
	GUEST_ASSERT_EQ(inw(SCRATCH), 0xbeef); /* the last write wins: order kept */
	GUEST_ASSERT_EQ(inl(WRITES), before + 3 * IK_PIO_BATCH_MAX + 7);
}

/* A string after held writes: one request, the writes first. */
static void string_after_writes(void)
{
	u8 in[2] = {0, 0};
	u32 before = inl(WRITES);

	outb(1, SCRATCH);
	outb(2, SCRATCH);
	outsb(SCRATCH, "abc", 3);
	GUEST_ASSERT_EQ(inb(SCRATCH), 'c');
	outb(9, SCRATCH);
	insb(WRITES, in, 2); /* reads do not count: both see the six writes */
	GUEST_ASSERT_EQ(in[0], (u8)(before + 6));
	GUEST_ASSERT_EQ(in[1], (u8)(before + 6));
	GUEST_ASSERT_EQ(inb(SCRATCH), 9);
}

/* The device writes by DMA what a held write asked for; a loop that waits for it with
 * cpu_relax() or udelay() must see it (the writes go out before the wait). */
static void busy_wait_on_dma(bool use_udelay)
{
	volatile u8 *buf = kzalloc(64, GFP_KERNEL);
	unsigned spins = 0;

	GUEST_ASSERT(buf != NULL);
	outl((u32)(uintptr_t)buf, DMA_ADDR);
	outb(1, DMA_OP); /* the device writes 64 bytes i ^ 0xa5 */
	while (buf[1] != (1 ^ 0xa5) && spins++ < 1000000) {
		if (use_udelay)
			udelay(1);
		else
			cpu_relax();
	}
	GUEST_ASSERT_EQ(buf[1], 1 ^ 0xa5);
	kfree((void *)buf);
}

int ik_guest_test(void)
{
	GUEST_ASSERT(request_region(TESTDEV, 8, "testdev") != NULL);
	if (attack) {
		hostile(attack);
		return 0;
	}
	GUEST_ASSERT(ik_bootinfo()->features & IK_FEAT_PIO_BATCH);
	many_writes();
	string_after_writes();
	busy_wait_on_dma(false);
	busy_wait_on_dma(true);
	release_region(TESTDEV, 8);
	return 0;
}
