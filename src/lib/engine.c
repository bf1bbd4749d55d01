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
 *
 * Answer deadlines: a driver may legitimately keep a read blocked forever, but some requests
 * carry their own bound, and a driver that ignores it is treated as broken (THREAT-MODEL.md,
 * "never answering"): a poll with a finite timeout must be answered by timeout + grace, a
 * cancel within the grace, and a cancelled request must be over within the grace after its
 * cancellation. The grace is IK_ANSWER_GRACE_MS (or $IKERNEL_ANSWER_GRACE_MS). The reaper
 * sleeps no longer than the earliest deadline and kills the connection (reporting the
 * violation) when one passes, so every such call ends with -EIO instead of hanging.
 *
 * Spurious doorbells: the doorbell is the driver's to ring, and a driver ringing it in a loop
 * would wake a blocked client (a futile reap and a spin each time) as often as it likes: ~75 %
 * of a core for as long as it keeps a call blocked. After IK_FUTILE_FREE futile reaps in a row
 * the reaper stops listening to the doorbell: it looks at the CQ after a sleep that doubles
 * from 1 ms up to IK_BACKOFF_MAX_MS (or at the earliest deadline, or a notice from the
 * monitor), until a reap takes a completion or a new call starts. An honest driver rings once
 * per batch of completions, so it never gets there (a doorbell left over from completions
 * already reaped while spinning makes one futile reap); a storm costs the client at most
 * IK_FUTILE_FREE wake-ups per call, then ~1000 / IK_BACKOFF_MAX_MS a second, and delays the
 * answer it finally gives by at most IK_BACKOFF_MAX_MS.
 */
#include "engine.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
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

#define IK_ANSWER_GRACE_MS 2000u
#define IK_FUTILE_FREE     16u /* futile reaps in a row before the doorbell is ignored */
#define IK_BACKOFF_MAX_MS  64u

uint64_t ik_answer_grace_ns(void)
{
	static uint64_t grace; /* 0 = not read yet; races only recompute the same value */
	uint64_t g = __atomic_load_n(&grace, __ATOMIC_RELAXED);

	if (g == 0) {
		const char *s = getenv("IKERNEL_ANSWER_GRACE_MS");
		char *end = NULL;
		unsigned long long ms = s && *s ? strtoull(s, &end, 10) : 0;

		if (!s || !*s || *end || ms == 0 || ms > 3600000)
			ms = IK_ANSWER_GRACE_MS;
		g = ms * 1000000ull;
		__atomic_store_n(&grace, g, __ATOMIC_RELAXED);
	}
	return g;
}

/* Wake the reaper out of its sleep (it recomputes its deadline). The done eventfd is ours. */
static void poke_reaper(struct ik_conn *c)
{
	uint64_t one = 1;

	(void)!write(c->done_fd, &one, sizeof(one));
}

/* Give the request in `slot` a deadline (the earlier one wins). c->lock held. */
static void set_deadline_locked(struct ik_conn *c, uint32_t slot, uint8_t kind, uint64_t within)
{
	struct ik_req *r = &c->ch.reqs[slot];
	uint64_t d = now_ns() + within;

	if (r->deadline_ns == 0 || d < r->deadline_ns) {
		if (r->deadline_ns == 0)
			c->ch.deadlines++;
		r->deadline_ns = d;
		r->deadline_kind = kind;
		if (c->reaping)
			poke_reaper(c);
	}
}

void ik_engine_cancelled(struct ik_conn *c, uint64_t user_data)
{
	uint32_t slot = (uint32_t)(user_data & IK_UD_SLOT_MASK);

	pthread_mutex_lock(&c->lock);
	if (slot < c->ch.nreqs && c->ch.reqs[slot].user_data == user_data &&
	    c->ch.reqs[slot].state == IK_REQ_INFLIGHT)
		set_deadline_locked(c, slot, IK_DL_CANCELLED, ik_answer_grace_ns());
	pthread_mutex_unlock(&c->lock);
}

/* The earliest deadline of the requests in flight, 0 if none. c->lock held. Both scans stop
 * at once when no deadline is armed (the common case: they cost ~10 ns of every call). */
static uint64_t earliest_deadline_locked(const struct ik_conn *c)
{
	uint64_t first = 0;

	for (uint32_t i = 0; i < c->ch.nreqs && c->ch.deadlines; i++) {
		const struct ik_req *r = &c->ch.reqs[i];

		if (r->state == IK_REQ_INFLIGHT && r->deadline_ns &&
		    (first == 0 || r->deadline_ns < first))
			first = r->deadline_ns;
	}
	return first;
}

