/* SPDX-License-Identifier: MIT */
/*
 * The device files' internals (fuse_front.c, fuse_jobs.c, fuse_calls.c): what one driver's
 * failure may cost, and to whom.
 *
 * Every operation that reaches a driver (open, read, write, ioctl, poll, release) is a job of
 * that driver's queue (struct ff_drvq), charged to the user who made it (struct ff_user):
 *   - a driver may hold at most FF_DRV_RUNNING threads in calls, a user at most its share of
 *     them (FF_USER_RUNNING, or FF_SHARED_RUNNING in the shared domain); a job beyond waits in
 *     the queue without a thread, one beyond FF_USER_QUEUED (or FF_QUEUE_BYTES of the user's
 *     write data) fails at once with EAGAIN. The FUSE workers therefore never run out for lookups, getattr,
 *     readdir, interrupts or other drivers: a worker runs a job itself when its driver and
 *     user have room, and the thread that ends a job runs the next one that has room;
 *   - every job's FUSE request is interruptible: the kernel's INTERRUPT (a signal, SIGKILL
 *     included) answers it EINTR at once, whether it is queued (dropped) or running (its call
 *     is cancelled in the driver, IK_OP_CANCEL, on a thread of its own, and its late answer
 *     discarded; an open that still succeeds is closed again);
 *   - the first FF_OWN_DOMAINS users of a driver each get a libikernel connection of their own
 *     (domain.h): their own file table (64 files) and request slots; later users share one,
 *     with at most FF_SHARED_FILES open files each.
 */
#ifndef IKSUPER_FUSE_FRONT_H
#define IKSUPER_FUSE_FRONT_H

#define FUSE_USE_VERSION 35

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ikernel/abi.h"
#include "super.h"

#define FF_DRV_RUNNING    32                      /* calls in progress per driver */
#define FF_USER_RUNNING   (IK_CHAN_SQ_ENTRIES - 1) /* ...per user: its channel's request slots */
#define FF_SHARED_RUNNING 4                       /* ...per user of the shared domain */
#define FF_USER_QUEUED    256                     /* jobs waiting per user (then EAGAIN) */
#define FF_QUEUE_BYTES    (1u << 20)              /* write data waiting per user */
#define FF_OWN_DOMAINS    4                       /* users per driver with a channel of their own */
#define FF_SHARED_FILES   8                       /* open files per user of the shared domain */
#define FF_USERS          (64 + FF_OWN_DOMAINS)   /* users per driver at a time */

struct ff_drvq;

/* One user of one driver: what it holds and does there. Lives while any count is non-zero. */
struct ff_user {
	bool used;
	uid_t uid;
	unsigned domain;           /* libikernel domain: uid + 1 (own), 0 (shared) */
	unsigned files;            /* open, or being opened */
	unsigned running, queued;  /* jobs */
	size_t queued_bytes;       /* data of its queued jobs */
};

/* One open device file. */
struct ff_file {
	int refs;                    /* atomic: the kernel's file (until release) + jobs on it */
	int h;                       /* libikernel handle */
	struct ff_drvq *q;
	struct ff_user *u;
	pthread_mutex_t lock;        /* the poll waiter */
	struct fuse_pollhandle *ph;  /* the kernel's poll handle to notify, or NULL */
	bool waiter_running;
	bool closing;
	short waiter_events;
	pthread_t waiter;
	struct ik_cancel_token *waiter_tok;
};

enum ff_job_at { FJ_NEW, FJ_QUEUED, FJ_RUNNING, FJ_DROPPED };

struct ff_job;
typedef void ff_run_fn(struct ff_job *j);

/* One driver call on behalf of one FUSE request (or none: a release). */
struct ff_job {
	struct ff_job *prev, *next;  /* in the queue, while FJ_QUEUED */
	int refs;                    /* atomic */
	int answered;                /* atomic: the request got its answer (or needs none) */
	enum ff_job_at at;           /* under q->lock */
	bool early_interrupt;        /* interrupted while its hook was being armed */
	ff_run_fn *run;
	ff_run_fn *undo;             /* the job will not run: give back what it holds, or NULL */
	fuse_req_t req;
	struct ff_drvq *q;
	struct ff_user *u;
	struct ff_file *f;           /* holds a reference; NULL for open */
	struct ik_cancel_token *tok;
	/* the operation's arguments */
	const struct ikm_node *node; /* open */
	struct fuse_file_info fi;    /* open: flags; the rest: a copy */
	size_t size, in_size, out_size;
	off_t off;
	unsigned cmd;
	void *arg;
	const char *data;            /* write data, ioctl input: the worker's buffer or `copy` */
	size_t data_len;
	char *copy;                  /* a queued job's own copy of `data` */
	struct fuse_pollhandle *ph;
	short events;
};

/* One driver's queue and accounting. */
struct ff_drvq {
	struct drv *d;
	pthread_mutex_t lock;
	struct ff_job queue;         /* list head (circular) */
	unsigned running;
	struct ff_user users[FF_USERS];
};

/* A device file: its node and its driver's queue. */
struct ff_node {
	const struct ikm_node *n;
	struct drv *d;
	struct ff_drvq *q;
};
const struct ff_node *ff_node_of(fuse_ino_t ino); /* fuse_front.c; NULL: not a node */

/* fuse_jobs.c */
void ff_queues_reset(void);
struct ff_drvq *ff_queue_of(struct drv *d); /* d's queue, made on first use (start-up) */
/* The user making `req` on q: an entry holding one more file (reserved for an open), or NULL
 * with *err (EMFILE: the user's share is full). ff_user_unfile undoes it. */
struct ff_user *ff_user_file(struct ff_drvq *q, uid_t uid, int *err);
void ff_user_unfile(struct ff_drvq *q, struct ff_user *u);
struct ff_job *ff_job_new(fuse_req_t req, struct ff_drvq *q, struct ff_user *u,
			  struct ff_file *f, ff_run_fn *run);
/* Run now or queue (then the data the job points to is copied); answers EAGAIN when the
 * user's share is full; with a request, interruptible from now on. Consumes the job. */
void ff_job_submit(struct ff_job *j);
/* The job's call is over: true when its request still wants the answer (the caller sends
 * it), false when it was answered already (interrupted: the result is to be undone). */
bool ff_job_claim(struct ff_job *j);
void ff_job_reply_err(struct ff_job *j, int err);

void ff_file_put(struct ff_file *f);

/* fuse_calls.c: the operations that reach a driver. */
void ff_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ff_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ff_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void ff_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
	      struct fuse_file_info *fi);
void ff_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
	      struct fuse_file_info *fi, unsigned flags, const void *in_buf, size_t in_bufsz,
	      size_t out_bufsz);
void ff_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
	     struct fuse_pollhandle *ph);
unsigned ff_open_file_count(void);

#endif
