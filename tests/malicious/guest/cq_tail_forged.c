/* SPDX-License-Identifier: MIT */
/* Attack "cq_tail_forged": publish a completion-ring tail 1000 entries ahead of the client's head. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	mal_publish(&c, c.cq_tail + 1000);
	mal_spin_forever_quietly();
	return 0;
}
