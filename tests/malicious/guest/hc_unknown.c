/* SPDX-License-Identifier: MIT */
/* Attack "hc_unknown": hypercall number 99. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	uint64_t args[4] = {0};

	mal_hypercall(99, args);
	mal_spin_forever_quietly();
	return 0;
}
