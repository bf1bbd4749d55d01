// SPDX-License-Identifier: MIT
/* inb/outb, inw/outw, inl/outl (Linux argument order) round trip through the testdev scratch
 * register; request_region refuses overlaps. Needs --device testdev@0x500. */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>

#include "guest_test.h"

#define TESTDEV_BASE 0x500
#define TESTDEV_WRITES (TESTDEV_BASE + 1)
#define TESTDEV_SCRATCH (TESTDEV_BASE + 2)

int ik_guest_test(void)
{
	struct resource *res;
	u32 writes;

	res = request_region(TESTDEV_BASE, 8, "testdev");
	GUEST_ASSERT(res != NULL);
	GUEST_ASSERT_EQ(resource_size(res), 8);
	GUEST_ASSERT(request_region(TESTDEV_BASE + 4, 2, "overlap") == NULL);
	GUEST_ASSERT(request_region(TESTDEV_BASE - 1, 2, "overlap") == NULL);

	writes = inl(TESTDEV_WRITES);
	outb(0x5a, TESTDEV_SCRATCH);
	GUEST_ASSERT_EQ(inb(TESTDEV_SCRATCH), 0x5a);
	outw(0xbeef, TESTDEV_SCRATCH);
	GUEST_ASSERT_EQ(inw(TESTDEV_SCRATCH), 0xbeef);
	outl(0xdeadbeef, TESTDEV_SCRATCH);
	GUEST_ASSERT_EQ(inl(TESTDEV_SCRATCH), 0xdeadbeef);
	outb_p(0x11, TESTDEV_SCRATCH);
	GUEST_ASSERT_EQ(inb_p(TESTDEV_SCRATCH), 0x11);
	GUEST_ASSERT_EQ(inl(TESTDEV_WRITES), writes + 4);

	release_region(TESTDEV_BASE, 8);
	res = request_region(TESTDEV_BASE + 4, 2, "after release");
	GUEST_ASSERT(res != NULL);
	release_region(TESTDEV_BASE + 4, 2);
	return 0;
}
