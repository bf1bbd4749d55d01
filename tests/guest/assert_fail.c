// SPDX-License-Identifier: MIT
/* A failing GUEST_ASSERT must end the VM with a panic naming this file and the line of the
 * assert; meson finds that line by the marker comment and passes it to --expect-panic. */
#include "guest_test.h"

static volatile int two = 2;

int ik_guest_test(void)
{
	GUEST_ASSERT(two + two == 5); /* EXPECT-PANIC-HERE */
	return 0;
}
