/* SPDX-License-Identifier: MIT */
/*
 * The device files: a FUSE file system (low-level API) mounted on $IKERNEL_RUNTIME_DIR/dev,
 * one regular file per node the manifests declare, owner/group/mode from the manifest (the
 * kernel checks them: default_permissions; allow_other lets every user reach them). Every
 * file operation is forwarded to the driver VM through libikernel, like any other client:
 *   open     -> ik_open (open flags as given, O_NONBLOCK included); waits briefly for a driver
 *               that is (re)starting; ENXIO when the driver is not running
 *   read/write -> ik_pread/ik_pwrite at the kernel's file position (direct I/O: no page cache)
 *   ioctl    -> ik_ioctl; FUSE's restricted ioctls give size and direction from _IOC bits,
 *               exactly the marshalling libikernel does
 *   poll     -> ik_poll(timeout 0) for the answer, then a waiter thread per file sleeping in
 *               ik_poll(-1) that sends the poll notification when the driver reports readiness;
 *               a file of a dead driver (EIO) polls POLLERR|POLLHUP
 *   release  -> ik_close
 * A request the caller interrupts (a signal) is cancelled in the driver VM (ik_cancel ->
 * IK_OP_CANCEL) and answers EINTR. Each open file is its own file in the driver (its own
 * private_data), whatever process holds it. After a driver crash, calls on files opened
 * before fail with EIO (libikernel marks their connection dead) or, under transparent
 * recovery, wait for the restarted driver; a new open reaches the restarted driver.
 *
 * A driver that is down answers at once: libikernel fails a call on a file of a stopped or
 * failed driver without waiting (the supervisor publishes the states it reads, drivers.state),
 * and waits for a restarting one once per down episode, not once per call. That matters here
 * more than anywhere: a device file has size 0, so every write is past its end, for which the
 * kernel takes the inode lock (direct I/O or not; FOPEN_PARALLEL_DIRECT_WRITES, which libfuse
 * 3.14 cannot set anyway, does not lift it for such writes): the writers of one device file
 * queue one behind another, and each one's wait would add up.
 *
 * Our own worker pool rather than fuse_session_loop_mt: it grows while every worker is busy
 * (blocked reads must never starve an interrupt or another driver) and stops on an eventfd.
 */
#define FUSE_USE_VERSION 35

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ikernel/ikernel.h"
#include "super.h"

#define FF_ATTR_TIMEOUT   1.0
#define FF_OPEN_WAIT_MS   5000 /* how long an open waits for a driver that is (re)starting */
#define FF_MIN_WORKERS    4
#define FF_MAX_WORKERS    256
#define FF_MAX_NODES      (SUPER_MAX_DRIVERS * IKM_MAX_NODES)

struct ff_node {
	const struct ikm_node *n;
	struct drv *d;
};

/* One open device file. */
struct ff_file {
	int h;                       /* libikernel handle */
	struct drv *d;
	pthread_mutex_t lock;        /* the poll waiter */
	struct fuse_pollhandle *ph;  /* the kernel's poll handle to notify, or NULL */
	bool waiter_running;
	bool closing;
	short waiter_events;
	pthread_t waiter;
	struct ik_cancel_token *waiter_tok;
};

static struct ff_node nodes[FF_MAX_NODES];
static unsigned nnodes;
static struct fuse_session *se;
static int stop_fd = -1;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t workers[FF_MAX_WORKERS];
static unsigned nworkers, idle;
static bool running;
static unsigned open_files; /* atomic: opened and not released yet */
static time_t mount_time; /* the nodes' timestamps: when they appeared */

/* ---- nodes and attributes ------------------------------------------------------------------ */

static struct ff_node *node_of(fuse_ino_t ino)
{
	if (ino < 2 || ino - 2 >= nnodes)
		return NULL;
	return &nodes[ino - 2];
}

