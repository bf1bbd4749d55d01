/* SPDX-License-Identifier: MIT */
/*
 * The client's side of one channel's rings, over plain memory: request slots, SQ production,
 * CQ consumption with validation. No locks and no fds here (the caller serialises; see
 * engine.c), so the ring logic is unit-tested with a fake channel in ordinary memory.
 */
#ifndef IKLIB_CHAN_H
#define IKLIB_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cqe_check.h"
#include "ikernel/ring.h"

struct ik_chan {
	struct ik_chan_geometry geo; /* validated copy, from the handshake */
	uint8_t *base;               /* the mapped channel region (geo.size bytes) */
	struct ik_ring_hdr *hdr;
	struct ik_sqe *sqes;
	struct ik_cqe *cqes;
	uint32_t sq_tail;  /* our own copy: never read back from shared memory */
	uint32_t cq_head;  /* ditto */
	bool cq_tail_only; /* the last completion was published by cq_tail alone (no seq) */
	uint32_t nreqs;    /* == sq_entries: at most one SQE per request in flight */
	uint32_t inflight; /* slots not IK_REQ_FREE */
	uint32_t deadlines; /* slots with an answer deadline armed (engine.c keeps the count) */
	uint64_t generation;
	struct ik_req *reqs;
};

/* Set up over `base` (geo already validated with ik_geometry_valid). Returns 0 or -ENOMEM. */
int ik_chan_init(struct ik_chan *ch, void *base, const struct ik_chan_geometry *geo);
void ik_chan_fini(struct ik_chan *ch);

/* Data buffer of slot i (geo.data_size bytes). */
uint8_t *ik_chan_buf(const struct ik_chan *ch, uint32_t slot);

/* Take a free slot for request `op` of `len` bytes: its index, or -EBUSY when all are taken. */
int ik_chan_alloc(struct ik_chan *ch, uint8_t op, uint32_t len);
void ik_chan_free(struct ik_chan *ch, uint32_t slot);

/* Publish `sqe` for slot (fills user_data), release sq_tail, fence. Returns true when the guest
 * said it sleeps (the caller must kick it). */
bool ik_chan_submit(struct ik_chan *ch, uint32_t slot, const struct ik_sqe *sqe);

/* Something to reap: the next CQE's seq says published (or is a violation). One acquire load of
 * the entry's own line: the hot path never touches cq_tail. */
bool ik_chan_cq_ready(const struct ik_chan *ch);
/* The same, judged: IK_SEQ_READY (published), IK_SEQ_EMPTY or IK_SEQ_BAD (a violation). */
enum ik_seq_state ik_chan_cq_poll(const struct ik_chan *ch);

/* Slow path: the guest's cq_tail differs from our head (published entries whose seq we have not
 * seen, or a forged tail for ik_chan_reap to catch). */
bool ik_chan_cq_tail_moved(const struct ik_chan *ch);

/* Take every published completion: validate each, mark its slot IK_REQ_DONE with the result.
 * With check_tail, also read cq_tail once, clamp it (a forged or wrapped tail is a violation)
 * and take the entries it covers. Returns the number taken, or -EPROTO on a violation (reason
 * in why). */
int ik_chan_reap(struct ik_chan *ch, bool check_tail, char *why, size_t whylen);

#endif
