// SPDX-License-Identifier: MIT
/* A thread that never yields: the heartbeat stops, the monitor's hang deadline ends the VM and
 * the report names the function. */
#include <linux/compiler.h>

#include "guest_test.h"

static noinline void hang_forever(void)
{
	for (;;)
		barrier();
}

int ik_guest_test(void)
{
	hang_forever();
	return 0;
}
