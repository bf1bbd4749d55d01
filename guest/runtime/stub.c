/* SPDX-License-Identifier: MIT */
/*
 * The guest stub, ring side: channels come and go on monitor events; the scheduler calls
 * ik_stub_poll() every pass to take new SQEs. Each SQE is copied to a local first (the client
 * may rewrite the slot at any time), validated, and run on a worker thread; completions go
 * to the CQ, and the client's doorbell rings only if it said it sleeps.
 *
 * Flow control without trusting the client: a request is taken only when a CQ slot is
 * guaranteed for it ((cq_tail - cq_head) + inflight < cq_entries) and a thread is free;
 * otherwise it stays in the ring until one is.
 */
#include "stub.h"

struct ik_chan ik_chans[IK_MAX_CHANNELS];
struct ik_chan_geometry ik_geom;
static unsigned nchans;
static bool doorbell_ok;
static const struct ik_bootinfo *boot; /* read-only to us; the monitor writes the grants */
static struct ik_req reqs[IK_MAX_THREADS];

void ik_stub_init(const struct ik_bootinfo *bi)
{
	ik_geom = bi->chan;
	nchans = bi->max_channels < IK_MAX_CHANNELS ? bi->max_channels : IK_MAX_CHANNELS;
	doorbell_ok = (bi->features & IK_FEAT_DOORBELL) != 0;
	boot = bi;
	if (nchans && !ik_geometry_valid(&ik_geom))
		ik_panic_at(IK_PANIC_PANIC, __FILE__, __LINE__,
			    "boot info: invalid channel geometry (size %u sq %u cq %u data %u x %u)",
			    ik_geom.size, ik_geom.sq_entries, ik_geom.cq_entries, ik_geom.data_count,
			    ik_geom.data_size);
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		ik_chans[i].id = i;
}

/* ---- completions ------------------------------------------------------------------------ */

void ik_stub_complete(struct ik_chan *ch, uint64_t user_data, int64_t result, uint64_t pos)
{
	uint32_t index = ch->cq_tail;
	struct ik_cqe *cqe = &ch->cqes[ik_ring_slot(index, ik_geom.cq_entries)];

	/* The request's port writes reach the device before its client hears it is done; writes
	 * all to lazy registers (a transmit tail) at the scheduler's next pass, with those of the
	 * other requests of this pass. */
	ik_pio_flush_unless_lazy();
	cqe->user_data = user_data;
	cqe->result = result;
	cqe->pos = pos;
	cqe->flags = 0;
	ch->cq_tail++;
	/* The tail, then the entry's seq (abi.h): the client polls the seq, its slow path the
	 * tail, and the tail is never behind a published seq. */
	ik_store_release(&ch->hdr->cq_tail, ch->cq_tail);
	ik_store_release(&cqe->seq, ik_ring_seq(index));
	ik_fence_seq_cst(); /* publish, then look at the client's sleep flag (ring.h) */
	if (doorbell_ok && ik_load_relaxed(&ch->hdr->client_waiting))
		ik_plat_doorbell(ch->id);
	if (--ch->inflight == 0)
		ik_waitq_wake(&ch->drained, 0);
}

/* ---- channel lifecycle ----------------------------------------------------------------- */

static void chan_setup(struct ik_chan *ch)
{
	uintptr_t base = (uintptr_t)(IK_GPA_CHAN_BASE + (uint64_t)ch->id * IK_CHAN_STRIDE);
	unsigned id = ch->id;

	*ch = (struct ik_chan){ .id = id };
	/* What the monitor granted this channel's client (written before it announced the
	 * channel); an old monitor checks nothing, so neither do we. */
	if (boot->features & IK_FEAT_CHAN_ACCESS) {
		ch->may_read = __atomic_load_n(&boot->chan_read[id], __ATOMIC_ACQUIRE);
		ch->may_write = __atomic_load_n(&boot->chan_write[id], __ATOMIC_ACQUIRE);
	} else {
		ch->may_read = ch->may_write = 0xffff;
	}
	ch->hdr = (struct ik_ring_hdr *)(base + ik_geom.hdr_off);
	ch->sqes = (struct ik_sqe *)(base + ik_geom.sqes_off);
	ch->cqes = (struct ik_cqe *)(base + ik_geom.cqes_off);
	ch->data = base + ik_geom.data_off;
	/* A fresh channel region is zero; our indices start there too. */
	ik_store_relaxed(&ch->hdr->guest_idle, 0);
	ch->active = true;
}

