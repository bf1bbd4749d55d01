// SPDX-License-Identifier: MIT
/* readb/w/l/q and writeb/w/l/q through ioremap() of the testdev's MMIO window, at both
 * isolation levels (one exit, or one IK_PROC_HC_MMIO request, per access). Needs --device
 * testdev@0x500: its window is the first of the device MMIO area (grant order).
 * --param attack=outside: a read just past the window, which must end the driver. */
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "guest_test.h"

#define WINDOW 0x61000000ul

int ik_guest_test(void)
{
	void __iomem *w = ioremap(WINDOW, 0x1000);
	u64 before;

	GUEST_ASSERT(w != NULL);
	before = readq(w + 8);
	writel(0xdeadbeef, w);
	GUEST_ASSERT_EQ(readl(w), 0xdeadbeef);
	writeb(0x5a, w + 1);
	GUEST_ASSERT_EQ(readl(w), 0xdead5aef);
	GUEST_ASSERT_EQ(readw(w + 2), 0xdead);
	GUEST_ASSERT_EQ(readb(w + 1), 0x5a);
	writeq(0x0123456789abcdefull, w);
	GUEST_ASSERT(readq(w) == 0x0123456789abcdefull);
	GUEST_ASSERT_EQ(ioread32(w + 4), 0x01234567);
	iowrite16(0xbeef, w + 6);
	GUEST_ASSERT_EQ(ioread16(w + 6), 0xbeef);
	GUEST_ASSERT_EQ(readl(w + 0x800), 0);
	/* the read of `before` and the 12 accesses since (a read gives the count before itself) */
	GUEST_ASSERT_EQ(readq(w + 8), before + 13);
	if (strstr(ik_bootinfo()->params, "attack=outside")) {
		(void)readl(w + 0x1000);
		GUEST_ASSERT(!"a read past the window was not stopped");
	}
	iounmap(w);
	return 0;
}
