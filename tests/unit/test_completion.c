/* SPDX-License-Identifier: MIT */
/*
 * Completion validation with a fake channel in plain memory: the test plays the (hostile)
 * driver VM, writing CQEs, their sequence numbers and cq_tail by hand, and checks that every
 * rule holds: on the hot path (the entry's seq alone) and on the slow path (the tail too).
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chan.h"
#include "ikernel/ring.h"

struct fake {
	struct ik_chan ch;
	void *mem;
	char why[200];
};

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct ik_chan_geometry g = ik_geometry_default();

	assert_non_null(f);
	f->mem = aligned_alloc(4096, g.size);
	assert_non_null(f->mem);
	memset(f->mem, 0, g.size);
	assert_int_equal(ik_chan_init(&f->ch, f->mem, &g), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;
	ik_chan_fini(&f->ch);
	free(f->mem);
	free(f);
	return 0;
}

/* Start a request: returns its slot. */
static uint32_t start(struct fake *f, uint8_t op, uint32_t len)
{
	int slot = ik_chan_alloc(&f->ch, op, len);
	assert_true(slot >= 0);
	struct ik_sqe sqe = {.op = op, .len = len, .buf = (uint32_t)slot};
	ik_chan_submit(&f->ch, (uint32_t)slot, &sqe);
	return (uint32_t)slot;
}

/* The "guest" writes a completion at cq_tail without publishing it. */
static struct ik_cqe *put(struct fake *f, uint64_t user_data, int64_t result, uint64_t pos)
{
	uint32_t tail = f->ch.hdr->cq_tail;
	struct ik_cqe *c = &f->ch.cqes[ik_ring_slot(tail, f->ch.geo.cq_entries)];

	c->user_data = user_data;
	c->result = result;
	c->pos = pos;
	c->flags = 0;
	return c;
}

/* The "guest" appends a completion as an honest one does: entry, tail, then the seq. */
static void complete(struct fake *f, uint64_t user_data, int64_t result, uint64_t pos)
{
	struct ik_ring_hdr *h = f->ch.hdr;
	uint32_t tail = h->cq_tail;
	struct ik_cqe *c = put(f, user_data, result, pos);

	ik_store_release(&h->cq_tail, tail + 1);
	ik_store_release(&c->seq, ik_ring_seq(tail));
}

static uint64_t ud(struct fake *f, uint32_t slot)
{
	return f->ch.reqs[slot].user_data;
}

/* The slow path: seqs and the tail. */
static int reap(struct fake *f)
{
	return ik_chan_reap(&f->ch, true, f->why, sizeof(f->why));
}

/* The hot path: seqs only. */
static int reap_fast(struct fake *f)
{
	return ik_chan_reap(&f->ch, false, f->why, sizeof(f->why));
}

static void test_submit_fills_sqe_and_tail(void **state)
{
	struct fake *f = *state;
	uint32_t s = start(f, IK_OP_READ, 100);

	assert_int_equal(f->ch.hdr->sq_tail, 1);
	assert_int_equal(f->ch.sqes[0].op, IK_OP_READ);
	assert_int_equal(f->ch.sqes[0].len, 100);
	assert_true(f->ch.sqes[0].user_data == ud(f, s));
	assert_int_equal(f->ch.sqes[0].user_data & IK_UD_SLOT_MASK, s);
	assert_int_equal(f->ch.sqes[0].seq, ik_ring_seq(0));
	start(f, IK_OP_NOP, 0);
	assert_int_equal(f->ch.sqes[1].seq, ik_ring_seq(1));
}

/* The seq alone publishes an entry: the hot path never reads cq_tail. */
static void test_seq_publishes_entry(void **state)
{
	struct fake *f = *state;
	uint32_t s = start(f, IK_OP_READ, 100);
	struct ik_cqe *c = put(f, ud(f, s), 50, 7);

	assert_false(ik_chan_cq_ready(&f->ch));
	ik_store_release(&c->seq, ik_ring_seq(0));
	assert_true(ik_chan_cq_ready(&f->ch));
	assert_int_equal(ik_chan_cq_poll(&f->ch), IK_SEQ_READY);
	assert_false(ik_chan_cq_tail_moved(&f->ch));
	assert_int_equal(reap_fast(f), 1);
	assert_false(f->ch.cq_tail_only);
	assert_int_equal(f->ch.reqs[s].result, 50);
	assert_int_equal(f->ch.cq_head, 1);
}

