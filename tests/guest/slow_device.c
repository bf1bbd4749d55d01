// SPDX-License-Identifier: MIT
/* A driver busy with a slow device is not hung: three 150 ms accesses to the testdev's slow
 * port in a row, with no scheduler pass in between, under --hang-ms 200. The time is the
 * monitor's (handling the exit), not the driver's, so the hang watchdog must not count it
 * (src/monitor/vm/watchdog.c). Needs --device testdev@0x500. */
#include <linux/io.h>
#include <linux/kernel.h>

#include "guest_test.h"

#define TESTDEV_SLOW (0x500 + 3)

int ik_guest_test(void)
{
	uint64_t t0 = ik_now_ns();

	for (int i = 0; i < 3; i++)
		outb(150, TESTDEV_SLOW);
	GUEST_ASSERT(ik_now_ns() - t0 >= 450 * NS_PER_MS);
	return 0;
}
