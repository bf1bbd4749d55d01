/* SPDX-License-Identifier: MIT */
/*
 * The device-file operations that reach a driver, each a job of the driver's queue
 * (fuse_jobs.c, fuse_front.h): the FUSE worker turns the request into a job (ff_open...), the
 * job's run function makes the libikernel call (run_open...) and answers unless an interrupt
 * answered first, in which case it undoes what the call did (an open's file is closed again).
 *
 *   open     -> ik_open_in (the opener's domain: its share of the driver's file table; open
 *               flags as given, O_NONBLOCK included); waits briefly for a driver that is
 *               (re)starting; ENXIO when the driver is not running
 *   read/write -> ik_pread/ik_pwrite at the kernel's file position (direct I/O: no page cache)
 *   ioctl    -> ik_ioctl; FUSE's restricted ioctls give size and direction from _IOC bits,
 *               exactly the marshalling libikernel does
 *   poll     -> ik_poll(timeout 0) for the answer, then a waiter thread per file sleeping in
 *               ik_poll(-1) that sends the poll notification when the driver reports readiness;
 *               a file of a dead driver (EIO) polls POLLERR|POLLHUP
 *   release  -> answered at once (the kernel does not wait for it, and an unanswered release
 *               would hold one of its few background slots, shared by every driver), then
 *               ik_close as a job
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "domain.h"
#include "fuse_front.h"
#include "ikernel/ikernel.h"

#define FF_OPEN_WAIT_MS 5000 /* how long an open waits for a driver that is (re)starting */

static unsigned open_files; /* atomic: opened and not released yet */

unsigned ff_open_file_count(void)
{
	return __atomic_load_n(&open_files, __ATOMIC_RELAXED);
}

static struct ff_file *file_of(struct fuse_file_info *fi)
{
	return (struct ff_file *)(uintptr_t)fi->fh;
}

