/* SPDX-License-Identifier: MIT */
/* Attack "cqe_unknown": complete a request that was never made (forged user_data). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	mal_complete(&c, 0x123456789abcull, 0, s.pos);
	mal_spin_forever_quietly();
	return 0;
}
