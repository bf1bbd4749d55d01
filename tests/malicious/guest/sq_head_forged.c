/* SPDX-License-Identifier: MIT */
/* Attack "sq_head_forged": write garbage into the submission-ring head (the client must not trust it), then answer honestly. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	ik_store_release(&c.hdr->sq_head, 0xdeadbeefu);
	mal_serve_honest(&c, &s);
	for (;;) {
		struct ik_sqe t;

		mal_next_sqe(&c, &t);
		ik_store_release(&c.hdr->sq_head, c.sq_head + 0x7fffffffu);
		mal_serve_honest(&c, &t);
	}
	mal_spin_forever_quietly();
	return 0;
}