void ik_stub_chan_opened(uint64_t mask)
{
	for (unsigned i = 0; i < nchans; i++) {
		if (!(mask & (1ull << i)))
			continue;
		if (ik_chans[i].active) {
			ik_printf("stub: channel %u opened again while still in use; ignored\n", i);
			continue;
		}
		chan_setup(&ik_chans[i]);
	}
}

static void chan_released(struct ik_chan *ch)
{
	struct ik_hc_chan hc = { .chan = ch->id };

	ch->active = false;
	ik_hypercall(IK_HC_CHAN_RELEASED, &hc);
}

/* Closer thread: wait until the channel's requests are done, release its files, tell the
 * monitor. Release may sleep (a driver taking a mutex), hence a thread. */
static void chan_closer(void *arg)
{
	struct ik_chan *ch = arg;
	struct ik_waiter w;

	while (ch->inflight) {
		ik_waitq_add(&ch->drained, &w);
		if (ch->inflight)
			ik_sleep_until(IK_WAIT_FOREVER, false);
		ik_waitq_remove(&ch->drained, &w);
	}
	for (unsigned i = 0; i < IK_FILES_PER_CHAN; i++) {
		struct ik_file *f = &ch->files[i];

		if (f->state == F_OPEN)
			ik_file_release(ch, f);
	}
	chan_released(ch);
}

/* Start the closer of a closing channel once a thread is free. */
static bool chan_start_closer(struct ik_chan *ch)
{
	if (!ch->active || !ch->closing || ch->closer_running)
		return false;
	if (!ik_thread_spawn(chan_closer, ch, "ik-close"))
		return false;
	ch->closer_running = true;
	return true;
}

void ik_stub_chan_closing(uint64_t mask)
{
	for (unsigned i = 0; i < nchans; i++) {
		struct ik_chan *ch = &ik_chans[i];

		if (!(mask & (1ull << i)))
			continue;
		if (!ch->active) {
			/* never set up (or already gone): nothing of ours to release */
			chan_released(ch);
			continue;
		}
		if (ch->closing)
			continue;
		ch->closing = true;
		/* The client is gone: nobody waits for these requests any more. */
		for (unsigned r = 0; r < IK_ARRAY_SIZE(reqs); r++)
			if (reqs[r].used && reqs[r].ch == ch)
				ik_thread_interrupt(reqs[r].thread);
		chan_start_closer(ch);
	}
}

/* ---- taking requests ------------------------------------------------------------------- */

static struct ik_req *req_alloc(void)
{
	for (unsigned i = 0; i < IK_ARRAY_SIZE(reqs); i++)
		if (!reqs[i].used)
			return &reqs[i];
	return NULL;
}

/* Map the kernel-internal restart codes to what a user process sees. */
static int64_t user_result(int64_t r)
{
	if (r == -IK_ERESTARTSYS || r == -IK_ERESTARTNOINTR || r == -IK_ERESTARTNOHAND ||
	    r == -IK_ERESTART_RESTARTBLOCK)
		return -IK_EINTR;
	if (r == -IK_ENOIOCTLCMD)
		return -IK_ENOTTY;
	return r;
}

static void req_worker(void *arg)
{
	struct ik_req *r = arg;
	uint64_t pos = r->sqe.pos;
	int64_t result;

	ik_fault_call_hook(); /* an injected fault fires here, inside the driver call */
	result = ik_req_execute(r, &pos);

	ik_thread_set_window(ik_current(), 0, 0);
	if (r->file)
		ik_file_put(r->file);
	ik_stub_complete(r->ch, r->sqe.user_data, user_result(result), pos);
	r->used = false;
}

/* Drop a request's pin; a RELEASE waiting for the other users (it holds one) may go on. */
void ik_file_put(struct ik_file *f)
{
	if (--f->users <= 1)
		ik_waitq_wake(&f->unused, 0);
}

static struct ik_file *file_lookup(struct ik_chan *ch, uint32_t fh)
{
	uint32_t idx = fh & ((1u << IK_FH_INDEX_BITS) - 1u);
	struct ik_file *f;

	if (idx >= IK_FILES_PER_CHAN)
		return NULL;
	f = &ch->files[idx];
	if (f->state != F_OPEN || f->gen != fh >> IK_FH_INDEX_BITS)
		return NULL;
	return f;
}

