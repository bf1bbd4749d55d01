// SPDX-License-Identifier: MIT
/* A thread that loops on port reads and never yields is hung although every read is an exit
 * into the monitor: the exits' handling is the monitor's time, their round trips are the
 * guest's, and the watchdog counts those (src/monitor/vm/watchdog.c). Needs --device testdev@0x500. */
#include <linux/compiler.h>
#include <linux/io.h>

#include "guest_test.h"

static noinline void poll_port_forever(void)
{
	for (;;)
		(void)inb(0x500 + 1);
}

int ik_guest_test(void)
{
	poll_port_forever();
	return 0;
}
