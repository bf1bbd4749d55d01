/* SPDX-License-Identifier: MIT */
/* The call engine: one request through the rings, from SQE to validated completion. */
#ifndef IKLIB_ENGINE_H
#define IKLIB_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"

struct ik_call {
	uint8_t op;
	uint16_t node;
	uint32_t fh;
	uint64_t pos, arg, off;
	uint32_t len;      /* sqe.len: bytes of the data buffer the request uses */
	bool use_buf;      /* the request names its data buffer (else IK_BUF_NONE) */
	const void *in;    /* copied into the data buffer before the call (in_len bytes) */
	uint32_t in_len;
	void *out;         /* copied out after the call: out_len bytes, or for read the */
	uint32_t out_len;  /* validated byte count when out_by_result */
	bool out_by_result;
	uint64_t pos_after; /* OUT: cqe.pos */
	bool taken;         /* OUT: the driver VM took (or may have taken) the request from the
			     * ring; false only when it certainly never saw it (recovery.h) */
};

/* Run one call; returns its validated result or -errno (-EIO when the connection is dead). */
int64_t ik_call(struct ik_conn *c, struct ik_call *call);

/* A cancel for the request `user_data` is being sent: it must now be over within the grace. */
void ik_engine_cancelled(struct ik_conn *c, uint64_t user_data);

/* How long a driver has to answer a bounded request beyond its own bound (ns). */
uint64_t ik_answer_grace_ns(void);

/* The client's spin budget before it sleeps (ns). */
uint64_t ik_spin_ns(void);

#endif