void ff_file_put(struct ff_file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* A job on file f for this request, or NULL after answering ENOMEM. */
static struct ff_job *file_job(fuse_req_t req, struct ff_file *f, ff_run_fn *run)
{
	struct ff_job *j = ff_job_new(req, f->q, f->u, f, run);

	if (!j)
		fuse_reply_err(req, ENOMEM);
	return j;
}

/* ---- poll waiters ---------------------------------------------------------------------------- */

static void stop_waiter(struct ff_file *f, bool closing)
{
	pthread_mutex_lock(&f->lock);
	if (closing)
		f->closing = true;
	bool was = f->waiter_running || f->waiter_tok;
	struct ik_cancel_token *tok = f->waiter_tok;
	pthread_mutex_unlock(&f->lock);
	if (!was)
		return;
	ik_cancel(tok);
	pthread_join(f->waiter, NULL);
	pthread_mutex_lock(&f->lock);
	ik_cancel_token_free(f->waiter_tok);
	f->waiter_tok = NULL;
	f->waiter_running = false;
	if (closing && f->ph) {
		fuse_pollhandle_destroy(f->ph);
		f->ph = NULL;
	}
	pthread_mutex_unlock(&f->lock);
}

/* Sleeps in the driver until the file is ready for the events asked, then notifies the kernel
 * (which polls again). Ends on readiness, an error (a dead driver: notify too, the next poll
 * gets the error) or cancellation (release, or a poll asking for other events). */
static void *poll_waiter(void *arg)
{
	struct ff_file *f = arg;

	pthread_mutex_lock(&f->lock);
	short events = f->waiter_events;
	ik_cancel_arm(f->waiter_tok);
	pthread_mutex_unlock(&f->lock);
	int r = ik_poll(f->h, events, -1);
	ik_cancel_arm(NULL);
	pthread_mutex_lock(&f->lock);
	if (r != -EINTR && f->ph) {
		fuse_lowlevel_notify_poll(f->ph);
		fuse_pollhandle_destroy(f->ph);
		f->ph = NULL;
	}
	f->waiter_running = false; /* joined by the next arm_waiter or the release */
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* Keep the newest poll handle; (re)start the waiter when it does not cover `events`. */
static void arm_waiter(struct ff_file *f, short events, struct fuse_pollhandle *ph)
{
	pthread_mutex_lock(&f->lock);
	if (f->ph)
		fuse_pollhandle_destroy(f->ph);
	f->ph = ph;
	bool covered = f->waiter_running && (f->waiter_events & events) == events;
	pthread_mutex_unlock(&f->lock);
	if (covered)
		return; /* still sleeping (or just notified: the kernel will ask again) */
	stop_waiter(f, false);
	pthread_mutex_lock(&f->lock);
	if (!f->closing && (f->waiter_tok = ik_cancel_token_new())) {
		f->waiter_events = events;
		f->waiter_running = true;
		if (pthread_create(&f->waiter, NULL, poll_waiter, f)) {
			ik_cancel_token_free(f->waiter_tok);
			f->waiter_tok = NULL;
			f->waiter_running = false;
		}
	}
	pthread_mutex_unlock(&f->lock);
}

/* ---- open and release ------------------------------------------------------------------------ */

/* Close the driver's file and give the user's share back: a release, or an open whose opener
 * was interrupted (nobody will release that one). */
static void file_close(struct ff_file *f)
{
	stop_waiter(f, true);
	int r = ik_close(f->h);
	drv_count_call(f->q->d, r == -EIO ? 0 : r); /* closing a file of a dead driver is no error */
	ff_user_unfile(f->q, f->u);
	ff_file_put(f); /* the kernel's reference */
}

static void undo_open(struct ff_job *j)
{
	ff_user_unfile(j->q, j->u);
}

static void run_open(struct ff_job *j)
{
	struct ff_drvq *q = j->q;
	int err = drv_wait_running(q->d, FF_OPEN_WAIT_MS) ? 0 : ENXIO; /* no driver right now */
	struct ff_file *f = err ? NULL : calloc(1, sizeof(*f));

	if (!err && !f)
		err = ENOMEM;
	if (!err) {
		int flags = j->fi.flags & (O_ACCMODE | O_NONBLOCK | O_APPEND | O_SYNC | O_DSYNC);
		int h = ik_open_in(j->node->name, flags, j->u->domain);
		/* The monitor has no channel left for a user's own connection (other users hold
		 * them): the shared one, if it exists or can be made. */
		if (h == -EBUSY && j->u->domain)
			h = ik_open_in(j->node->name, flags, 0);
		drv_count_call(q->d, h);
		/* -ENOENT: the driver is up but never registered this node. */
		err = h >= 0 ? 0 : h == -ENOENT ? ENXIO : -h;
		f->h = h;
	}
	if (err) {
		free(f);
		undo_open(j);
		ff_job_reply_err(j, err);
		return;
	}
	f->refs = 1;
	f->q = q;
	f->u = j->u;
	pthread_mutex_init(&f->lock, NULL);
	if (!ff_job_claim(j)) {
		file_close(f); /* interrupted: answered EINTR already */
		return;
	}
	struct fuse_file_info fi = j->fi;
	fi.fh = (uint64_t)(uintptr_t)f;
	fi.direct_io = 1; /* every read and write goes to the driver */
	fi.keep_cache = 0;
	__atomic_add_fetch(&open_files, 1, __ATOMIC_RELAXED);
	if (fuse_reply_open(j->req, &fi) == -ENOENT) {
		/* The opener went away meanwhile: nobody will release this file. */
		__atomic_sub_fetch(&open_files, 1, __ATOMIC_RELAXED);
		file_close(f);
	}
}

void ff_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	const struct ff_node *n = ff_node_of(ino);
	int err = 0;

	if (!n) {
		fuse_reply_err(req, ino == FUSE_ROOT_ID ? EISDIR : ENOENT);
		return;
	}
	struct ff_user *u = ff_user_file(n->q, fuse_req_ctx(req)->uid, &err);
	if (!u) {
		fuse_reply_err(req, err); /* this user's share of the driver's files is used up */
		return;
	}
	struct ff_job *j = ff_job_new(req, n->q, u, NULL, run_open);
	if (!j) {
		ff_user_unfile(n->q, u);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	j->node = n->n;
	j->fi = *fi;
	j->undo = undo_open;
	ff_job_submit(j);
}

static void run_release(struct ff_job *j)
{
	file_close(j->f);
	__atomic_sub_fetch(&open_files, 1, __ATOMIC_RELAXED); /* released: its ik_close is done */
}

void ff_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ff_file *f = file_of(fi);
	struct ff_job *j = ff_job_new(NULL, f->q, f->u, f, run_release);

	(void)ino;
	fuse_reply_err(req, 0);
	if (j) {
		ff_job_submit(j);
	} else { /* out of memory: close here rather than leak the driver's file */
		file_close(f);
		__atomic_sub_fetch(&open_files, 1, __ATOMIC_RELAXED);
	}
}

/* ---- read, write, ioctl, poll ---------------------------------------------------------------- */

static void run_read(struct ff_job *j)
{
	char *buf = malloc(j->size ? j->size : 1);
	ssize_t r = buf ? ik_pread(j->f->h, buf, j->size, j->off) : -ENOMEM;

	drv_count_call(j->q->d, r);
	if (ff_job_claim(j)) {
		if (r < 0)
			fuse_reply_err(j->req, (int)-r);
		else
			fuse_reply_buf(j->req, buf, (size_t)r);
	}
	free(buf);
}

void ff_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct ff_job *j = file_job(req, file_of(fi), run_read);

	(void)ino;
	if (!j)
		return;
	j->size = size;
	j->off = off;
	ff_job_submit(j);
}

