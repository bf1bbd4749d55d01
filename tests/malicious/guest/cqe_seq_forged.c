/* SPDX-License-Identifier: MIT */
/* Attack "cqe_seq_forged": answer the first read with a valid completion and an honest tail, but
 * stamp the entry with a sequence number from the future (abi.h: neither the expected value nor
 * the slot's previous lap). The client must call that a violation, not wait or take it. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;
	uint32_t index;

	mal_first_read(&c, &s);
	index = c.cq_tail;
	mal_put_cqe(&c, index, s.user_data, 0, s.pos);
	c.cq_tail = index + 1;
	ik_store_release(&c.hdr->cq_tail, c.cq_tail);
	ik_store_release(&c.cqes[ik_ring_slot(index, mal_geo()->cq_entries)].seq,
			 ik_ring_seq(index + 5));
	ik_fence_seq_cst();
	mal_doorbell(c.id);
	mal_spin_forever_quietly();
	return 0;
}