/* A request past its deadline: the driver broke its word; kill the connection. Locked. */
static void check_deadlines_locked(struct ik_conn *c)
{
	uint64_t now = 0, grace_ms = ik_answer_grace_ns() / 1000000ull;

	for (uint32_t i = 0; i < c->ch.nreqs && c->ch.deadlines && !ik_conn_is_dead(c); i++) {
		const struct ik_req *r = &c->ch.reqs[i];

		if (r->state != IK_REQ_INFLIGHT || !r->deadline_ns)
			continue;
		if (!now)
			now = now_ns(); /* only when a deadline is armed: the clock is not free */
		if (now < r->deadline_ns)
			continue;
		if (r->deadline_kind == IK_DL_POLL)
			ik_conn_kill_locked(c, true, "driver %s: poll request 0x%" PRIx64
					    " not answered within its timeout + %" PRIu64 " ms",
					    c->driver, r->user_data, grace_ms);
		else if (r->deadline_kind == IK_DL_REQUEST)
			ik_conn_kill_locked(c, true, "driver %s: %s request 0x%" PRIx64
					    " not answered within %u ms (its request timeout)",
					    c->driver, ik_op_name(r->op), r->user_data,
					    c->policy.timeout_ms);
		else if (r->deadline_kind == IK_DL_CANCEL)
			ik_conn_kill_locked(c, true, "driver %s: cancel request 0x%" PRIx64
					    " not answered within %" PRIu64 " ms",
					    c->driver, r->user_data, grace_ms);
		else
			ik_conn_kill_locked(c, true, "driver %s: %s request 0x%" PRIx64
					    " not answered within %" PRIu64 " ms of its cancellation",
					    c->driver, ik_op_name(r->op), r->user_data, grace_ms);
	}
}

/*
 * Spin on the next CQE's seq for the budget. True when completions (or death) arrived; then
 * *check_tail says whether the reap must also read and clamp cq_tail: not when the seq said
 * "published" (the hot path touches only the entry's line), but when it was a violation or
 * the tail moved without a seq (a peer that writes only tails, or a forged tail).
 */
static bool spin_for_cq(struct ik_conn *c, uint64_t budget, bool *check_tail)
{
	if (budget == 0)
		return false;
	uint64_t end = 0;
	for (unsigned i = 1;; i++) {
		enum ik_seq_state st = ik_chan_cq_poll(&c->ch);

		if (st != IK_SEQ_EMPTY || ik_conn_is_dead(c)) {
			*check_tail = st != IK_SEQ_READY;
			return true;
		}
		if (c->ch.cq_tail_only && ik_chan_cq_tail_moved(&c->ch))
			return true; /* a guest that publishes by its tail alone */
		/* Reading the clock costs more than a pause (~50 ns against ~30 here): look at it
		 * now and then, and not at all for an answer that comes within 64 pauses (the
		 * budget starts counting at the first look). The tail too: reading its line makes
		 * the guest's next store to it a cross-core transfer. */
		if ((i & 63) == 0) {
			if (ik_chan_cq_tail_moved(&c->ch))
				return true; /* *check_tail stays true */
			uint64_t now = now_ns();
			if (!end)
				end = now + budget;
			else if (now >= end)
				return false;
		}
		ik_cpu_relax();
	}
}

