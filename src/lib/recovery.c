/* SPDX-License-Identifier: MIT */
/*
 * Transparent recovery: per-handle records, replay on a restarted driver (recovery.h).
 * Each record has two locks: `lock` guards the recorded state (taken briefly by every
 * state-setting call), `recover_lock` makes the threads that find the handle's driver dead
 * recover it once: the first reopens and replays, the others find the handle already moved.
 */
#include "recovery.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drvstate.h"
#include "engine.h"
#include "handles.h"

#define IK_REC_SHADOW_MAX (1u << 20) /* write:all keeps at most 1 MiB of written bytes */
/* Between attempts to reach the restarted driver: every 100 µs for the first 20 ms (a driver VM
 * is back within a few milliseconds; a connect() that fails, no socket yet, costs a few µs),
 * then doubling to 2 ms. */
#define IK_REC_RETRY_FAST_NS 100000ull
#define IK_REC_RETRY_FAST_FOR_NS 20000000ull
#define IK_REC_RETRY_MAX_NS 2000000ull
#define IK_REC_MAX_REISSUE 8u        /* a call re-issued this often gives up (-EIO) */

struct ik_rec_ioctl {
	uint32_t cmd, len;
	uint64_t raw, seq;
	uint8_t data[256]; /* state ioctl arguments are small; larger ones are not recorded */
};

struct ik_rec {
	int refs; /* atomic */
	pthread_mutex_t lock;
	pthread_mutex_t recover_lock;
	char node[IK_NAME_MAX];
	int flags;
	uint64_t seq; /* order of the recorded calls */
	uint32_t nioctls;
	struct ik_rec_ioctl ioctls[IK_REC_MAX_IOCTLS];
	/* write:last */
	uint8_t *last;
	uint32_t last_len;
	uint64_t last_pos, last_seq;
	/* write:all: every byte written, [0, shadow_len) with a validity map */
	uint8_t *shadow, *valid;
	uint64_t shadow_len, shadow_seq;
	bool too_much; /* more state than we keep: recovery of this file fails */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct ik_rec *ik_rec_new(const char *name, int flags)
{
	struct ik_rec *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->refs = 1;
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->recover_lock, NULL);
	strncpy(r->node, name, sizeof(r->node) - 1);
	r->flags = flags;
	return r;
}

void ik_rec_ref(struct ik_rec *r)
{
	__atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
}

void ik_rec_put(struct ik_rec *r)
{
	if (!r || __atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	free(r->last);
	free(r->shadow);
	free(r->valid);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->recover_lock);
	free(r);
}

/* ---- recording ----------------------------------------------------------------------------- */

static void note_ioctl(struct ik_rec *r, const struct ik_call *call)
{
	uint32_t cmd = (uint32_t)call->arg;
	struct ik_rec_ioctl *e = NULL;

	if (call->in_len > sizeof(e->data)) {
		r->too_much = true;
		return;
	}
	for (uint32_t i = 0; i < r->nioctls; i++)
		if (r->ioctls[i].cmd == cmd)
			e = &r->ioctls[i];
	if (!e && r->nioctls < IK_REC_MAX_IOCTLS)
		e = &r->ioctls[r->nioctls++];
	if (!e) {
		r->too_much = true;
		return;
	}
	e->cmd = cmd;
	e->raw = call->off;
	e->len = call->len;
	e->seq = ++r->seq;
	memset(e->data, 0, sizeof(e->data));
	if (call->in_len)
		memcpy(e->data, call->in, call->in_len);
}

static void note_last_write(struct ik_rec *r, const struct ik_call *call, uint32_t n)
{
	uint8_t *copy = malloc(n ? n : 1);

	if (!copy) {
		r->too_much = true;
		return;
	}
	memcpy(copy, call->in, n);
	free(r->last);
	r->last = copy;
	r->last_len = n;
	r->last_pos = call->pos;
	r->last_seq = ++r->seq;
}

static int shadow_grow(struct ik_rec *r, uint64_t end)
{
	uint64_t len = r->shadow_len ? r->shadow_len : 4096;

	while (len < end)
		len *= 2;
	uint8_t *s = realloc(r->shadow, len), *v;
	if (!s)
		return -ENOMEM;
	r->shadow = s;
	v = realloc(r->valid, len);
	if (!v)
		return -ENOMEM;
	r->valid = v;
	memset(r->valid + r->shadow_len, 0, len - r->shadow_len);
	r->shadow_len = len;
	return 0;
}

