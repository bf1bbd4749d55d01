/* SPDX-License-Identifier: MIT */
/* Attack "chan_no_client": read the ring of a channel slot that has no client. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	(void)*(volatile uint32_t *)(uintptr_t)(IK_GPA_CHAN_BASE + ((c.id + 9) % IK_MAX_CHANNELS) * IK_CHAN_STRIDE);
	mal_spin_forever_quietly();
	return 0;
}