/* A guest that moves only the tail is served on the slow path, never on the hot one. */
static void test_tail_without_seq_taken_on_slow_path(void **state)
{
	struct fake *f = *state;
	uint32_t s = start(f, IK_OP_NOP, 0);

	put(f, ud(f, s), 0, 0);
	ik_store_release(&f->ch.hdr->cq_tail, 1);
	assert_false(ik_chan_cq_ready(&f->ch));
	assert_true(ik_chan_cq_tail_moved(&f->ch));
	assert_int_equal(reap_fast(f), 0);
	assert_int_equal(f->ch.reqs[s].state, IK_REQ_INFLIGHT);
	assert_int_equal(reap(f), 1);
	assert_int_equal(f->ch.reqs[s].state, IK_REQ_DONE);
	assert_true(f->ch.cq_tail_only); /* the spin now watches the tail too */
	/* its seq arriving late is the slot's previous lap from now on: not a new entry */
	ik_store_release(&f->ch.cqes[0].seq, ik_ring_seq(0));
	assert_false(ik_chan_cq_ready(&f->ch));
	assert_int_equal(reap(f), 0);
}

/* A seq no honest guest writes in that slot is a violation, on either path. */
static void test_bad_seq_refused(void **state)
{
	struct fake *f = *state;
	uint32_t s = start(f, IK_OP_NOP, 0);
	struct ik_cqe *c = put(f, ud(f, s), 0, 0);

	ik_store_release(&c->seq, ik_ring_seq(5)); /* an entry from the future */
	assert_true(ik_chan_cq_ready(&f->ch));
	assert_int_equal(ik_chan_cq_poll(&f->ch), IK_SEQ_BAD);
	assert_int_equal(reap_fast(f), -EPROTO);
	assert_non_null(strstr(f->why, "sequence number 6 (expected 1)"));
	ik_store_release(&f->ch.hdr->cq_tail, 1);
	assert_int_equal(reap(f), -EPROTO);
	assert_int_equal(f->ch.reqs[s].state, IK_REQ_INFLIGHT);
}

/* The hot path takes no more than a ring's worth, and a forged tail still fails the slow one. */
static void test_forged_tail_with_seqs_refused(void **state)
{
	struct fake *f = *state;
	uint32_t s = start(f, IK_OP_NOP, 0);

	complete(f, ud(f, s), 0, 0);
	f->ch.hdr->cq_tail = 1000;
	assert_int_equal(reap(f), -EPROTO);
	assert_non_null(strstr(f->why, "completion ring tail 1000"));
	assert_int_equal(f->ch.reqs[s].state, IK_REQ_INFLIGHT);
}

static void test_submit_reports_idle_guest(void **state)
{
	struct fake *f = *state;
	struct ik_sqe sqe = {.op = IK_OP_NOP, .buf = IK_BUF_NONE};
	int s = ik_chan_alloc(&f->ch, IK_OP_NOP, 0);

	assert_false(ik_chan_submit(&f->ch, (uint32_t)s, &sqe));
	f->ch.hdr->guest_idle = 1;
	s = ik_chan_alloc(&f->ch, IK_OP_NOP, 0);
	assert_true(ik_chan_submit(&f->ch, (uint32_t)s, &sqe));
}

static void test_valid_completion_taken(void **state)
{
	struct fake *f = *state;
	uint32_t s = start(f, IK_OP_READ, 100);

	assert_false(ik_chan_cq_ready(&f->ch));
	complete(f, ud(f, s), 100, 1234);
	assert_true(ik_chan_cq_ready(&f->ch));
	assert_int_equal(reap(f), 1);
	assert_int_equal(f->ch.reqs[s].state, IK_REQ_DONE);
	assert_int_equal(f->ch.reqs[s].result, 100);
	assert_int_equal(f->ch.reqs[s].pos, 1234);
	assert_int_equal(f->ch.hdr->cq_head, 1); /* handed back to the guest */
	assert_false(ik_chan_cq_ready(&f->ch));
}

