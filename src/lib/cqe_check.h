/* SPDX-License-Identifier: MIT */
/*
 * Completion validation: the driver VM writes the completion ring, so every CQE is hostile.
 * Pure functions over plain memory (no fds, no locks), so they are unit-tested without a VM.
 */
#ifndef IKLIB_CQE_CHECK_H
#define IKLIB_CQE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "ikernel/abi.h"

enum ik_req_state {
	IK_REQ_FREE = 0,     /* slot (and its data buffer) unused */
	IK_REQ_INFLIGHT = 1, /* SQE published, completion not yet seen */
	IK_REQ_DONE = 2,     /* completion validated and stored; the owner has not taken it yet */
};

/* One request slot: request i uses data buffer i. */
struct ik_req {
	uint8_t state;      /* enum ik_req_state */
	uint8_t op;         /* enum ik_op of the request in flight */
	uint32_t len;       /* bytes the request asked for (read/write) */
	uint64_t user_data; /* identity of the request in flight */
	int64_t result;     /* validated result (IK_REQ_DONE) */
	uint64_t pos;       /* cqe.pos as the driver reported it: a number, never an index */
	uint64_t deadline_ns; /* 0, or CLOCK_MONOTONIC time by which the driver must have
			       * answered (a poll's timeout, a cancel) -- see engine.c */
	uint8_t deadline_kind; /* enum ik_deadline_kind: why there is a deadline */
};

enum ik_deadline_kind {
	IK_DL_NONE = 0,
	IK_DL_POLL,      /* a poll with a finite timeout: answered by timeout + grace */
	IK_DL_CANCEL,    /* IK_OP_CANCEL itself: answered at once (within the grace) */
	IK_DL_CANCELLED, /* a request the client cancelled: over within the grace */
	IK_DL_REQUEST,   /* the driver's recovery policy bounds every answer (timeout=MS) */
};

/* "read", "poll", ...: the name of an enum ik_op (for messages). */
const char *ik_op_name(uint8_t op);

/* Largest magnitude of an errno a driver may return (as Linux's IS_ERR_VALUE). */
#define IK_MAX_ERRNO 4095

/* user_data = generation << IK_UD_SLOT_BITS | slot */
#define IK_UD_SLOT_BITS 16u
#define IK_UD_SLOT_MASK ((1u << IK_UD_SLOT_BITS) - 1u)

/* Is `result` a possible outcome of a request `req` (op, requested length)? */
int ik_result_check(const struct ik_req *req, int64_t result, char *why, size_t whylen);

/*
 * Validate one completion (already copied to a local) against the requests in flight.
 * On success returns 0 and stores the slot index in *slot. On a violation returns -EPROTO and
 * writes a precise reason (without the driver name) into why.
 */
int ik_cqe_check(const struct ik_req *reqs, uint32_t nreqs, const struct ik_cqe *cqe,
		 uint32_t *slot, char *why, size_t whylen);

#endif
