/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the client's completion-ring reader (src/lib/chan.c + cqe_check.c). The input
 * plays a hostile driver: it chooses which requests are in flight (op, length), then writes
 * completion entries (their sequence numbers included) and cq_tail values into the shared ring
 * between reaps, and each round is reaped on the hot path (seqs only) and then on the slow
 * path (seqs and the tail).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "ikernel/ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void *mem;
	struct ik_chan_geometry g = ik_geometry_default();
	struct ik_chan ch;
	char why[256];
	size_t i = 0;

	if (!mem)
		mem = aligned_alloc(4096, g.size);
	memset(mem, 0, 4096); /* header and rings */
	if (ik_chan_init(&ch, mem, &g))
		return 0;
	/* requests in flight: (op, len) pairs until a 0xff byte */
	while (i + 2 <= size && data[i] != 0xff) {
		int slot = ik_chan_alloc(&ch, data[i] % IK_OP__COUNT, data[i + 1] * 512u);
		if (slot >= 0) {
			struct ik_sqe sqe = {.op = data[i] % IK_OP__COUNT};
			ik_chan_submit(&ch, (uint32_t)slot, &sqe);
		}
		i += 2;
	}
	i++;
	/* rounds: [u32 word][n x 32-byte CQE] with n = word % 17; the CQEs carry the input's
	 * seqs unless bit 30 of the word asks for honest ones; the tail moves by the word with
	 * bit 30 cleared */
	while (i + 4 <= size) {
		uint32_t word, delta;
		memcpy(&word, data + i, 4);
		i += 4;
		delta = word & ~(1u << 30);
		uint32_t tail = ik_load_relaxed(&ch.hdr->cq_tail);
		for (uint32_t k = 0; k < delta % 17 && i + sizeof(struct ik_cqe) <= size; k++) {
			struct ik_cqe *q = &ch.cqes[ik_ring_slot(tail + k, g.cq_entries)];
			memcpy(q, data + i, sizeof(struct ik_cqe));
			if (word & (1u << 30))
				q->seq = ik_ring_seq(tail + k);
			i += sizeof(struct ik_cqe);
		}
		ik_store_release(&ch.hdr->cq_tail, tail + delta);
		if (ik_chan_reap(&ch, false, why, sizeof(why)) < 0 ||
		    ik_chan_reap(&ch, true, why, sizeof(why)) < 0)
			break; /* the connection would be dead now */
		for (uint32_t s = 0; s < ch.nreqs; s++)
			if (ch.reqs[s].state == IK_REQ_DONE)
				ik_chan_free(&ch, s);
	}
	ik_chan_fini(&ch);
	return 0;
}
