/* SPDX-License-Identifier: MIT */
/*
 * The device files' driver queues (fuse_front.h): who may run a driver call now, who waits
 * without a thread, who is refused, and how an interrupted request is answered at once.
 *
 * A job's life: made by a FUSE worker (ff_job_new), armed for interrupts and run at once or
 * queued (ff_job_submit); run by that worker or by the thread that ends another job of the
 * same driver (run_jobs); answered by its run function through ff_job_claim, unless an
 * interrupt answered it first (on_interrupt: EINTR at once; a queued job is dropped, a running
 * one has its call cancelled on a thread of its own, since a cancel waits for the driver).
 *
 * References: the runner's (made by ff_job_new; the queue holds it while the job waits) and
 * the interrupt hook's (while libfuse may call on_interrupt: dropped by the interrupt that
 * answers, or by ff_job_claim once it disarmed the hook). Lock order: q->lock, then nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_front.h"
#include "ikernel/ikernel.h"

static struct ff_drvq queues[SUPER_MAX_DRIVERS];
static unsigned nqueues;

/* ---- queues and users --------------------------------------------------------------------- */

/* Start-up only (no worker runs yet): forget the last front end's queues. */
void ff_queues_reset(void)
{
	for (unsigned i = 0; i < nqueues; i++)
		pthread_mutex_destroy(&queues[i].lock);
	nqueues = 0;
}

struct ff_drvq *ff_queue_of(struct drv *d)
{
	for (unsigned i = 0; i < nqueues; i++)
		if (queues[i].d == d)
			return &queues[i];
	if (nqueues == SUPER_MAX_DRIVERS)
		return NULL;
	struct ff_drvq *q = &queues[nqueues++];
	memset(q, 0, sizeof(*q));
	q->d = d;
	pthread_mutex_init(&q->lock, NULL);
	q->queue.next = q->queue.prev = &q->queue;
	return q;
}

static void user_maybe_free_locked(struct ff_user *u)
{
	if (!u->files && !u->running && !u->queued)
		u->used = false;
}

static struct ff_user *user_find_locked(struct ff_drvq *q, uid_t uid)
{
	struct ff_user *free_slot = NULL;
	unsigned own = 0;

	for (unsigned i = 0; i < FF_USERS; i++) {
		struct ff_user *u = &q->users[i];
		if (u->used && u->uid == uid)
			return u;
		if (u->used && u->domain)
			own++;
		if (!u->used && !free_slot)
			free_slot = u;
	}
	if (!free_slot)
		return NULL;
	/* The first users get a connection (file table, request slots) of their own. A domain is
	 * the uid + 1: never 0 (ik_open's, and the shared one's) for a real uid. */
	*free_slot = (struct ff_user){.used = true, .uid = uid,
				      .domain = own < FF_OWN_DOMAINS ? (unsigned)uid + 1 : 0};
	return free_slot;
}

struct ff_user *ff_user_file(struct ff_drvq *q, uid_t uid, int *err)
{
	pthread_mutex_lock(&q->lock);
	struct ff_user *u = user_find_locked(q, uid);
	if (u && !u->domain && u->files >= FF_SHARED_FILES) {
		user_maybe_free_locked(u);
		u = NULL;
	}
	if (u)
		u->files++;
	pthread_mutex_unlock(&q->lock);
	*err = u ? 0 : EMFILE;
	return u;
}

void ff_user_unfile(struct ff_drvq *q, struct ff_user *u)
{
	pthread_mutex_lock(&q->lock);
	u->files--;
	user_maybe_free_locked(u);
	pthread_mutex_unlock(&q->lock);
}

static bool room_locked(const struct ff_drvq *q, const struct ff_user *u)
{
	return q->running < FF_DRV_RUNNING &&
	       u->running < (u->domain ? FF_USER_RUNNING : FF_SHARED_RUNNING);
}

static void unqueue_locked(struct ff_job *j)
{
	j->prev->next = j->next;
	j->next->prev = j->prev;
	j->u->queued--;
	j->u->queued_bytes -= j->copy ? j->data_len : 0;
}

/* The first queued job that may run now, marked running; or NULL. */
static struct ff_job *next_runnable_locked(struct ff_drvq *q)
{
	for (struct ff_job *j = q->queue.next; j != &q->queue; j = j->next) {
		if (!room_locked(q, j->u))
			continue;
		unqueue_locked(j);
		j->at = FJ_RUNNING;
		q->running++;
		j->u->running++;
		return j;
	}
	return NULL;
}

/* ---- jobs ------------------------------------------------------------------------------------ */

struct ff_job *ff_job_new(fuse_req_t req, struct ff_drvq *q, struct ff_user *u,
			  struct ff_file *f, ff_run_fn *run)
{
	struct ff_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->tok = req ? ik_cancel_token_new() : NULL;
	if (req && !j->tok) {
		free(j);
		return NULL;
	}
	j->refs = 1;
	j->answered = req ? 0 : 1; /* a release owes no answer: replied before it runs */
	j->req = req;
	j->q = q;
	j->u = u;
	j->f = f;
	j->run = run;
	if (f)
		__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return j;
}