static void run_write(struct ff_job *j)
{
	ssize_t r = ik_pwrite(j->f->h, j->data, j->size, j->off);

	drv_count_call(j->q->d, r);
	if (!ff_job_claim(j))
		return;
	if (r < 0)
		fuse_reply_err(j->req, (int)-r);
	else
		fuse_reply_write(j->req, (size_t)r);
}

void ff_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
	      struct fuse_file_info *fi)
{
	struct ff_job *j = file_job(req, file_of(fi), run_write);

	(void)ino;
	if (!j)
		return;
	j->size = size;
	j->off = off;
	j->data = buf;
	j->data_len = size;
	ff_job_submit(j);
}

static void run_ioctl(struct ff_job *j)
{
	size_t size = _IOC_SIZE(j->cmd);
	/* Restricted ioctls: the kernel already copied in and will copy out by the _IOC bits. */
	bool sized = size && (_IOC_DIR(j->cmd) & (_IOC_READ | _IOC_WRITE));
	size_t len = sized ? size : 0;

	if (j->in_size > len)
		len = j->in_size;
	if (j->out_size > len)
		len = j->out_size;
	char *buf = calloc(1, len ? len : 1);
	long r = -ENOMEM;
	if (buf) {
		if (j->in_size)
			memcpy(buf, j->data, j->in_size);
		r = ik_ioctl(j->f->h, j->cmd, sized ? buf : j->arg);
	}
	drv_count_call(j->q->d, r);
	if (ff_job_claim(j)) {
		if (r < 0)
			fuse_reply_err(j->req, (int)-r);
		else
			fuse_reply_ioctl(j->req, (int)r, j->out_size ? buf : NULL, j->out_size);
	}
	free(buf);
}

void ff_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
	      struct fuse_file_info *fi, unsigned flags, const void *in_buf, size_t in_bufsz,
	      size_t out_bufsz)
{
	(void)ino;
	if (flags & FUSE_IOCTL_COMPAT) {
		fuse_reply_err(req, ENOTTY); /* 32-bit callers: not supported */
		return;
	}
	struct ff_job *j = file_job(req, file_of(fi), run_ioctl);
	if (!j)
		return;
	j->cmd = cmd;
	j->arg = arg;
	j->data = in_buf;
	j->data_len = j->in_size = in_bufsz;
	j->out_size = out_bufsz;
	ff_job_submit(j);
}

static void undo_poll(struct ff_job *j)
{
	if (j->ph)
		fuse_pollhandle_destroy(j->ph);
	j->ph = NULL;
}

static void run_poll(struct ff_job *j)
{
	struct ff_file *f = j->f;
	int r = ik_poll(f->h, j->events, 0);

	drv_count_call(j->q->d, r);
	if (!ff_job_claim(j)) {
		undo_poll(j);
		return;
	}
	if (r < 0) {
		undo_poll(j);
		/* A file whose driver is gone (the call would fail with EIO): hung up, with an error
		 * the next read or write reports. An error reply would say only POLLERR. */
		if (r == -EIO)
			fuse_reply_poll(j->req, POLLERR | POLLHUP);
		else
			fuse_reply_err(j->req, -r);
		return;
	}
	struct fuse_pollhandle *ph = r == 0 ? j->ph : NULL;
	if (ph)
		j->ph = NULL;
	else
		undo_poll(j);
	fuse_reply_poll(j->req, (unsigned)r);
	/* After the answer: replacing a waiter waits for the driver to end the old one's call.
	 * Nothing is missed meanwhile: the new waiter's poll sees the state as it is then. */
	if (ph)
		arm_waiter(f, j->events, ph);
}

void ff_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
	     struct fuse_pollhandle *ph)
{
	struct ff_job *j = file_job(req, file_of(fi), run_poll);

	(void)ino;
	if (!j) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		return;
	}
	j->events = (short)fi->poll_events;
	if (!j->events)
		j->events = POLLIN | POLLPRI | POLLOUT;
	j->ph = ph;
	j->undo = undo_poll;
	ff_job_submit(j);
}
