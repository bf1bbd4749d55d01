/* SPDX-License-Identifier: MIT */
/* Attack "cqe_overlong": a read result claiming more bytes than were asked for. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	mal_complete(&c, s.user_data, (int64_t)s.len + 4096, s.pos);
	mal_spin_forever_quietly();
	return 0;
}
