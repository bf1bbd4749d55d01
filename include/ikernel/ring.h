/* SPDX-License-Identifier: MIT */
/*
 * Ring helpers shared by the guest stub and the host stub: C11-style acquire/release accessors
 * (no `volatile`) and the index arithmetic of the SPSC rings described in abi.h.
 *
 * Pairing rule: every ik_load_acquire() of an index pairs with the ik_store_release() of that
 * index by the other side; the release publishes the entry written before it, the acquire makes
 * that entry visible to the reader. Sleep/wake flags use a full fence (ik_fence_seq_cst) between
 * "publish" and "check the other side's sleep flag", so a wakeup can never be lost:
 *   producer: store entry; release tail; fence; if (load(peer_sleeping)) notify
 *   consumer: store(sleeping, 1); fence; if (tail != head) { store(sleeping, 0); consume } else sleep
 * With sequence numbers (IK_FEAT_RING_SEQ, below) the producer releases the entry's seq after
 * the tail, and the consumer's hot path acquires the seq instead of the tail: the same pairing,
 * on the entry's own cache line; "tail != head" above becomes "seq published or tail moved".
 */
#ifndef IKERNEL_RING_H
#define IKERNEL_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "abi.h"

static inline uint32_t ik_load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline uint32_t ik_load_relaxed(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void ik_store_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void ik_store_relaxed(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline void ik_fence_seq_cst(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void ik_cpu_relax(void)
{
#if defined(__x86_64__)
	__builtin_ia32_pause();
#endif
}

/* Entries the producer has published and the consumer not yet taken. */
static inline uint32_t ik_ring_pending(uint32_t head, uint32_t tail)
{
	return tail - head;
}

/*
 * A consumer's view of the producer's tail: valid only if it is at most `entries` ahead of
 * `head`. Returns false for a forged or wrapped index (a protocol violation by the producer).
 */
static inline bool ik_ring_tail_valid(uint32_t head, uint32_t tail, uint32_t entries)
{
	return ik_ring_pending(head, tail) <= entries;
}

/* A producer's view of the consumer's head: it may not move past the producer's tail, nor
 * fall more than `entries` behind it. */
static inline bool ik_ring_head_valid(uint32_t head, uint32_t tail, uint32_t entries)
{
	return ik_ring_pending(head, tail) <= entries;
}

static inline uint32_t ik_ring_slot(uint32_t index, uint32_t entries)
{
	return index & (entries - 1u);
}

/*
 * Sequence numbers (IK_FEAT_RING_SEQ): the entry for ring index i carries seq = i + 1, stored
 * with release after the entry and after the tail, so a consumer polls one line (the entry's)
 * and a zeroed slot never looks published.
 */
static inline uint32_t ik_ring_seq(uint32_t index)
{
	return index + 1u;
}

enum ik_seq_state {
	IK_SEQ_EMPTY, /* not published yet: the slot's previous lap, or never written (0) */
	IK_SEQ_READY, /* the entry for `head` is published */
	IK_SEQ_BAD,   /* a value no honest producer writes there: a protocol violation */
};

/* Judge the (hostile) seq found in slot(head) by a consumer whose next index is `head`. */
static inline enum ik_seq_state ik_ring_seq_state(uint32_t seq, uint32_t head, uint32_t entries)
{
	if (seq == ik_ring_seq(head))
		return IK_SEQ_READY;
	if (seq == ik_ring_seq(head - entries) || seq == 0)
		return IK_SEQ_EMPTY;
	return IK_SEQ_BAD;
}

static inline bool ik_is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1u)) == 0;
}

/* Validate a geometry handed over by the monitor (both sides check it before use). */
static inline bool ik_geometry_valid(const struct ik_chan_geometry *g)
{
	uint64_t data_end = (uint64_t)g->data_off + (uint64_t)g->data_count * g->data_size;

	if (!ik_is_pow2(g->sq_entries) || !ik_is_pow2(g->cq_entries))
		return false;
	if (g->cq_entries < g->sq_entries || g->data_count < g->sq_entries)
		return false;
	if (g->size == 0 || g->size > IK_CHAN_STRIDE)
		return false;
	if ((uint64_t)g->hdr_off + sizeof(struct ik_ring_hdr) > g->sqes_off)
		return false;
	if ((uint64_t)g->sqes_off + (uint64_t)g->sq_entries * sizeof(struct ik_sqe) > g->cqes_off)
		return false;
	if ((uint64_t)g->cqes_off + (uint64_t)g->cq_entries * sizeof(struct ik_cqe) > g->data_off)
		return false;
	if (g->hdr_off % 64 || g->sqes_off % 64 || g->cqes_off % 64 || g->data_off % 64)
		return false;
	return data_end <= g->size;
}

/* The default geometry: header, SQ, CQ in the first page, then the data buffers. */
static inline struct ik_chan_geometry ik_geometry_default(void)
{
	struct ik_chan_geometry g = {0};

	g.sq_entries = IK_CHAN_SQ_ENTRIES;
	g.cq_entries = IK_CHAN_CQ_ENTRIES;
	g.hdr_off = 0;
	g.sqes_off = 512;
	g.cqes_off = g.sqes_off + IK_CHAN_SQ_ENTRIES * (uint32_t)sizeof(struct ik_sqe);
	g.data_off = (uint32_t)IK_PAGE_SIZE;
	g.data_count = IK_CHAN_SQ_ENTRIES;
	g.data_size = IK_CHAN_DATA_SIZE;
	g.size = g.data_off + g.data_count * g.data_size;
	return g;
}

/* ioctl number decoding (the Linux _IOC encoding on x86), for marshalling on both sides. */
#define IK_IOC_NRBITS   8u
#define IK_IOC_TYPEBITS 8u
#define IK_IOC_SIZEBITS 14u
#define IK_IOC_DIRSHIFT 30u
#define IK_IOC_SIZESHIFT 16u
#define IK_IOC_WRITE 1u /* userland writes, driver reads: copy in */
#define IK_IOC_READ  2u /* driver writes, userland reads: copy out */

static inline uint32_t ik_ioc_dir(uint32_t cmd)
{
	return (cmd >> IK_IOC_DIRSHIFT) & 3u;
}

static inline uint32_t ik_ioc_size(uint32_t cmd)
{
	return (cmd >> IK_IOC_SIZESHIFT) & ((1u << IK_IOC_SIZEBITS) - 1u);
}

#endif /* IKERNEL_RING_H */
