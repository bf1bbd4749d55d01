/* SPDX-License-Identifier: MIT */
/* Ring index arithmetic and clamping (ring.h), geometry validation, ABI layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ikernel/control.h"
#include "ikernel/ring.h"

static void test_pending_wraps_at_2_32(void **state)
{
	(void)state;
	assert_int_equal(ik_ring_pending(0, 0), 0);
	assert_int_equal(ik_ring_pending(5, 9), 4);
	assert_int_equal(ik_ring_pending(UINT32_MAX, 0), 1);
	assert_int_equal(ik_ring_pending(UINT32_MAX - 2, 3), 6);
}

static void test_tail_valid_clamps(void **state)
{
	(void)state;
	assert_true(ik_ring_tail_valid(10, 10, 16));
	assert_true(ik_ring_tail_valid(10, 26, 16));       /* exactly full */
	assert_false(ik_ring_tail_valid(10, 27, 16));      /* one past full */
	assert_false(ik_ring_tail_valid(10, 9, 16));       /* behind the head: huge distance */
	assert_false(ik_ring_tail_valid(0, UINT32_MAX, 16));
	assert_true(ik_ring_tail_valid(UINT32_MAX - 3, 12, 16)); /* 16 across the wrap */
	assert_false(ik_ring_tail_valid(UINT32_MAX - 3, 13, 16));
	assert_false(ik_ring_tail_valid(0, 0x80000000u, 16));
}

static void test_head_valid(void **state)
{
	(void)state;
	assert_true(ik_ring_head_valid(4, 4, 16));
	assert_true(ik_ring_head_valid(0, 16, 16));
	assert_false(ik_ring_head_valid(5, 4, 16)); /* head past the tail */
	assert_false(ik_ring_head_valid(0, 17, 16));
}

static void test_slot_masks(void **state)
{
	(void)state;
	assert_int_equal(ik_ring_slot(0, 16), 0);
	assert_int_equal(ik_ring_slot(17, 16), 1);
	assert_int_equal(ik_ring_slot(UINT32_MAX, 16), 15);
	assert_int_equal(ik_ring_slot(UINT32_MAX + 1u, 16), 0);
}

static void test_seq_states(void **state)
{
	(void)state;
	assert_int_equal(ik_ring_seq(0), 1);
	assert_int_equal(ik_ring_seq(UINT32_MAX), 0);
	assert_int_equal(ik_ring_seq_state(1, 0, 16), IK_SEQ_READY);
	assert_int_equal(ik_ring_seq_state(0, 0, 16), IK_SEQ_EMPTY);      /* never written */
	assert_int_equal(ik_ring_seq_state(0, 40, 16), IK_SEQ_EMPTY);
	assert_int_equal(ik_ring_seq_state(25, 40, 16), IK_SEQ_EMPTY);    /* previous lap (24) */
	assert_int_equal(ik_ring_seq_state(41, 40, 16), IK_SEQ_READY);
	assert_int_equal(ik_ring_seq_state(42, 40, 16), IK_SEQ_BAD);      /* the future */
	assert_int_equal(ik_ring_seq_state(9, 40, 16), IK_SEQ_BAD);       /* two laps back */
	assert_int_equal(ik_ring_seq_state(0xdeadbeef, 40, 16), IK_SEQ_BAD);
	/* across the wrap of the 32-bit index */
	assert_int_equal(ik_ring_seq_state(0, UINT32_MAX, 16), IK_SEQ_READY);
	assert_int_equal(ik_ring_seq_state(UINT32_MAX - 15, UINT32_MAX, 16), IK_SEQ_EMPTY);
	assert_int_equal(ik_ring_seq_state(UINT32_MAX - 10, 4, 16), IK_SEQ_EMPTY); /* lap "-1" */
	assert_int_equal(ik_ring_seq_state(5, 4, 16), IK_SEQ_READY);
}

static void test_pow2(void **state)
{
	(void)state;
	assert_false(ik_is_pow2(0));
	assert_true(ik_is_pow2(1));
	assert_true(ik_is_pow2(16));
	assert_false(ik_is_pow2(24));
	assert_true(ik_is_pow2(0x80000000u));
}

static void test_default_geometry_valid(void **state)
{
	(void)state;
	struct ik_chan_geometry g = ik_geometry_default();
	assert_true(ik_geometry_valid(&g));
	assert_true(g.size <= IK_CHAN_STRIDE);
	assert_int_equal(g.data_count, g.sq_entries);
}