static void note_all_writes(struct ik_rec *r, const struct ik_call *call, uint32_t n)
{
	uint64_t end = call->pos + n;

	if (end < call->pos || end > IK_REC_SHADOW_MAX) {
		r->too_much = true;
		return;
	}
	if (end > r->shadow_len && shadow_grow(r, end) < 0) {
		r->too_much = true;
		return;
	}
	memcpy(r->shadow + call->pos, call->in, n);
	memset(r->valid + call->pos, 1, n);
	r->shadow_seq = ++r->seq;
}

/* A call succeeded with result `res`: keep what rebuilding the file needs. */
static void rec_note(struct ik_rec *r, const struct ik_recovery_policy *p,
		     const struct ik_call *call, int64_t res)
{
	if (!r || !p->transparent)
		return;
	pthread_mutex_lock(&r->lock);
	if (call->op == IK_OP_IOCTL && ik_recovery_state_ioctl(p, (uint32_t)call->arg)) {
		note_ioctl(r, call);
	} else if (call->op == IK_OP_WRITE && res > 0 && call->in) {
		uint32_t n = (uint64_t)res < call->in_len ? (uint32_t)res : call->in_len;
		if (p->state_writes == IK_REC_WRITES_LAST)
			note_last_write(r, call, n);
		else if (p->state_writes == IK_REC_WRITES_ALL)
			note_all_writes(r, call, n);
	}
	pthread_mutex_unlock(&r->lock);
}

/* ---- replay -------------------------------------------------------------------------------- */

static int replay_ioctl(struct ik_conn *c, uint32_t fh, const struct ik_rec_ioctl *e)
{
	struct ik_call call = {
		.op = IK_OP_IOCTL, .fh = fh, .arg = e->cmd, .off = e->raw, .len = e->len,
		.use_buf = e->len > 0, .in = e->data, .in_len = e->len,
	};
	int64_t res = ik_call(c, &call);
	return res == -EIO ? -EIO : 0; /* the driver's own answer is its business */
}

static int replay_write(struct ik_conn *c, uint32_t fh, const uint8_t *data, uint64_t len,
			uint64_t pos)
{
	uint32_t max = c->ch.geo.data_size;

	while (len) {
		uint32_t n = len < max ? (uint32_t)len : max;
		struct ik_call call = {.op = IK_OP_WRITE, .fh = fh, .pos = pos, .len = n,
				       .use_buf = true, .in = data, .in_len = n};
		int64_t res = ik_call(c, &call);
		if (res == -EIO)
			return -EIO;
		if (res <= 0)
			return 0;
		data += res;
		pos += (uint64_t)res;
		len -= (uint64_t)res;
	}
	return 0;
}

static int replay_shadow(struct ik_conn *c, uint32_t fh, const struct ik_rec *r)
{
	for (uint64_t i = 0; i < r->shadow_len;) {
		if (!r->valid[i]) {
			i++;
			continue;
		}
		uint64_t j = i;
		while (j < r->shadow_len && r->valid[j])
			j++;
		int err = replay_write(c, fh, r->shadow + i, j - i, i);
		if (err)
			return err;
		i = j;
	}
	return 0;
}

/* Replay the record on the new file, in the order the calls were made (r->lock held). */
static int replay(struct ik_conn *c, uint32_t fh, struct ik_rec *r)
{
	uint64_t done = 0;

	for (;;) {
		/* The next item after `done` in sequence order. */
		uint64_t best = UINT64_MAX;
		int which = -2; /* -1: write, >= 0: ioctl index */
		for (uint32_t i = 0; i < r->nioctls; i++)
			if (r->ioctls[i].seq > done && r->ioctls[i].seq < best) {
				best = r->ioctls[i].seq;
				which = (int)i;
			}
		uint64_t wseq = r->last ? r->last_seq : r->shadow ? r->shadow_seq : 0;
		if (wseq > done && wseq < best) {
			best = wseq;
			which = -1;
		}
		if (which == -2)
			return 0;
		int err;
		if (which >= 0)
			err = replay_ioctl(c, fh, &r->ioctls[which]);
		else if (r->last)
			err = replay_write(c, fh, r->last, r->last_len, r->last_pos);
		else
			err = replay_shadow(c, fh, r);
		if (err)
			return err;
		done = best;
	}
}

/* Open the node on its (restarted) driver and replay: a new connection reference and fh, in
 * the dead connection's domain (domain.h). */
