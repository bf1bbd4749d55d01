// SPDX-License-Identifier: MIT
/* isolation=process: a driver process is hostile, and its IK_PROC_HC_PIO requests are checked
 * field by field. --param attack=N picks the bad request; the monitor-lite must end the driver
 * with a report (run_proc.sh checks which). Needs --device testdev@0x500 (ports 0x500-0x507). */
#include <linux/kernel.h>
#include <linux/module.h>

#include "guest_test.h"
#include "ikernel/proc_abi.h"

static int attack;
module_param(attack, int, 0444);

int ik_guest_test(void)
{
	struct ik_proc_pio io = {.port = 0x502, .size = 1, .write = 0};

	switch (attack) {
	case 1: /* a size that is not 1, 2 or 4 */
		io.size = 3;
		break;
	case 2: /* a write flag that is not 0 or 1 */
		io.write = 2;
		break;
	case 3: /* a 2-byte access past port 0xffff */
		io.port = 0xffff;
		io.size = 2;
		break;
	case 4: /* a 4-byte access straddling the end of the grant */
		io.port = 0x506;
		io.size = 4;
		break;
	default: /* a well-formed access inside the grant: served */
		io.write = 1;
		io.value = 0x1234a5; /* only the low byte reaches the 1-byte register */
		ik_hypercall(IK_PROC_HC_PIO, &io);
		io.write = 0;
		io.value = 0;
		ik_hypercall(IK_PROC_HC_PIO, &io);
		GUEST_ASSERT_EQ(io.value, 0xa5);
		return 0;
	}
	ik_hypercall(IK_PROC_HC_PIO, &io);
	return 1; /* not reached: the monitor-lite ends us without a reply */
}