/* Check an SQE; 0 if it may run. Requests on a file pin it (for RELEASE: mark it). */
static int sqe_check(struct ik_chan *ch, const struct ik_sqe *s, struct ik_file **file)
{
	void *ctx;

	*file = NULL;
	if (s->op >= IK_OP__COUNT)
		return -IK_EINVAL;
	if (s->buf != IK_BUF_NONE && s->buf >= ik_geom.data_count)
		return -IK_EINVAL;
	if (s->len > ik_geom.data_size || (s->len && s->buf == IK_BUF_NONE))
		return -IK_EINVAL;
	switch (s->op) {
	case IK_OP_NOP:
	case IK_OP_CANCEL:
		return 0;
	case IK_OP_OPEN:
		return ik_node_ops_of(s->node, &ctx) ? 0 : -IK_ENODEV;
	default:
		*file = file_lookup(ch, s->fh);
		return *file ? 0 : -IK_EBADF;
	}
}

/* CANCEL: interrupt the worker serving `user_data` on this channel. */
static int64_t cancel(struct ik_chan *ch, uint64_t user_data)
{
	int64_t result = -IK_ENOENT;

	for (unsigned i = 0; i < IK_ARRAY_SIZE(reqs); i++) {
		struct ik_req *r = &reqs[i];

		if (r->used && r->ch == ch && r->sqe.user_data == user_data) {
			ik_thread_interrupt(r->thread);
			result = 0;
		}
	}
	return result;
}

/* Is there room for one more completion, counting those promised to running requests, if the
 * client has consumed up to `head`? */
static bool cq_room_at(const struct ik_chan *ch, uint32_t head)
{
	return ik_ring_pending(head, ch->cq_tail) + ch->inflight < ik_geom.cq_entries;
}

/*
 * Room for one more completion. The client's cq_head is read (and validated) only when the
 * value seen last says the ring may be full: cq_head sits on a line the client writes at every
 * completion it takes, and reading it each time cost one more cross-core cache-line transfer
 * per request (docs/PERFORMANCE.md). A stale value only under-counts the room.
 */
static bool cq_has_room(struct ik_chan *ch)
{
	uint32_t head;

	if (cq_room_at(ch, ch->cq_head_seen))
		return true;
	head = ik_load_acquire(&ch->hdr->cq_head);
	if (!ik_ring_head_valid(head, ch->cq_tail, ik_geom.cq_entries) ||
	    ik_ring_pending(head, ch->cq_tail) > ik_ring_pending(ch->cq_head_seen, ch->cq_tail)) {
		ik_printf("stub: channel %u: client cq_head %u out of range (cq_tail %u); channel stopped\n",
			  ch->id, head, ch->cq_tail);
		ch->broken = true;
		return false;
	}
	ch->cq_head_seen = head;
	return cq_room_at(ch, head);
}

/* The client's published tail, or sq_head when there is nothing (or garbage) to read. */
static uint32_t sq_tail_of(struct ik_chan *ch)
{
	uint32_t tail = ik_load_acquire(&ch->hdr->sq_tail);

	if (!ik_ring_tail_valid(ch->sq_head, tail, ik_geom.sq_entries)) {
		ik_printf("stub: channel %u: client sq_tail %u out of range (sq_head %u); channel stopped\n",
			  ch->id, tail, ch->sq_head);
		ch->broken = true;
		return ch->sq_head;
	}
	return tail;
}

/* The seq of the next SQE, judged (read once; a value the client cannot have written stops
 * the channel, like a bad tail). */
static enum ik_seq_state sq_poll(struct ik_chan *ch)
{
	uint32_t seq = ik_load_acquire(&ch->sqes[ik_ring_slot(ch->sq_head, ik_geom.sq_entries)].seq);
	enum ik_seq_state st = ik_ring_seq_state(seq, ch->sq_head, ik_geom.sq_entries);

	if (st == IK_SEQ_BAD) {
		ik_printf("stub: channel %u: client SQE %u has sequence number %u (expected %u); channel stopped\n",
			  ch->id, ch->sq_head, seq, ik_ring_seq(ch->sq_head));
		ch->broken = true;
	}
	return st;
}

/*
 * How many SQEs may be taken now. The hot path reads only the next entry's seq (one line the
 * client wrote); the tail is read (and clamped) on the slow path only -- after IK_SQ_TAIL_EVERY
 * empty polls with no seq in between, and before sleeping -- since each read of its line makes
 * the client's next store to it a cross-core transfer. The tail serves a client that writes no
 * seqs (docs/ABI.md) and catches a forged one. Returns 0 when nothing (or the channel broke).
 */
#define IK_SQ_TAIL_EVERY 1024u

