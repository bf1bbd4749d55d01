/* SPDX-License-Identifier: MIT */
/* Attack "panic_bad_msg": a panic whose message pointer lies outside guest RAM. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	struct ik_hc_panic p = {.msg = 0xfffffffffffff000ull, .len = 64, .kind = IK_PANIC_PANIC};

	mal_hypercall(IK_HC_PANIC, &p);
	mal_spin_forever_quietly();
	return 0;
}
