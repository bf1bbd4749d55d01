/* SPDX-License-Identifier: MIT */
/* Attack "mmio_outside_grant": an access to device MMIO space that no model was granted. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_DEVMMIO + 0x100) = 1;
	mal_spin_forever_quietly();
	return 0;
}