static void job_put(struct ff_job *j)
{
	if (__atomic_sub_fetch(&j->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	ik_cancel_token_free(j->tok);
	if (j->f)
		ff_file_put(j->f);
	free(j->copy);
	free(j);
}

static void *cancel_thread(void *arg)
{
	struct ff_job *j = arg;

	ik_cancel(j->tok); /* waits for the driver's answer to the cancel (bounded: the grace) */
	job_put(j);
	return NULL;
}

/* Cancel the job's call (begun or not) without waiting here for the driver. */
static void cancel_call(struct ff_job *j)
{
	pthread_attr_t a;
	pthread_t t;

	__atomic_add_fetch(&j->refs, 1, __ATOMIC_RELAXED);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 * 1024);
	if (pthread_create(&t, &a, cancel_thread, j) != 0)
		cancel_thread(j); /* no thread: wait here rather than not cancel */
	pthread_attr_destroy(&a);
}

/* The request was interrupted and nobody answered it yet: EINTR now, then drop or cancel. We
 * hold the hook's reference. */
static void interrupt(struct ff_job *j)
{
	if (__atomic_exchange_n(&j->answered, 1, __ATOMIC_ACQ_REL))
		return; /* answered meanwhile: ff_job_claim is disarming us */
	fuse_reply_err(j->req, EINTR);
	struct ff_drvq *q = j->q;
	pthread_mutex_lock(&q->lock);
	enum ff_job_at at = j->at;
	if (at == FJ_QUEUED) {
		unqueue_locked(j);
		j->at = FJ_DROPPED;
		user_maybe_free_locked(j->u);
	}
	pthread_mutex_unlock(&q->lock);
	if (at == FJ_QUEUED) {
		if (j->undo)
			j->undo(j);
		job_put(j); /* the runner's: it never runs */
	} else {
		cancel_call(j);
	}
	job_put(j); /* the hook's */
}

static __thread struct ff_job *arming;

/* libfuse calls this with the request's lock held: from the worker that reads the kernel's
 * INTERRUPT, or from fuse_req_interrupt_func when the request was interrupted before. */
static void on_interrupt(fuse_req_t req, void *data)
{
	struct ff_job *j = data;

	(void)req;
	if (arming == j) {
		/* Inside fuse_req_interrupt_func: answering here would free the request under it. */
		j->early_interrupt = true;
		return;
	}
	interrupt(j);
}

bool ff_job_claim(struct ff_job *j)
{
	if (__atomic_exchange_n(&j->answered, 1, __ATOMIC_ACQ_REL))
		return false;
	/* Waits for an on_interrupt running now (it lost), and no other can start. */
	fuse_req_interrupt_func(j->req, NULL, NULL);
	job_put(j); /* the hook's; the runner still holds its own */
	return true;
}

void ff_job_reply_err(struct ff_job *j, int err)
{
	if (ff_job_claim(j))
		fuse_reply_err(j->req, err);
}

/* Run j, then every queued job of its driver that has room, until none has. */
static void run_jobs(struct ff_job *j)
{
	struct ff_drvq *q = j->q;

	while (j) {
		ik_cancel_arm(j->tok);
		j->run(j);
		ik_cancel_arm(NULL);
		pthread_mutex_lock(&q->lock);
		q->running--;
		j->u->running--;
		user_maybe_free_locked(j->u);
		struct ff_job *next = next_runnable_locked(q);
		pthread_mutex_unlock(&q->lock);
		job_put(j);
		j = next;
	}
}

/* A job's data pointed into the worker's request buffer: a queued job needs its own. */
static int keep_data_locked(struct ff_job *j)
{
	if (!j->data || !j->data_len)
		return 0;
	if (j->req && j->u->queued_bytes + j->data_len > FF_QUEUE_BYTES)
		return -EAGAIN;
	j->copy = malloc(j->data_len);
	if (!j->copy)
		return -ENOMEM;
	memcpy(j->copy, j->data, j->data_len);
	j->data = j->copy;
	j->u->queued_bytes += j->data_len;
	return 0;
}

static void refuse(struct ff_job *j, int err)
{
	ff_job_reply_err(j, err);
	if (j->undo)
		j->undo(j);
	job_put(j);
}

void ff_job_submit(struct ff_job *j)
{
	struct ff_drvq *q = j->q;

	if (j->req) {
		__atomic_add_fetch(&j->refs, 1, __ATOMIC_RELAXED); /* the hook's */
		arming = j;
		fuse_req_interrupt_func(j->req, on_interrupt, j);
		arming = NULL;
		if (j->early_interrupt)
			interrupt(j);
	}
	pthread_mutex_lock(&q->lock);
	if (__atomic_load_n(&j->answered, __ATOMIC_ACQUIRE) && j->req) {
		/* Interrupted already (the interrupt saw it unqueued: it only cancelled it). */
		j->at = FJ_DROPPED;
		pthread_mutex_unlock(&q->lock);
		if (j->undo)
			j->undo(j);
		job_put(j);
		return;
	}
	if (room_locked(q, j->u)) {
		j->at = FJ_RUNNING;
		q->running++;
		j->u->running++;
		pthread_mutex_unlock(&q->lock);
		run_jobs(j);
		return;
	}
	/* No room: wait without a thread, within the user's share. A release (no request) is
	 * never refused: it is bounded by the files, and must happen. */
	int err = j->req && j->u->queued >= FF_USER_QUEUED ? -EAGAIN : keep_data_locked(j);
	if (err) {
		pthread_mutex_unlock(&q->lock);
		refuse(j, -err);
		return;
	}
	j->at = FJ_QUEUED;
	j->u->queued++;
	j->prev = q->queue.prev;
	j->next = &q->queue;
	q->queue.prev->next = j;
	q->queue.prev = j;
	pthread_mutex_unlock(&q->lock);
}
