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
#include "ikernel/abi.h"

struct ik_chan {
	struct ik_chan_geometry geo; /* validated copy, from the handshake */
	uint8_t *base;               /* the mapped channel region (geo.size bytes) */
	struct ik_ring_hdr *hdr;
	struct ik_sqe *sqes;
	struct ik_cqe *cqes;
	uint32_t sq_tail;  /* our own copy: never read back from shared memory */
	uint32_t cq_head;  /* ditto */
	uint32_t nreqs;    /* == sq_entries: at most one SQE per request in flight */
	uint32_t inflight; /* slots not IK_REQ_FREE */
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

/* True when the completion ring holds entries we have not taken (one acquire load). */
bool ik_chan_cq_ready(const struct ik_chan *ch);

/* Take every published completion: validate each, mark its slot IK_REQ_DONE with the result.
 * Returns the number taken, or -EPROTO on a violation (reason in why). */
int ik_chan_reap(struct ik_chan *ch, char *why, size_t whylen);

#endif