/* poll(2) timeout until the absolute deadline (0 = none: -1), rounded up to whole ms. */
static int timeout_until(uint64_t deadline)
{
	uint64_t now = now_ns();

	if (deadline == 0)
		return -1;
	if (deadline <= now)
		return 0;
	uint64_t ms = (deadline - now + 999999ull) / 1000000ull;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* Sleep until the guest rings our doorbell, the monitor says something (ring.h protocol) or
 * the earliest answer deadline (0: none) passes. */
static void sleep_for_cq(struct ik_conn *c, uint64_t deadline)
{
	struct ik_ring_hdr *hdr = c->ch.hdr;

	ik_store_relaxed(&hdr->client_waiting, 1);
	ik_fence_seq_cst();
	if (!ik_chan_cq_ready(&c->ch) && !ik_chan_cq_tail_moved(&c->ch)) {
		struct pollfd p[2] = {{.fd = c->done_fd, .events = POLLIN},
				      {.fd = c->sock, .events = POLLIN}};
		if (poll(p, 2, timeout_until(deadline)) > 0) {
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

/* Backing off from a doorbell storm: sleep without the doorbell until `ms` have passed, the
 * earliest answer deadline (0: none) passes or the monitor says something. */
static void backoff_for_cq(struct ik_conn *c, uint64_t deadline, unsigned ms)
{
	uint64_t until = now_ns() + ms * 1000000ull;
	struct pollfd p = {.fd = c->sock, .events = POLLIN};

	if (deadline && deadline < until)
		until = deadline;
	if (poll(&p, 1, timeout_until(until)) > 0) {
		pthread_mutex_lock(&c->lock);
		ik_conn_socket_event_locked(c);
		pthread_mutex_unlock(&c->lock);
	}
}

/* As the reaper (c->lock held on entry and exit): wait for completions and take them. */
static void reap_once_locked(struct ik_conn *c)
{
	char why[200];
	uint64_t deadline = earliest_deadline_locked(c);
	unsigned futile = c->futile;
	bool check_tail = true;
	int taken = 0;

	c->reaping = true;
	pthread_mutex_unlock(&c->lock);
	if (futile >= IK_FUTILE_FREE) {
		unsigned shift = futile - IK_FUTILE_FREE;
		backoff_for_cq(c, deadline, shift >= 6 ? IK_BACKOFF_MAX_MS : 1u << shift);
	} else if (!spin_for_cq(c, ik_spin_ns(), &check_tail)) {
		sleep_for_cq(c, deadline);
	}
	pthread_mutex_lock(&c->lock);
	c->reaping = false;
	if (!ik_conn_is_dead(c) && (taken = ik_chan_reap(&c->ch, check_tail, why, sizeof(why))) < 0)
		ik_conn_kill_locked(c, true, "driver %s: %s", c->driver, why);
	c->futile = taken > 0 ? 0 : c->futile < 1000u ? c->futile + 1 : c->futile;
	if (!ik_conn_is_dead(c))
		check_deadlines_locked(c);
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
		/* Death first: once the driver is caught misbehaving, nothing it answered and the
		 * caller has not yet received is trusted (e.g. the first of two answers to one
		 * request, both seen in the same reap). */
		if (ik_conn_is_dead(c))
			return -EIO;
		if (c->ch.reqs[slot].state == IK_REQ_DONE)
			return 0;
		if (c->reaping)
			pthread_cond_wait(&c->cond, &c->lock);
		else
			reap_once_locked(c);
	}
}

static void finish_locked(struct ik_conn *c, uint32_t slot)
{
	if (c->ch.reqs[slot].deadline_ns)
		c->ch.deadlines--;
	ik_chan_free(&c->ch, slot);
	pthread_cond_broadcast(&c->cond);
}

/*
 * After the driver died with our request in the ring: did it take it? The dead VM's SQ is the
 * in-flight record (recovery.h): the entry at sq_index was never seen if the guest's sq_head
 * had not passed it. sq_head is guest-written: anything out of range counts as taken.
 */
static bool sqe_taken(const struct ik_chan *ch, uint32_t sq_index)
{
	uint32_t head = ik_load_acquire(&ch->hdr->sq_head);

	if (!ik_ring_tail_valid(head, ch->sq_tail, ch->geo.sq_entries))
		return true;
	return (int32_t)(head - sq_index) > 0;
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
	if (call->op == IK_OP_POLL && (int64_t)call->off >= 0)
		set_deadline_locked(c, slot, IK_DL_POLL,
				    (uint64_t)(int64_t)call->off * 1000000ull + ik_answer_grace_ns());
	else if (call->op == IK_OP_CANCEL)
		set_deadline_locked(c, slot, IK_DL_CANCEL, ik_answer_grace_ns());
	else if (c->policy.timeout_ms)
		set_deadline_locked(c, slot, IK_DL_REQUEST, c->policy.timeout_ms * 1000000ull);
	uint32_t sq_index = c->ch.sq_tail;
	c->futile = 0; /* a new call: the doorbell is worth listening to again */
	call->taken = !ik_conn_is_dead(c);
	publish_locked(c, slot, call);
	int err = wait_done_locked(c, slot);
	if (err && call->taken)
		call->taken = sqe_taken(&c->ch, sq_index);
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
