/* SPDX-License-Identifier: MIT */
/* Attack "never_answer_open": take an open and never answer it, nor anything after it (its
 * cancellation included): an open must be as killable as a read. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_boot();
	mal_wait_client(&c);
	mal_serve_until(&c, IK_OP_OPEN, &s);
	for (;;)
		mal_next_sqe(&c, &s); /* the cancel (and anything else): taken, never answered */
	return 0;
}