static void test_forged_tail_refused(void **state)
{
	struct fake *f = *state;
	start(f, IK_OP_NOP, 0);
	f->ch.hdr->cq_tail = f->ch.geo.cq_entries + 1;
	assert_int_equal(reap(f), -EPROTO);
	assert_non_null(strstr(f->why, "tail"));
}

static void test_tail_behind_head_refused(void **state)
{
	struct fake *f = *state;
	f->ch.hdr->cq_tail = UINT32_MAX; /* "minus one": 2^32 - 1 entries pending */
	assert_int_equal(reap(f), -EPROTO);
}

static void test_full_ring_accepted(void **state)
{
	struct fake *f = *state;
	uint32_t slots[IK_CHAN_SQ_ENTRIES];

	for (unsigned i = 0; i < IK_CHAN_SQ_ENTRIES; i++)
		slots[i] = start(f, IK_OP_NOP, 0);
	for (unsigned i = 0; i < IK_CHAN_SQ_ENTRIES; i++)
		complete(f, ud(f, slots[i]), 0, 0);
	assert_int_equal(reap(f), IK_CHAN_SQ_ENTRIES);
}

static void test_indices_wrap_at_2_32(void **state)
{
	struct fake *f = *state;
	uint32_t s[3];

	/* Both sides agree the ring has run 2^32 - 2 completions already. */
	f->ch.cq_head = UINT32_MAX - 1;
	f->ch.hdr->cq_head = UINT32_MAX - 1;
	f->ch.hdr->cq_tail = UINT32_MAX - 1;
	for (int i = 0; i < 3; i++)
		s[i] = start(f, IK_OP_NOP, 0);
	for (int i = 0; i < 3; i++)
		complete(f, ud(f, s[i]), 0, 0);
	assert_int_equal(f->ch.hdr->cq_tail, 1);
	assert_int_equal(reap(f), 3);
	assert_int_equal(f->ch.cq_head, 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(f->ch.reqs[s[i]].state, IK_REQ_DONE);
}

static void test_unknown_request_refused(void **state)
{
	struct fake *f = *state;
	start(f, IK_OP_NOP, 0);
	complete(f, 0x1234, 0, 0); /* slot 0x1234 does not exist */
	assert_int_equal(reap(f), -EPROTO);
	assert_string_equal(f->why, "completion for unknown request 0x1234");
}

static void test_stale_generation_refused(void **state)
{
	struct fake *f = *state;
	uint32_t s = start(f, IK_OP_NOP, 0);
	uint64_t old = ud(f, s);

	complete(f, old, 0, 0);
	assert_int_equal(reap(f), 1);
	ik_chan_free(&f->ch, s);
	uint32_t s2 = start(f, IK_OP_NOP, 0);
	assert_int_equal(s2, s); /* same slot, new generation */
	assert_true(ud(f, s2) != old);
	complete(f, old, 0, 0);
	assert_int_equal(reap(f), -EPROTO);
	assert_non_null(strstr(f->why, "unknown request"));
}

static void test_free_slot_refused(void **state)
{
	struct fake *f = *state;
	uint32_t s = start(f, IK_OP_NOP, 0);
	uint64_t u = ud(f, s);

	ik_chan_free(&f->ch, s); /* e.g. the caller gave up: nothing is in flight there */
	complete(f, u, 0, 0);
	assert_int_equal(reap(f), -EPROTO);
}

static void test_second_completion_refused(void **state)
{
	struct fake *f = *state;
	uint32_t s = start(f, IK_OP_NOP, 0);

	complete(f, ud(f, s), 0, 0);
	complete(f, ud(f, s), 0, 0);
	assert_int_equal(reap(f), -EPROTO);
	assert_non_null(strstr(f->why, "second completion"));
}

/* One request of `op`/`len` completed with `result`: 1 if accepted, 0 if refused. */
static int accepts(uint8_t op, uint32_t len, int64_t result)
{
	struct ik_req r = {.state = IK_REQ_INFLIGHT, .op = op, .len = len, .user_data = 1u << 16};
	struct ik_cqe c = {.user_data = 1u << 16, .result = result};
	uint32_t slot = 99;
	char why[200];
	int err = ik_cqe_check(&r, 1, &c, &slot, why, sizeof(why));
	if (err == 0)
		assert_int_equal(slot, 0);
	else
		assert_int_equal(err, -EPROTO);
	return err == 0;
}

static void test_read_write_lengths(void **state)
{
	(void)state;
	assert_true(accepts(IK_OP_READ, 100, 0));
	assert_true(accepts(IK_OP_READ, 100, 100));
	assert_false(accepts(IK_OP_READ, 100, 101));
	assert_false(accepts(IK_OP_READ, 0, 1));
	assert_true(accepts(IK_OP_WRITE, 4096, 4096));
	assert_false(accepts(IK_OP_WRITE, 4096, 65536));
	assert_false(accepts(IK_OP_READ, 100, INT64_MAX));
}

static void test_errno_range(void **state)
{
	(void)state;
	for (uint8_t op = 0; op < IK_OP__COUNT; op++) {
		assert_true(accepts(op, 10, -EIO));
		assert_true(accepts(op, 10, -4095));
		assert_false(accepts(op, 10, -4096));
		assert_false(accepts(op, 10, INT64_MIN));
	}
}

static void test_open_handle_range(void **state)
{
	(void)state;
	assert_true(accepts(IK_OP_OPEN, 0, 0));
	assert_true(accepts(IK_OP_OPEN, 0, INT32_MAX));
	assert_false(accepts(IK_OP_OPEN, 0, (int64_t)INT32_MAX + 1));
}

static void test_poll_bits(void **state)
{
	(void)state;
	assert_true(accepts(IK_OP_POLL, 0, 0));
	assert_true(accepts(IK_OP_POLL, 0, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM));
	assert_true(accepts(IK_OP_POLL, 0, POLLHUP | POLLERR));
	assert_false(accepts(IK_OP_POLL, 0, 0x10000));
	assert_false(accepts(IK_OP_POLL, 0, POLLIN | (1ll << 40)));
}

static void test_other_ops(void **state)
{
	(void)state;
	assert_true(accepts(IK_OP_IOCTL, 0, 0x7fffffffffffffffll)); /* a long is a long */
	assert_true(accepts(IK_OP_LLSEEK, 0, 1ll << 40));
	assert_true(accepts(IK_OP_NOP, 0, 0));
	assert_false(accepts(IK_OP_NOP, 0, 1));
	assert_true(accepts(IK_OP_RELEASE, 0, 0));
	assert_false(accepts(IK_OP_RELEASE, 0, 7));
}

static void test_slots_exhaust_and_recycle(void **state)
{
	struct fake *f = *state;
	for (unsigned i = 0; i < f->ch.nreqs; i++)
		assert_true(ik_chan_alloc(&f->ch, IK_OP_NOP, 0) >= 0);
	assert_int_equal(ik_chan_alloc(&f->ch, IK_OP_NOP, 0), -EBUSY);
	ik_chan_free(&f->ch, 3);
	assert_int_equal(ik_chan_alloc(&f->ch, IK_OP_NOP, 0), 3);
}

static void test_data_buffers_in_bounds(void **state)
{
	struct fake *f = *state;
	uint8_t *end = (uint8_t *)f->mem + f->ch.geo.size;
	for (uint32_t i = 0; i < f->ch.nreqs; i++)
		assert_true(ik_chan_buf(&f->ch, i) + f->ch.geo.data_size <= end);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_submit_fills_sqe_and_tail),
		T(test_submit_reports_idle_guest),
		T(test_seq_publishes_entry),
		T(test_tail_without_seq_taken_on_slow_path),
		T(test_bad_seq_refused),
		T(test_forged_tail_with_seqs_refused),
		T(test_valid_completion_taken),
		T(test_forged_tail_refused),
		T(test_tail_behind_head_refused),
		T(test_full_ring_accepted),
		T(test_indices_wrap_at_2_32),
		T(test_unknown_request_refused),
		T(test_stale_generation_refused),
		T(test_free_slot_refused),
		T(test_second_completion_refused),
		cmocka_unit_test(test_read_write_lengths),
		cmocka_unit_test(test_errno_range),
		cmocka_unit_test(test_open_handle_range),
		cmocka_unit_test(test_poll_bits),
		cmocka_unit_test(test_other_ops),
		T(test_slots_exhaust_and_recycle),
		T(test_data_buffers_in_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