static int reopen(struct ik_rec *r, uint32_t domain, struct ik_conn **out, uint32_t *fh_out)
{
	struct ik_conn *c;
	uint16_t node;
	int err = ik_conn_get(r->node, domain, &c, &node);

	if (err)
		return err;
	struct ik_call open = {.op = IK_OP_OPEN, .node = node, .arg = (uint32_t)r->flags};
	int64_t fh = ik_call(c, &open);
	if (fh < 0) {
		ik_conn_put(c);
		return (int)fh;
	}
	pthread_mutex_lock(&r->lock);
	err = r->too_much ? -EIO : replay(c, (uint32_t)fh, r);
	pthread_mutex_unlock(&r->lock);
	if (err) {
		struct ik_call rel = {.op = IK_OP_RELEASE, .fh = (uint32_t)fh};
		(void)ik_call(c, &rel);
		ik_conn_put(c);
		return err;
	}
	*out = c;
	*fh_out = (uint32_t)fh;
	return 0;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000ull),
			      .tv_nsec = (long)(ns % 1000000000ull)};
	nanosleep(&ts, NULL);
}

/*
 * Move the handle (and ref) from its dead connection to a new file on the restarted driver.
 * Waits for the driver while it may come back, and no longer than the driver's down episode
 * allows (drvstate.h: every file of the driver shares one wait of recovery_wait, so a file
 * that waited once, or calls queued behind one that waited, fail at once after one attempt);
 * not at all when the supervisor says the driver is stopped or failed.
 */
static int recover(int h, struct ik_handle_ref *ref)
{
	struct ik_rec *r = ref->rec;
	uint64_t start = now_ns();
	int err;

	pthread_mutex_lock(&r->recover_lock);
	/* Another thread may have recovered this handle while we waited for the lock. */
	if (ik_handle_refresh(h, ref) == 0 && !ik_conn_is_dead(ref->conn)) {
		pthread_mutex_unlock(&r->recover_lock);
		return 0;
	}
	if (ref->rec != r) {
		pthread_mutex_unlock(&r->recover_lock);
		return -EBADF; /* closed meanwhile */
	}
	struct ik_conn *dead = ref->conn; /* its driver, socket path and wait (ref holds it) */
	for (uint64_t pause = IK_REC_RETRY_FAST_NS;;) {
		struct ik_conn *nc = NULL;
		uint32_t fh = 0;

		err = reopen(r, dead->domain, &nc, &fh);
		if (err == 0) {
			ik_down_clear(dead->key);
			err = ik_handle_replace(h, r, nc, fh, ref);
			if (err) { /* closed meanwhile: drop the new file */
				struct ik_call rel = {.op = IK_OP_RELEASE, .fh = fh};
				(void)ik_call(nc, &rel);
				ik_conn_put(nc);
			}
			break;
		}
		if (err == -EINVAL || err == -EBADF)
			break;
		/* Not reachable: is it coming back at all? (Only now: never on a normal call, and
		 * never against a driver we could reach.) */
		struct ik_drvstate st;
		ik_drvstate_get(dead->driver, false, &st);
		if (st.kind == IK_DS_DOWN) {
			err = -EIO;
			break;
		}
		uint64_t now = now_ns();
		uint64_t deadline = ik_down_deadline(dead->key, dead->policy.wait_ms, &st, now);
		if (now >= deadline)
			break;
		sleep_ns(pause < deadline - now ? pause : deadline - now);
		if (now - start >= IK_REC_RETRY_FAST_FOR_NS)
			pause = pause * 2 < IK_REC_RETRY_MAX_NS ? pause * 2 : IK_REC_RETRY_MAX_NS;
	}
	pthread_mutex_unlock(&r->recover_lock);
	return err;
}

int64_t ik_rec_call(int h, struct ik_handle_ref *ref, struct ik_call *call)
{
	for (unsigned attempt = 0;; attempt++) {
		struct ik_conn *c = ref->conn;
		bool dead_before = ik_conn_is_dead(c);

		call->fh = ref->fh;
		call->taken = false;
		int64_t res = dead_before ? -EIO : ik_call(c, call);
		if (res >= 0) {
			rec_note(ref->rec, &c->policy, call, res);
			return res;
		}
		if (res != -EIO || !ik_conn_is_dead(c) || !ref->rec || !c->policy.transparent ||
		    attempt >= IK_REC_MAX_REISSUE)
			return res;
		/* Never seen by the dead driver, or harmless to repeat: re-issue after recovery. */
		bool reissue = !call->taken ||
			       ik_recovery_idempotent(&c->policy, call->op, (uint32_t)call->arg);
		if (recover(h, ref) < 0 || !reissue)
			return -EIO;
	}
}