static uint32_t sq_available(struct ik_chan *ch, bool slow)
{
	enum ik_seq_state st = sq_poll(ch);
	uint32_t n;

	if (st == IK_SEQ_BAD)
		return 0;
	if (st == IK_SEQ_READY) {
		ch->sq_tail_only = false;
		ch->polls_since_tail = 0; /* a client that writes seqs: its tail is not needed */
	}
	if (slow || ch->sq_tail_only ||
	    (st == IK_SEQ_EMPTY && ++ch->polls_since_tail >= IK_SQ_TAIL_EVERY)) {
		ch->polls_since_tail = 0;
		ch->sq_tail_seen = sq_tail_of(ch); /* validated; sq_head if garbage */
	}
	/* What the last tail read covers (kept, so that entries the idle check saw are taken by
	 * the next poll); none once sq_head has passed it by seqs. */
	n = ik_ring_pending(ch->sq_head, ch->sq_tail_seen);
	if (n > ik_geom.sq_entries)
		n = 0;
	/* Published by the tail alone: a client that writes no seqs (or one caught between its
	 * two stores). Read its tail at every poll until a seq shows up. */
	if (n && st == IK_SEQ_EMPTY)
		ch->sq_tail_only = true;
	return n ? n : st == IK_SEQ_READY;
}

static bool chan_serving(const struct ik_chan *ch)
{
	return ch->active && !ch->closing && !ch->broken;
}

/* Take one SQE; false when it has to stay in the ring for now. */
static bool take_one(struct ik_chan *ch)
{
	struct ik_sqe s;
	struct ik_file *file;
	struct ik_req *r;
	struct ik_thread *worker = NULL;
	int err;

	if (!cq_has_room(ch))
		return false;
	memcpy(&s, &ch->sqes[ik_ring_slot(ch->sq_head, ik_geom.sq_entries)], sizeof(s));
	err = sqe_check(ch, &s, &file);
	if (err == 0 && s.op != IK_OP_NOP && s.op != IK_OP_CANCEL) {
		struct ik_thread *t;

		r = req_alloc();
		t = r ? ik_thread_create(req_worker, r, "ik-req") : NULL;
		if (!t)
			return false; /* no worker: leave it in the ring */
		*r = (struct ik_req){ .used = true, .ch = ch, .sqe = s, .file = file, .thread = t };
		worker = t;
		if (file) {
			file->users++;
			if (s.op == IK_OP_RELEASE)
				file->state = F_RELEASING; /* later requests on this fh: -EBADF */
		}
	}
	ch->sq_head++;
	ik_store_release(&ch->hdr->sq_head, ch->sq_head);
	ch->inflight++;
	/* Run the driver call now, on its own thread (it may sleep: the scheduler then goes on
	 * from here). Queueing it cost a pass over the other channels and the run queue first:
	 * ~10 ns of every call (docs/PERFORMANCE.md). */
	if (worker)
		ik_thread_run_now(worker);
	if (err)
		ik_stub_complete(ch, s.user_data, err, s.pos);
	else if (s.op == IK_OP_NOP)
		ik_stub_complete(ch, s.user_data, 0, s.pos);
	else if (s.op == IK_OP_CANCEL)
		ik_stub_complete(ch, s.user_data, cancel(ch, s.off), s.pos);
	return true;
}

/*
 * Requests one channel may start in one scheduler pass. Each runs at once (take_one), and a
 * client that submits as fast as requests complete (a FUSE front end with many threads) kept
 * the ring from ever running dry: the pass never ended, so timers, interrupts, the run queue
 * and the heartbeat starved (a CPU-bound driver was then ended as hung though every call was
 * answered). With a budget the scheduler comes round between bursts; the rest waits one pass.
 */
#define IK_STUB_TAKE_BUDGET 16u

unsigned ik_stub_poll(void)
{
	unsigned started = 0;

	for (unsigned i = 0; i < nchans; i++) {
		struct ik_chan *ch = &ik_chans[i];
		unsigned budget = IK_STUB_TAKE_BUDGET;

		if (ch->active && ch->closing && !ch->closer_running)
			started += chan_start_closer(ch);
		if (!chan_serving(ch))
			continue;
		while (budget && chan_serving(ch) && sq_available(ch, false) && take_one(ch)) {
			started++;
			budget--;
		}
	}
	return started;
}

bool ik_stub_has_work(void)
{
	bool thread_free = ik_threads_free() > 0;

	for (unsigned i = 0; i < nchans; i++) {
		struct ik_chan *ch = &ik_chans[i];

		if (!thread_free)
			break;
		if (ch->active && ch->closing && !ch->closer_running)
			return true;
		if (chan_serving(ch) && sq_available(ch, true) && cq_has_room(ch))
			return true;
	}
	return false;
}

void ik_stub_set_idle(uint32_t idle)
{
	for (unsigned i = 0; i < nchans; i++)
		if (ik_chans[i].active)
			ik_store_relaxed(&ik_chans[i].hdr->guest_idle, idle);
}
