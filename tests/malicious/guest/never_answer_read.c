/* SPDX-License-Identifier: MIT */
/* Attack "never_answer_read": take a read and never answer it, nor its cancellation (the client cancels it). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	for (;;) {
		struct ik_sqe t;

		mal_next_sqe(&c, &t); /* the cancel (and anything else): taken, never answered */
	}
	mal_spin_forever_quietly();
	return 0;
}
