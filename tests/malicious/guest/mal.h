/* SPDX-License-Identifier: MIT */
/*
 * Attack drivers: the toolkit. An attacker is CPL3 code in its own VM that owns its whole
 * address space, so these images use no runtime at all: they speak the ABI (abi.h) directly,
 * register the node "mal", announce READY, and then serve their clients' rings by hand --
 * honestly until the first READ arrives (so a test can check the handshake and open), then
 * however the attack wants. Everything here is deliberately minimal and trusting: the point
 * is to misbehave precisely, not to be a good driver.
 */
#ifndef IK_MAL_H
#define IK_MAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bare_guest.h"
#include "ikernel/ring.h"

#define MAL_POLLIN  0x001
#define MAL_POLLOUT 0x004

/* The bare-guest basics (tests/lib/bare_guest.h: the ABI note, _start, hypercalls) under the
 * toolkit's names. */
#define mal_hypercall bare_hypercall
#define mal_strlen    bare_strlen
#define mal_print     bare_print
#define mal_bootinfo  bare_bootinfo
#define mal_events    bare_events
#define mal_rdtsc     bare_rdtsc
#define mal_exit      bare_exit

/* Keep the monitor's hang watchdog quiet: we are busy attacking, not hung. */
static inline void mal_heartbeat(void)
{
	__atomic_add_fetch(&mal_events()->heartbeat, 1, __ATOMIC_RELAXED);
}

static inline void mal_wait_ns(uint64_t ns, struct ik_hc_wait *out)
{
	struct ik_hc_wait w = {.timeout_ns = ns};

	mal_heartbeat();
	mal_hypercall(IK_HC_WAIT, &w);
	if (out)
		*out = w;
}

/* Register node "mal" (id 0) and announce READY. */
static inline void mal_boot(void)
{
	static const char name[] = "mal";
	struct ik_hc_register_node reg = {(uintptr_t)name, 0, 0};
	struct ik_hc_ready ready = {1, 0};

	mal_hypercall(IK_HC_REGISTER_NODE, &reg);
	mal_hypercall(IK_HC_READY, &ready);
}

/* One channel as the attacker sees it: pointers into the shared region, our indices. */
struct mal_chan {
	unsigned id;
	uintptr_t base;
	struct ik_ring_hdr *hdr;
	struct ik_sqe *sqes;
	struct ik_cqe *cqes;
	uint8_t *data;
	uint32_t sq_head, cq_tail;
};

static inline const struct ik_chan_geometry *mal_geo(void)
{
	return &mal_bootinfo()->chan;
}

static inline void mal_chan_init(struct mal_chan *c, unsigned id)
{
	const struct ik_chan_geometry *g = mal_geo();

	c->id = id;
	c->base = (uintptr_t)(IK_GPA_CHAN_BASE + (uint64_t)id * IK_CHAN_STRIDE);
	c->hdr = (struct ik_ring_hdr *)(c->base + g->hdr_off);
	c->sqes = (struct ik_sqe *)(c->base + g->sqes_off);
	c->cqes = (struct ik_cqe *)(c->base + g->cqes_off);
	c->data = (uint8_t *)(c->base + g->data_off);
	c->sq_head = c->cq_tail = 0;
	ik_store_relaxed(&c->hdr->guest_idle, 1); /* clients kick us: we sleep in IK_HC_WAIT */
}

/* Wait for the next client to attach; returns its channel. */
static inline void mal_wait_client(struct mal_chan *c)
{
	static uint64_t seen;

	for (;;) {
		struct ik_hc_wait w;

		mal_wait_ns(1000000, &w);
		seen |= w.chan_opened;
		for (unsigned i = 0; i < IK_MAX_CHANNELS; i++) {
			if (seen & (1ull << i)) {
				seen &= ~(1ull << i);
				mal_chan_init(c, i);
				return;
			}
		}
	}
}

static inline bool mal_sqe_ready(struct mal_chan *c)
{
	return ik_load_acquire(&c->hdr->sq_tail) != c->sq_head;
}

/* Take the next SQE (waiting for it). */
static inline void mal_next_sqe(struct mal_chan *c, struct ik_sqe *s)
{
	while (!mal_sqe_ready(c))
		mal_wait_ns(200000, NULL);
	*s = c->sqes[ik_ring_slot(c->sq_head, mal_geo()->sq_entries)];
	c->sq_head++;
	ik_store_release(&c->hdr->sq_head, c->sq_head);
}

