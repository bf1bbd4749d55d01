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

/* Fill the SQE in shared memory, every field but seq (abi.h: the seq is the publication). */
static void sqe_fill(struct ik_sqe *dst, const struct ik_sqe *src, uint64_t user_data)
{
	dst->op = src->op;
	dst->flags = src->flags;
	dst->node = src->node;
	dst->fh = src->fh;
	dst->user_data = user_data;
	dst->pos = src->pos;
	dst->arg = src->arg;
	dst->off = src->off;
	dst->len = src->len;
	dst->buf = src->buf;
	dst->reserved0 = 0;
	dst->reserved1 = 0;
}

bool ik_chan_submit(struct ik_chan *ch, uint32_t slot, const struct ik_sqe *sqe)
{
	uint32_t index = ch->sq_tail;
	struct ik_sqe *dst = &ch->sqes[ik_ring_slot(index, ch->geo.sq_entries)];

	sqe_fill(dst, sqe, ch->reqs[slot].user_data);
	ch->sq_tail++;
	/* Tail first, then the entry's seq (abi.h): a reader of either sees a whole entry. */
	ik_store_release(&ch->hdr->sq_tail, ch->sq_tail);
	ik_store_release(&dst->seq, ik_ring_seq(index));
	ik_fence_seq_cst();
	return ik_load_relaxed(&ch->hdr->guest_idle) != 0;
}

/* The seq in the slot of our next completion, read once. */
static uint32_t next_cqe_seq(const struct ik_chan *ch)
{
	return ik_load_acquire(&ch->cqes[ik_ring_slot(ch->cq_head, ch->geo.cq_entries)].seq);
}

enum ik_seq_state ik_chan_cq_poll(const struct ik_chan *ch)
{
	return ik_ring_seq_state(next_cqe_seq(ch), ch->cq_head, ch->geo.cq_entries);
}

bool ik_chan_cq_ready(const struct ik_chan *ch)
{
	return ik_chan_cq_poll(ch) != IK_SEQ_EMPTY;
}

bool ik_chan_cq_tail_moved(const struct ik_chan *ch)
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
}

/* How many entries the guest's tail says are published: read once, clamped. */
static int tail_pending(const struct ik_chan *ch, char *why, size_t whylen)
{
	uint32_t tail = ik_load_acquire(&ch->hdr->cq_tail);

	if (!ik_ring_tail_valid(ch->cq_head, tail, ch->geo.cq_entries)) {
		snprintf(why, whylen, "completion ring tail %u is %u entries past head %u (ring of %u)",
			 tail, ik_ring_pending(ch->cq_head, tail), ch->cq_head, ch->geo.cq_entries);
		return -EPROTO;
	}
	return (int)ik_ring_pending(ch->cq_head, tail);
}

int ik_chan_reap(struct ik_chan *ch, bool check_tail, char *why, size_t whylen)
{
	int by_tail = check_tail ? tail_pending(ch, why, whylen) : 0;
	int taken = 0;

	if (by_tail < 0)
		return by_tail;
	/* Each entry is taken when its seq says it is published, or when the tail (read once
	 * above) is past it. Never more than a ring's worth per call. */
	while ((uint32_t)taken < ch->geo.cq_entries) {
		struct ik_cqe cqe;
		uint32_t slot, seq = next_cqe_seq(ch);
		enum ik_seq_state st = ik_ring_seq_state(seq, ch->cq_head, ch->geo.cq_entries);

		if (st == IK_SEQ_BAD) {
			snprintf(why, whylen, "completion ring entry %u has sequence number %u "
				 "(expected %u)", ch->cq_head, seq, ik_ring_seq(ch->cq_head));
			return -EPROTO;
		}
		if (st == IK_SEQ_EMPTY && taken >= by_tail)
			break;
		/* Taken by the tail alone: a guest that writes no seqs (or caught between its two
		 * stores); the spin then watches the tail too, until a seq shows up again. */
		ch->cq_tail_only = st == IK_SEQ_EMPTY;
		cqe_copy(&cqe, &ch->cqes[ik_ring_slot(ch->cq_head, ch->geo.cq_entries)]);
		cqe.seq = seq;
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
