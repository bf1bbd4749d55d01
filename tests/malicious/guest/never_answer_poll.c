/* SPDX-License-Identifier: MIT */
/* Attack "never_answer_poll": take a poll with a 100 ms timeout and never answer it, while
 * looking perfectly alive to the monitor (heartbeat moving, sleeping in IK_HC_WAIT). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_boot();
	mal_wait_client(&c);
	mal_serve_until(&c, IK_OP_POLL, &s);
	for (;;) {
		struct ik_sqe t;

		mal_next_sqe(&c, &t); /* taken, never answered */
	}
	return 0;
}
