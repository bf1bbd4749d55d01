/* SPDX-License-Identifier: MIT */
/* Attack "cqe_tail_only": from the first read on, publish every completion by cq_tail alone and
 * never write a sequence number (as a guest built before IK_FEAT_RING_SEQ does). Harmless by
 * design: the client's slow path reads the clamped tail, so it gets every right answer. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	mal_tail_only = true;
	mal_serve_honest(&c, &s);
	mal_serve_forever(&c);
	return 0;
}