static void fill_attr(fuse_ino_t ino, struct stat *st)
{
	struct ff_node *n = node_of(ino);
	struct timespec t = {mount_time, 0};

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_atim = st->st_mtim = st->st_ctim = t;
	if (!n) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return;
	}
	/* Regular files: a character-device inode would make the kernel look for a host driver. */
	st->st_mode = S_IFREG | n->n->mode;
	st->st_nlink = 1;
	st->st_uid = n->n->uid;
	st->st_gid = n->n->gid;
	st->st_blksize = 4096;
}

static void ff_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* Plain reads and writes only: no splicing, no page cache games. */
	conn->want &= ~(unsigned)(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
				  FUSE_CAP_SPLICE_MOVE | FUSE_CAP_WRITEBACK_CACHE |
				  FUSE_CAP_ATOMIC_O_TRUNC);
}

static void ff_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e = {0};

	if (parent != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	for (unsigned i = 0; i < nnodes; i++)
		if (!strcmp(nodes[i].n->name, name)) {
			e.ino = i + 2;
			e.attr_timeout = e.entry_timeout = FF_ATTR_TIMEOUT;
			fill_attr(e.ino, &e.attr);
			fuse_reply_entry(req, &e);
			return;
		}
	fuse_reply_err(req, ENOENT);
}

static void ff_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	if (ino != FUSE_ROOT_ID && !node_of(ino)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_attr(ino, &st);
	fuse_reply_attr(req, &st, FF_ATTR_TIMEOUT);
}

/* Truncation (`echo x > led0` opens with O_TRUNC) and time updates mean nothing for a device:
 * accepted and ignored. Owner and mode come from the manifest: refused. */
static void ff_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	struct stat st;

	(void)attr;
	(void)fi;
	if (!node_of(ino)) {
		fuse_reply_err(req, ino == FUSE_ROOT_ID ? EPERM : ENOENT);
		return;
	}
	if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	fill_attr(ino, &st);
	fuse_reply_attr(req, &st, FF_ATTR_TIMEOUT);
}

static void ff_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char *buf = calloc(1, size ? size : 1);
	size_t used = 0;

	(void)fi;
	if (ino != FUSE_ROOT_ID) {
		free(buf);
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* Entries: 0 ".", 1 "..", 2.. the nodes; `off` is the index of the next one. */
	for (off_t i = off; i < (off_t)nnodes + 2; i++) {
		struct stat st = {0};
		const char *name = i == 0 ? "." : i == 1 ? ".." : nodes[i - 2].n->name;
		st.st_ino = i < 2 ? FUSE_ROOT_ID : (fuse_ino_t)i;
		st.st_mode = i < 2 ? S_IFDIR : S_IFREG;
		size_t need = fuse_add_direntry(req, buf + used, size - used, name, &st, i + 1);
		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

/* Nodes come from manifests: nothing is created, removed or renamed here. */
static void ff_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		      struct fuse_file_info *fi)
{
	(void)parent;
	(void)name;
	(void)mode;
	(void)fi;
	fuse_reply_err(req, EPERM);
}

static void ff_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	(void)parent;
	(void)name;
	(void)mode;
	(void)rdev;
	fuse_reply_err(req, EPERM);
}

static void ff_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent;
	(void)name;
	fuse_reply_err(req, EPERM);
}

/* ---- open and release ----------------------------------------------------------------------- */

