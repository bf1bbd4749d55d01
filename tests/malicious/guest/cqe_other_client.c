/* SPDX-License-Identifier: MIT */
/*
 * Attack "cqe_other_client": two clients each have a read in flight; the attacker answers
 * client A's read on client B's ring (A's user_data, in B's completion queue). B must refuse
 * a completion for a request it never made; A must not hang.
 */
#include "mal.h"

int main(void)
{
	struct mal_chan a, b;
	struct ik_sqe ra, rb;

	mal_boot();
	mal_wait_client(&b);          /* the first client (the test starts B first) */
	mal_serve_until(&b, IK_OP_READ, &rb);
	mal_wait_client(&a);
	mal_serve_until(&a, IK_OP_READ, &ra);
	mal_complete(&b, ra.user_data, 0, ra.pos);
	mal_spin_forever_quietly();
	return 0;
}