static inline void mal_doorbell(unsigned ch)
{
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_DOORBELL + 8ull * ch) = 1;
}

/* Write a CQE without publishing it. */
static inline void mal_put_cqe(struct mal_chan *c, uint32_t index, uint64_t ud, int64_t result,
			       uint64_t pos)
{
	struct ik_cqe *q = &c->cqes[ik_ring_slot(index, mal_geo()->cq_entries)];

	q->user_data = ud;
	q->result = result;
	q->pos = pos;
	q->flags = 0;
}

/* Publish completions by the tail alone, never by a seq (a guest older than IK_FEAT_RING_SEQ). */
static bool mal_tail_only;

/* Publish as an honest guest would (abi.h): the tail, then the seq of each entry it newly
 * covers -- none when the "tail" is a forgery beyond the ring, so only the tail lies. */
static inline void mal_publish(struct mal_chan *c, uint32_t tail)
{
	uint32_t from = c->cq_tail, n = tail - from;

	c->cq_tail = tail;
	ik_store_release(&c->hdr->cq_tail, tail);
	if (n <= mal_geo()->cq_entries && !mal_tail_only)
		for (uint32_t i = from; i != tail; i++)
			ik_store_release(&c->cqes[ik_ring_slot(i, mal_geo()->cq_entries)].seq,
					 ik_ring_seq(i));
	ik_fence_seq_cst();
	mal_doorbell(c->id); /* always: an ioeventfd write costs nothing to us */
}

static inline void mal_complete(struct mal_chan *c, uint64_t ud, int64_t result, uint64_t pos)
{
	mal_put_cqe(c, c->cq_tail, ud, result, pos);
	mal_publish(c, c->cq_tail + 1);
}

/* Byte i of what an honest read at position pos returns (the test knows the pattern). */
static inline uint8_t mal_pattern(uint64_t pos, uint64_t i)
{
	return (uint8_t)('a' + (pos + i) % 26);
}

/* Answer a request as an honest driver would. */
static inline void mal_serve_honest(struct mal_chan *c, const struct ik_sqe *s)
{
	const struct ik_chan_geometry *g = mal_geo();
	uint32_t len = s->len <= g->data_size ? s->len : g->data_size;
	int64_t result = 0;
	uint64_t pos = s->pos;

	switch (s->op) {
	case IK_OP_OPEN:
		result = 1; /* fh */
		break;
	case IK_OP_READ:
		if (s->buf < g->data_count) {
			uint8_t *d = c->data + (size_t)s->buf * g->data_size;
			for (uint32_t i = 0; i < len; i++)
				d[i] = mal_pattern(s->pos, i);
			result = len;
			pos += len;
		}
		break;
	case IK_OP_WRITE:
		result = len;
		pos += len;
		break;
	case IK_OP_POLL:
		result = MAL_POLLIN | MAL_POLLOUT;
		break;
	case IK_OP_CANCEL:
		result = -2; /* -ENOENT: nothing of that name running */
		break;
	default:
		result = 0;
		break;
	}
	mal_complete(c, s->user_data, result, pos);
}

/* Serve honestly until a request of kind `op` arrives; return it (taken, not answered). */
static inline void mal_serve_until(struct mal_chan *c, uint8_t op, struct ik_sqe *s)
{
	for (;;) {
		mal_next_sqe(c, s);
		if (s->op == op)
			return;
		mal_serve_honest(c, s);
	}
}

/* Boot, wait for the first client, serve it until its first READ (returned in *s). */
static inline void mal_first_read(struct mal_chan *c, struct ik_sqe *s)
{
	mal_boot();
	mal_wait_client(c);
	mal_serve_until(c, IK_OP_READ, s);
}

/* After a harmless attack: keep serving every client honestly (the test checks the data). */
static inline _Noreturn void mal_serve_forever(struct mal_chan *c)
{
	struct ik_sqe s;

	for (;;) {
		mal_next_sqe(c, &s);
		mal_serve_honest(c, &s);
	}
}

static inline void mal_spin_forever_quietly(void)
{
	for (;;)
		mal_wait_ns(1000000, NULL);
}

#endif /* IK_MAL_H */
