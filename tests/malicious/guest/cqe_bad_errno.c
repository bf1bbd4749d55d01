/* SPDX-License-Identifier: MIT */
/* Attack "cqe_bad_errno": a negative result that is not an errno. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	mal_complete(&c, s.user_data, -5000, s.pos);
	mal_spin_forever_quietly();
	return 0;
}
