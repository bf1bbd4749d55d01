/* SPDX-License-Identifier: MIT */
/* Client-side ring logic (abi.h "Channel ring geometry and layout", ring.h pairing rules). */
#include "chan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "ikernel/ring.h"

/*
 * Where a channel's request generations start: unpredictable, so that user_data values differ
 * between connections (and processes). A driver that answers one client's request on another
 * client's ring then names a request that ring never had, and is caught ("completion for
 * unknown request") instead of completing an unrelated request that happens to share the
 * number. 32 random bits; generation << 16 stays far below 2^64.
 */
static uint64_t random_generation(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = (uint32_t)(ts.tv_nsec ^ ts.tv_sec ^ (uintptr_t)&r);
	}
	return r;
}

int ik_chan_init(struct ik_chan *ch, void *base, const struct ik_chan_geometry *geo)
{
	memset(ch, 0, sizeof(*ch));
	ch->geo = *geo;
	ch->base = base;
	ch->hdr = (struct ik_ring_hdr *)(ch->base + geo->hdr_off);
	ch->sqes = (struct ik_sqe *)(ch->base + geo->sqes_off);
	ch->cqes = (struct ik_cqe *)(ch->base + geo->cqes_off);
	/* A request holds one SQE until the guest takes it, so never more requests in flight
	 * than SQ entries: the SQ cannot overflow and we need not trust sq_head. The CQ has at
	 * least as many entries, so the guest always has room for every completion. */
	ch->nreqs = geo->sq_entries;
	if (ch->nreqs > IK_UD_SLOT_MASK + 1u)
		ch->nreqs = IK_UD_SLOT_MASK + 1u;
	ch->reqs = calloc(ch->nreqs, sizeof(*ch->reqs));
	if (ch->reqs == NULL)
		return -ENOMEM;
	ch->generation = random_generation();
	/* Start where the ring is: a fresh channel has zero indices, but take ours as the truth. */
	ik_store_release(&ch->hdr->sq_tail, 0);
	ik_store_release(&ch->hdr->cq_head, 0);
	return 0;
}

void ik_chan_fini(struct ik_chan *ch)
{
	free(ch->reqs);
	ch->reqs = NULL;
}

uint8_t *ik_chan_buf(const struct ik_chan *ch, uint32_t slot)
{
	return ch->base + ch->geo.data_off + (size_t)slot * ch->geo.data_size;
}

int ik_chan_alloc(struct ik_chan *ch, uint8_t op, uint32_t len)
{
	for (uint32_t i = 0; i < ch->nreqs; i++) {
		struct ik_req *r = &ch->reqs[i];

		if (r->state != IK_REQ_FREE)
			continue;
		ch->generation++;
		*r = (struct ik_req){
			.state = IK_REQ_INFLIGHT,
			.op = op,
			.len = len,
			.user_data = ch->generation << IK_UD_SLOT_BITS | i,
		};
		ch->inflight++;
		return (int)i;
	}
	return -EBUSY;
}

void ik_chan_free(struct ik_chan *ch, uint32_t slot)
{
	if (ch->reqs[slot].state != IK_REQ_FREE)
		ch->inflight--;
	ch->reqs[slot].state = IK_REQ_FREE;
}

bool ik_chan_submit(struct ik_chan *ch, uint32_t slot, const struct ik_sqe *sqe)
{
	struct ik_sqe *dst = &ch->sqes[ik_ring_slot(ch->sq_tail, ch->geo.sq_entries)];

	*dst = *sqe;
	dst->user_data = ch->reqs[slot].user_data;
	ch->sq_tail++;
	ik_store_release(&ch->hdr->sq_tail, ch->sq_tail);
	ik_fence_seq_cst();
	return ik_load_relaxed(&ch->hdr->guest_idle) != 0;
}

bool ik_chan_cq_ready(const struct ik_chan *ch)
{
	return ik_load_acquire(&ch->hdr->cq_tail) != ch->cq_head;
}

/* Copy a CQE out of shared memory once, field by field, so the compiler cannot re-read it. */
static void cqe_copy(struct ik_cqe *dst, const struct ik_cqe *src)
{
	dst->user_data = __atomic_load_n(&src->user_data, __ATOMIC_RELAXED);
	dst->result = __atomic_load_n(&src->result, __ATOMIC_RELAXED);
	dst->pos = __atomic_load_n(&src->pos, __ATOMIC_RELAXED);
	dst->flags = __atomic_load_n(&src->flags, __ATOMIC_RELAXED);
	dst->reserved = 0;
}

int ik_chan_reap(struct ik_chan *ch, char *why, size_t whylen)
{
	uint32_t tail = ik_load_acquire(&ch->hdr->cq_tail);
	int taken = 0;

	if (!ik_ring_tail_valid(ch->cq_head, tail, ch->geo.cq_entries)) {
		snprintf(why, whylen, "completion ring tail %u is %u entries past head %u (ring of %u)",
			 tail, ik_ring_pending(ch->cq_head, tail), ch->cq_head, ch->geo.cq_entries);
		return -EPROTO;
	}
	while (ch->cq_head != tail) {
		struct ik_cqe cqe;
		uint32_t slot;

		cqe_copy(&cqe, &ch->cqes[ik_ring_slot(ch->cq_head, ch->geo.cq_entries)]);
		if (ik_cqe_check(ch->reqs, ch->nreqs, &cqe, &slot, why, whylen))
			return -EPROTO;
		ch->reqs[slot].state = IK_REQ_DONE;
		ch->reqs[slot].result = cqe.result;
		ch->reqs[slot].pos = cqe.pos;
		ch->cq_head++;
		taken++;
	}
	/* Hand the consumed CQEs back to the guest. */
	ik_store_release(&ch->hdr->cq_head, ch->cq_head);
	return taken;
}
