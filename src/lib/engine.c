/* SPDX-License-Identifier: MIT */
/*
 * The call engine. Several threads may have calls in flight on one connection:
 *   - a request takes a free slot (its data buffer), waiting on c->cond while none is free;
 *   - the SQ is produced under c->lock; the guest is kicked only when it said it sleeps;
 *   - one thread at a time is the "reaper": it waits for the CQ (spin, then sleep on the done
 *     eventfd and the socket) and consumes every completion, storing results per slot; the
 *     others wait on c->cond and find their result in their slot.
 * Every completion is validated (chan.c, cqe_check.c); a violation kills the connection and
 * is reported to the monitor. A dead connection fails every call with -EIO at once.
 */
#include "engine.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cancel.h"
#include "ikernel/ring.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Spin on cq_tail for the budget. True when completions (or death) arrived. */
static bool spin_for_cq(struct ik_conn *c, uint64_t budget)
{
	if (budget == 0)
		return false;
	uint64_t end = now_ns() + budget;
	for (unsigned i = 1;; i++) {
		if (ik_chan_cq_ready(&c->ch) || ik_conn_is_dead(c))
			return true;
		/* Reading the clock costs more than a pause: look at it now and then. */
		if ((i & 63) == 0 && now_ns() >= end)
			return false;
		ik_cpu_relax();
	}
}

/* Sleep until the guest rings our doorbell or the monitor says something (ring.h protocol). */
static void sleep_for_cq(struct ik_conn *c)
{
	struct ik_ring_hdr *hdr = c->ch.hdr;

	ik_store_relaxed(&hdr->client_waiting, 1);
	ik_fence_seq_cst();
	if (!ik_chan_cq_ready(&c->ch)) {
		struct pollfd p[2] = {{.fd = c->done_fd, .events = POLLIN},
				      {.fd = c->sock, .events = POLLIN}};
		if (poll(p, 2, -1) > 0) {
			uint64_t v;
			if (p[0].revents & POLLIN)
				(void)!read(c->done_fd, &v, sizeof(v));
			if (p[1].revents) {
				pthread_mutex_lock(&c->lock);
				ik_conn_socket_event_locked(c);
				pthread_mutex_unlock(&c->lock);
			}
		}
	}
	ik_store_relaxed(&hdr->client_waiting, 0);
}

/* As the reaper (c->lock held on entry and exit): wait for completions and take them. */
static void reap_once_locked(struct ik_conn *c)
{
	char why[200];

	c->reaping = true;
	pthread_mutex_unlock(&c->lock);
	if (!spin_for_cq(c, ik_spin_ns()))
		sleep_for_cq(c);
	pthread_mutex_lock(&c->lock);
	c->reaping = false;
	if (!ik_conn_is_dead(c) && ik_chan_reap(&c->ch, why, sizeof(why)) < 0)
		ik_conn_kill_locked(c, true, "driver %s: %s", c->driver, why);
	pthread_cond_broadcast(&c->cond);
}

/* One slot stays free for IK_OP_CANCEL: a cancel must never wait behind the requests it is
 * meant to cancel (when every slot holds a sleeping read, say). */
static bool slot_reserved_for_cancel(const struct ik_conn *c, const struct ik_call *call)
{
	return call->op != IK_OP_CANCEL && c->ch.nreqs > 1 && c->ch.inflight + 1 >= c->ch.nreqs;
}

static int alloc_slot_locked(struct ik_conn *c, const struct ik_call *call,
			     struct ik_cancel_token *tok)
{
	for (;;) {
		if (ik_conn_is_dead(c))
			return -EIO;
		if (tok && ik_cancel_requested(tok))
			return -EINTR;
		if (!slot_reserved_for_cancel(c, call)) {
			int slot = ik_chan_alloc(&c->ch, call->op, call->len);
			if (slot >= 0)
				return slot;
		}
		pthread_cond_wait(&c->cond, &c->lock);
	}
}

/* Publish the request in `slot` (c->lock held) and kick the guest if it said it sleeps. */
static void publish_locked(struct ik_conn *c, uint32_t slot, const struct ik_call *call)
{
	struct ik_sqe sqe = {
		.op = call->op,
		.node = call->node,
		.fh = call->fh,
		.pos = call->pos,
		.arg = call->arg,
		.off = call->off,
		.len = call->len,
		.buf = call->use_buf ? slot : IK_BUF_NONE,
	};
	if (!ik_conn_is_dead(c) && ik_chan_submit(&c->ch, slot, &sqe)) {
		uint64_t one = 1;
		(void)!write(c->kick_fd, &one, sizeof(one));
	}
}

/* Wait until slot is done (0) or the connection dies (-EIO). c->lock held. */
static int wait_done_locked(struct ik_conn *c, uint32_t slot)
{
	for (;;) {
		if (c->ch.reqs[slot].state == IK_REQ_DONE)
			return 0;
		if (ik_conn_is_dead(c))
			return -EIO;
		if (c->reaping)
			pthread_cond_wait(&c->cond, &c->lock);
		else
			reap_once_locked(c);
	}
}

static void finish_locked(struct ik_conn *c, uint32_t slot)
{
	ik_chan_free(&c->ch, slot);
	pthread_cond_broadcast(&c->cond);
}

/* One call from slot allocation to its validated result (tok: its cancellation, or NULL). */
static int64_t call_slot(struct ik_conn *c, struct ik_call *call, struct ik_cancel_token *tok)
{
	pthread_mutex_lock(&c->lock);
	int s = alloc_slot_locked(c, call, tok);
	if (s < 0) {
		pthread_mutex_unlock(&c->lock);
		return s;
	}
	uint32_t slot = (uint32_t)s;
	uint8_t *buf = ik_chan_buf(&c->ch, slot);

	if (call->in_len) {
		/* The slot's buffer is ours until the SQE is published: fill it unlocked. */
		pthread_mutex_unlock(&c->lock);
		memcpy(buf, call->in, call->in_len);
		pthread_mutex_lock(&c->lock);
	}
	if (tok && ik_cancel_try_publish(tok, c->ch.reqs[slot].user_data)) {
		finish_locked(c, slot);
		pthread_mutex_unlock(&c->lock);
		return -EINTR;
	}
	publish_locked(c, slot, call);
	int err = wait_done_locked(c, slot);
	int64_t result = c->ch.reqs[slot].result;
	call->pos_after = c->ch.reqs[slot].pos;

	if (!err && result >= 0 && call->out) {
		/* Copy out only what was validated: never more than the request asked for. */
		uint32_t n = call->out_by_result ? (uint32_t)result : call->out_len;
		if (n > call->out_len)
			n = call->out_len;
		pthread_mutex_unlock(&c->lock);
		memcpy(call->out, buf, n);
		pthread_mutex_lock(&c->lock);
	}
	finish_locked(c, slot);
	pthread_mutex_unlock(&c->lock);
	return err ? err : result;
}

int64_t ik_call(struct ik_conn *c, struct ik_call *call)
{
	/* The cancel itself is never cancellable. */
	struct ik_cancel_token *tok = call->op == IK_OP_CANCEL ? NULL : ik_cancel_current();

	if (tok && ik_cancel_begin(tok, c))
		return -EINTR;
	int64_t r = call_slot(c, call, tok);
	if (tok)
		ik_cancel_end(tok);
	return r;
}