/* Each mutation of the default geometry that must be refused. */
static void test_bad_geometries(void **state)
{
	(void)state;
	struct ik_chan_geometry g;

#define REFUSED(stmt)                                    \
	do {                                             \
		g = ik_geometry_default();               \
		stmt;                                    \
		assert_false(ik_geometry_valid(&g));     \
	} while (0)

	REFUSED(g.sq_entries = 0);
	REFUSED(g.sq_entries = 12);
	REFUSED(g.cq_entries = 0);
	REFUSED(g.cq_entries = 8);                        /* fewer than sq_entries */
	REFUSED(g.cq_entries = 24);
	REFUSED(g.data_count = g.sq_entries - 1);
	REFUSED(g.size = 0);
	REFUSED(g.size = IK_CHAN_STRIDE + 4096);
	REFUSED(g.size = g.size - 1);                     /* data runs past the end */
	REFUSED(g.sqes_off = 64);                         /* overlaps the header */
	REFUSED(g.cqes_off = g.sqes_off + 64);            /* SQEs overlap the CQEs */
	REFUSED(g.data_off = g.cqes_off + 32);            /* CQEs overlap the data */
	REFUSED(g.hdr_off = 8);                           /* misaligned */
	REFUSED(g.data_off = 4096 + 8);
	REFUSED(g.data_size = 0xffffffffu);               /* data_count * data_size overflows 32 bits */
	REFUSED(g.data_count = 0xffffffffu);
	REFUSED(g.data_off = 0xfffff000u);
	REFUSED(g.sqes_off = 0xffffffc0u);
	REFUSED(g.sq_entries = 0x80000000u; g.cq_entries = 0x80000000u; g.data_count = 0x80000000u);
#undef REFUSED
}

static void test_abi_layout(void **state)
{
	(void)state;
	/* These offsets are ABI: the guest stub and the host stub are built separately. */
	assert_int_equal(offsetof(struct ik_ring_hdr, sq_tail), 0);
	assert_int_equal(offsetof(struct ik_ring_hdr, sq_head), 64);
	assert_int_equal(offsetof(struct ik_ring_hdr, cq_tail), 128);
	assert_int_equal(offsetof(struct ik_ring_hdr, cq_head), 192);
	assert_int_equal(offsetof(struct ik_ring_hdr, guest_idle), 256);
	assert_int_equal(offsetof(struct ik_ring_hdr, client_waiting), 320);
	assert_int_equal(offsetof(struct ik_sqe, op), 0);
	assert_int_equal(offsetof(struct ik_sqe, node), 2);
	assert_int_equal(offsetof(struct ik_sqe, fh), 4);
	assert_int_equal(offsetof(struct ik_sqe, user_data), 8);
	assert_int_equal(offsetof(struct ik_sqe, pos), 16);
	assert_int_equal(offsetof(struct ik_sqe, arg), 24);
	assert_int_equal(offsetof(struct ik_sqe, off), 32);
	assert_int_equal(offsetof(struct ik_sqe, len), 40);
	assert_int_equal(offsetof(struct ik_sqe, buf), 44);
	assert_int_equal(offsetof(struct ik_sqe, seq), 48);
	assert_int_equal(offsetof(struct ik_cqe, seq), 28);
	assert_int_equal(offsetof(struct ik_cqe, user_data), 0);
	assert_int_equal(offsetof(struct ik_cqe, result), 8);
	assert_int_equal(offsetof(struct ik_cqe, pos), 16);
	assert_int_equal(offsetof(struct ik_cqe, flags), 24);
	assert_int_equal(offsetof(struct ik_chan_geometry, data_size), 32);
	assert_int_equal(offsetof(struct ik_bootinfo, chan), 72);
	assert_int_equal(offsetof(struct ik_bootinfo, name), 136);
	assert_int_equal(offsetof(struct ik_bootinfo, params), 168);
	assert_int_equal(offsetof(struct ik_events, heartbeat), 64);
	assert_int_equal(offsetof(struct ik_hc_wait, chan_closing), 24);
	assert_int_equal(offsetof(struct ik_hc_panic, line), 24);
	assert_int_equal(offsetof(struct ik_ctl_welcome, geometry), 16);
	assert_int_equal(offsetof(struct ik_ctl_welcome, driver), 80);
	assert_int_equal(offsetof(struct ik_ctl_welcome, node_count), 112);
	assert_int_equal(offsetof(struct ik_ctl_welcome, nodes), 120);
	assert_int_equal(sizeof(struct ik_ctl_node), 40);
	assert_int_equal(sizeof(struct ik_ctl_notice), 264);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_wraps_at_2_32),
		cmocka_unit_test(test_tail_valid_clamps),
		cmocka_unit_test(test_head_valid),
		cmocka_unit_test(test_slot_masks),
		cmocka_unit_test(test_seq_states),
		cmocka_unit_test(test_pow2),
		cmocka_unit_test(test_default_geometry_valid),
		cmocka_unit_test(test_bad_geometries),
		cmocka_unit_test(test_abi_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