static void ff_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ff_node *n = node_of(ino);

	if (!n) {
		fuse_reply_err(req, ino == FUSE_ROOT_ID ? EISDIR : ENOENT);
		return;
	}
	if (!drv_wait_running(n->d, FF_OPEN_WAIT_MS)) {
		fuse_reply_err(req, ENXIO); /* no driver behind this node right now */
		return;
	}
	struct ff_file *f = calloc(1, sizeof(*f));
	if (!f) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	int flags = fi->flags & (O_ACCMODE | O_NONBLOCK | O_APPEND | O_SYNC | O_DSYNC);
	int h = ik_open(n->n->name, flags);
	drv_count_call(n->d, h);
	if (h < 0) {
		free(f);
		/* -ENOENT: the driver is up but never registered this node. */
		fuse_reply_err(req, h == -ENOENT ? ENXIO : -h);
		return;
	}
	f->h = h;
	f->d = n->d;
	pthread_mutex_init(&f->lock, NULL);
	fi->fh = (uint64_t)(uintptr_t)f;
	fi->direct_io = 1;  /* every read and write goes to the driver */
	fi->keep_cache = 0;
	__atomic_add_fetch(&open_files, 1, __ATOMIC_RELAXED);
	if (fuse_reply_open(req, fi) == -ENOENT) {
		/* The opener was interrupted meanwhile: nobody will release this file. */
		__atomic_sub_fetch(&open_files, 1, __ATOMIC_RELAXED);
		ik_close(h);
		pthread_mutex_destroy(&f->lock);
		free(f);
	}
}

static struct ff_file *file_of(struct fuse_file_info *fi)
{
	return (struct ff_file *)(uintptr_t)fi->fh;
}

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

static void ff_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ff_file *f = file_of(fi);

	(void)ino;
	stop_waiter(f, true);
	int r = ik_close(f->h);
	drv_count_call(f->d, r == -EIO ? 0 : r); /* closing a file of a dead driver is no error */
	pthread_mutex_destroy(&f->lock);
	free(f);
	fuse_reply_err(req, 0);
	__atomic_sub_fetch(&open_files, 1, __ATOMIC_RELAXED);
}

static void ff_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, 0);
}

/* ---- calls that may block: cancellable ------------------------------------------------------ */

static void on_interrupt(fuse_req_t req, void *data)
{
	(void)req;
	ik_cancel(data);
}

/* Arm a cancellation token for this request: the kernel's INTERRUPT cancels the call. */
static struct ik_cancel_token *cancellable(fuse_req_t req)
{
	struct ik_cancel_token *tok = ik_cancel_token_new();

	if (tok) {
		ik_cancel_arm(tok);
		fuse_req_interrupt_func(req, on_interrupt, tok);
	}
	return tok;
}

static void done_cancellable(fuse_req_t req, struct ik_cancel_token *tok)
{
	if (!tok)
		return;
	/* Takes the request's lock: an interrupt callback running now finishes first. */
	fuse_req_interrupt_func(req, NULL, NULL);
	ik_cancel_arm(NULL);
	ik_cancel_token_free(tok);
}

static void ff_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct ff_file *f = file_of(fi);
	char *buf = malloc(size ? size : 1);

	(void)ino;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	struct ik_cancel_token *tok = cancellable(req);
	ssize_t r = ik_pread(f->h, buf, size, off);
	done_cancellable(req, tok);
	drv_count_call(f->d, r);
	if (r < 0)
		fuse_reply_err(req, (int)-r);
	else
		fuse_reply_buf(req, buf, (size_t)r);
	free(buf);
}

static void ff_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct ff_file *f = file_of(fi);

	(void)ino;
	struct ik_cancel_token *tok = cancellable(req);
	ssize_t r = ik_pwrite(f->h, buf, size, off);
	done_cancellable(req, tok);
	drv_count_call(f->d, r);
	if (r < 0)
		fuse_reply_err(req, (int)-r);
	else
		fuse_reply_write(req, (size_t)r);
}

