// SPDX-License-Identifier: MIT
/* The guest profile (IKERNEL_GUEST_PROFILE=1, src/monitor/vm/guest_profile.c) names where the
 * vCPU spends its time inside KVM_RUN. test_guest_profile.sh runs each mode for ~400 ms and
 * checks the profile the monitor logs at the end (needs --device testdev@0x500):
 *   mode=burn   the guest's own code, a loop in burn_cycles(): the top function
 *   mode=exits  reads of a testdev port, each an exit: the time KVM spends on them is at the
 *               instruction that made them, in ik_inb(); burn_cycles() is never seen */
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "guest_test.h"

#define TESTDEV  0x500
#define RUN_NS   (400 * NS_PER_MS)

static char *mode = "";
module_param(mode, charp, 0444);

/* Work of our own, no exit: ~100 us of arithmetic between looks at the clock. */
static noinline uint64_t burn_cycles(uint64_t until)
{
	uint64_t x = 1;

	while (ik_now_ns() < until)
		for (unsigned k = 0; k < 200000; k++)
			x = x * 6364136223846793005ull + k;
	return x;
}

static noinline unsigned port_reads(uint64_t until)
{
	unsigned n = 0;

	while (ik_now_ns() < until) {
		(void)inb(TESTDEV);
		n++;
	}
	return n;
}

int ik_guest_test(void)
{
	uint64_t until = ik_now_ns() + RUN_NS;

	if (!strcmp(mode, "burn"))
		ik_printf("burned 0x%llx\n", (unsigned long long)burn_cycles(until));
	else if (!strcmp(mode, "exits"))
		ik_printf("%u port reads\n", port_reads(until));
	else
		GUEST_ASSERT(!"mode=burn or mode=exits");
	return 0;
}
