/* SPDX-License-Identifier: MIT */
/* Attack "ready_twice": announce READY a second time. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	struct ik_hc_ready ready = {1, 0};

	mal_hypercall(IK_HC_READY, &ready);
	mal_spin_forever_quietly();
	return 0;
}
