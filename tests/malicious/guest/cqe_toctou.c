/* SPDX-License-Identifier: MIT */
/*
 * Attack "cqe_toctou": publish a valid read completion, then keep flipping its result between
 * the valid byte count and 1 MiB (more than was asked) while the client reads it. The client
 * must act on exactly the copy it validated: either the valid count with the right bytes, or
 * a violation -- never 1 MiB copied out.
 */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;
	struct ik_cqe *q;

	mal_first_read(&c, &s);
	mal_serve_honest(&c, &s);
	q = &c.cqes[ik_ring_slot(c.cq_tail - 1, mal_geo()->cq_entries)];
	for (uint64_t i = 0;; i++) {
		__atomic_store_n(&q->result, (i & 1) ? (int64_t)1 << 20 : (int64_t)s.len,
				 __ATOMIC_RELAXED);
		if (i % 4096 == 0) {
			mal_heartbeat();
			if (mal_sqe_ready(&c)) {
				/* the client is still alive and asks again: answer honestly */
				struct ik_sqe t;

				mal_next_sqe(&c, &t);
				__atomic_store_n(&q->result, (int64_t)s.len, __ATOMIC_RELAXED);
				mal_serve_honest(&c, &t);
				q = &c.cqes[ik_ring_slot(c.cq_tail - 1, mal_geo()->cq_entries)];
				s = t;
			}
		}
	}
	return 0;
}