static void ff_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
		     struct fuse_file_info *fi, unsigned flags, const void *in_buf, size_t in_bufsz,
		     size_t out_bufsz)
{
	struct ff_file *f = file_of(fi);
	size_t size = _IOC_SIZE(cmd);

	(void)ino;
	if (flags & FUSE_IOCTL_COMPAT) {
		fuse_reply_err(req, ENOTTY); /* 32-bit callers: not supported */
		return;
	}
	/* Restricted ioctls: the kernel already copied in and will copy out by the _IOC bits. */
	bool sized = size && (_IOC_DIR(cmd) & (_IOC_READ | _IOC_WRITE));
	size_t len = sized ? size : 0;
	if (in_bufsz > len)
		len = in_bufsz;
	if (out_bufsz > len)
		len = out_bufsz;
	char *buf = calloc(1, len ? len : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (in_bufsz)
		memcpy(buf, in_buf, in_bufsz);
	struct ik_cancel_token *tok = cancellable(req);
	long r = ik_ioctl(f->h, cmd, sized ? buf : arg);
	done_cancellable(req, tok);
	drv_count_call(f->d, r);
	if (r < 0)
		fuse_reply_err(req, (int)-r);
	else
		fuse_reply_ioctl(req, (int)r, out_bufsz ? buf : NULL, out_bufsz);
	free(buf);
}

/* ---- poll ----------------------------------------------------------------------------------- */

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

static void ff_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	struct ff_file *f = file_of(fi);
	short events = (short)fi->poll_events;

	(void)ino;
	if (!events)
		events = POLLIN | POLLOUT | POLLPRI;
	int r = ik_poll(f->h, events, 0);
	drv_count_call(f->d, r);
	if (r < 0) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		/* A file whose driver is gone (the call would fail with EIO): hung up, with an error
		 * the next read or write reports. An error reply would say only POLLERR. */
		if (r == -EIO)
			fuse_reply_poll(req, POLLERR | POLLHUP);
		else
			fuse_reply_err(req, -r);
		return;
	}
	if (ph && r == 0)
		arm_waiter(f, events, ph);
	else if (ph)
		fuse_pollhandle_destroy(ph);
	fuse_reply_poll(req, (unsigned)r);
}

static const struct fuse_lowlevel_ops ops = {
	.init = ff_init,
	.lookup = ff_lookup,
	.getattr = ff_getattr,
	.setattr = ff_setattr,
	.readdir = ff_readdir,
	.create = ff_create,
	.mknod = ff_mknod,
	.unlink = ff_unlink,
	.open = ff_open,
	.release = ff_release,
	.flush = ff_flush,
	.read = ff_read,
	.write = ff_write,
	.ioctl = ff_ioctl,
	.poll = ff_poll,
};

/* ---- the worker pool ------------------------------------------------------------------------ */

static void *worker(void *arg);

static void spawn_worker_locked(void)
{
	if (nworkers >= FF_MAX_WORKERS)
		return;
	if (pthread_create(&workers[nworkers], NULL, worker, NULL) == 0) {
		nworkers++;
		idle++;
	}
}

static void *worker(void *arg)
{
	struct fuse_buf fbuf = {0};
	int fd = fuse_session_fd(se);

	(void)arg;
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = stop_fd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		int r = fuse_session_receive_buf(se, &fbuf);
		if (r == -EAGAIN || r == -EINTR)
			continue; /* another worker took it */
		if (r <= 0)
			break; /* unmounted (0) or a broken connection */
		pthread_mutex_lock(&pool_lock);
		if (--idle == 0)
			spawn_worker_locked(); /* never leave the device without a free worker */
		pthread_mutex_unlock(&pool_lock);
		fuse_session_process_buf(se, &fbuf);
		pthread_mutex_lock(&pool_lock);
		idle++;
		pthread_mutex_unlock(&pool_lock);
	}
	free(fbuf.mem);
	uint64_t one = 1;
	(void)!write(stop_fd, &one, sizeof(one)); /* the others stop too */
	return NULL;
}

static void build_nodes(void)
{
	nnodes = 0;
	for (unsigned i = 0; i < super.ndrivers; i++)
		for (unsigned n = 0; n < super.drivers[i].m.nnodes && nnodes < FF_MAX_NODES; n++)
			nodes[nnodes++] = (struct ff_node){&super.drivers[i].m.nodes[n], &super.drivers[i]};
}

