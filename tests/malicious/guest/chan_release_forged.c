/* SPDX-License-Identifier: MIT */
/* Attack "chan_release_forged": claim to have released a channel that has no client. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	struct ik_hc_chan hc = {(c.id + 7) % IK_MAX_CHANNELS, 0};

	mal_hypercall(IK_HC_CHAN_RELEASED, &hc);
	mal_spin_forever_quietly();
	return 0;
}
