/* SPDX-License-Identifier: MIT */
/* Attack "cq_tail_wrapped": publish a completion-ring tail behind the client's head (wrapped). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	mal_publish(&c, c.cq_tail - 1);
	mal_spin_forever_quietly();
	return 0;
}