/* Mount the nodes of `nodes[]` on `dir` with these options and start the worker pool. */
static int mount_and_serve(const char *dir, const char *options, char *err, size_t errlen)
{
	char *argv[] = {"ikernel", "-o", (char *)options, NULL};
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);

	if (access("/dev/fuse", R_OK | W_OK) != 0) {
		snprintf(err, errlen, "/dev/fuse is not available (%s): cannot provide device files",
			 strerror(errno));
		return -ENODEV;
	}
	mount_time = time(NULL);
	se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
	fuse_opt_free_args(&args);
	if (!se) {
		snprintf(err, errlen, "cannot create the FUSE session");
		return -ENOMEM;
	}
	if (fuse_session_mount(se, dir) != 0) {
		snprintf(err, errlen, "cannot mount the device files on %s (FUSE mount failed; see above)",
			 dir);
		fuse_session_destroy(se);
		se = NULL;
		return -EIO;
	}
	fcntl(fuse_session_fd(se), F_SETFL, fcntl(fuse_session_fd(se), F_GETFL) | O_NONBLOCK);
	stop_fd = eventfd(0, EFD_CLOEXEC);
	pthread_mutex_lock(&pool_lock);
	for (int i = 0; i < FF_MIN_WORKERS; i++)
		spawn_worker_locked();
	pthread_mutex_unlock(&pool_lock);
	running = true;
	return 0;
}

int fuse_front_start(char *err, size_t errlen)
{
	build_nodes();
	return mount_and_serve(super.dev_dir,
			       "allow_other,default_permissions,fsname=ikernel,subtype=ikernel", err,
			       errlen);
}

int fuse_front_start_one(struct drv *d, const char *dir, char *err, size_t errlen)
{
	if (stop_fd >= 0) { /* the last stop left a worker stuck in a call, sharing our statics */
		snprintf(err, errlen, "a device-file worker of the last front end is still busy");
		return -EBUSY;
	}
	nnodes = 0;
	for (unsigned n = 0; n < d->m.nnodes && nnodes < FF_MAX_NODES; n++)
		nodes[nnodes++] = (struct ff_node){&d->m.nodes[n], d};
	/* No allow_other: only this process's user reaches them (no fuse.conf needed). */
	return mount_and_serve(dir, "default_permissions,fsname=ikernel,subtype=ikernel", err, errlen);
}

bool fuse_front_running(void)
{
	return running;
}

unsigned fuse_front_open_files(void)
{
	return __atomic_load_n(&open_files, __ATOMIC_RELAXED);
}

/* Called once every monitor is gone (calls in flight have failed with EIO by then): unmount,
 * stop the workers, close the FUSE device (the kernel aborts anything left). */
void fuse_front_stop(void)
{
	if (!se)
		return;
	fuse_session_unmount(se);
	fuse_session_exit(se);
	uint64_t one = 1;
	(void)!write(stop_fd, &one, sizeof(one));
	bool all_joined = true;
	for (unsigned i = 0;; i++) {
		pthread_mutex_lock(&pool_lock);
		bool more = i < nworkers;
		pthread_t t = more ? workers[i] : 0;
		pthread_mutex_unlock(&pool_lock);
		if (!more)
			break;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 2;
		if (pthread_timedjoin_np(t, NULL, &until) != 0)
			all_joined = false;
	}
	if (all_joined)
		fuse_session_destroy(se); /* else a worker is stuck in a call: exit frees it all */
	else
		super_msg("a device-file worker is still busy; leaving it to the process exit");
	se = NULL;
	running = false;
	/* Ready for another start (the bench mounts one front end after another). */
	pthread_mutex_lock(&pool_lock);
	nworkers = idle = 0;
	pthread_mutex_unlock(&pool_lock);
	if (all_joined) {
		close(stop_fd); /* (a stuck worker still polls it) */
		stop_fd = -1;
	}
}
