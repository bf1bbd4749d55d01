/* SPDX-License-Identifier: MIT */
/* Attack "cqe_twice": answer the same request twice (both completions published at once). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	mal_put_cqe(&c, c.cq_tail, s.user_data, 0, s.pos);
	mal_put_cqe(&c, c.cq_tail + 1, s.user_data, 0, s.pos);
	mal_publish(&c, c.cq_tail + 2);
	mal_spin_forever_quietly();
	return 0;
}
