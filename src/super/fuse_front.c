/* SPDX-License-Identifier: MIT */
/*
 * The device files: a FUSE file system (low-level API) mounted on $IKERNEL_RUNTIME_DIR/dev,
 * one regular file per node the manifests declare, owner/group/mode from the manifest (the
 * kernel checks them: default_permissions; allow_other lets every user reach them). This file:
 * the mount, the worker pool, and what the front end answers itself (lookup, getattr, readdir,
 * refusals). Every operation on an open file is forwarded to the driver through libikernel,
 * like any other client, as a job of that driver's queue (fuse_calls.c, fuse_jobs.c; what a
 * hung or hostile driver may hold is in fuse_front.h). A request the caller interrupts (a
 * signal, SIGKILL included) answers EINTR at once and its call is cancelled in the driver VM
 * (ik_cancel -> IK_OP_CANCEL). Each open file is its own file in the driver (its own
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
 * (so one is always free to read the next request: an interrupt, a lookup, another driver's
 * call) and stops on an eventfd. Workers run driver calls themselves within the driver's
 * limits, so the pool is bounded by the sum of those limits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "fuse_front.h"
#include "ikernel/ikernel.h"

#define FF_ATTR_TIMEOUT   1.0
#define FF_MIN_WORKERS    4
/* Workers in driver calls: at most FF_DRV_RUNNING per driver; the rest wait for requests. */
#define FF_MAX_WORKERS    (FF_MIN_WORKERS + SUPER_MAX_DRIVERS * FF_DRV_RUNNING)
#define FF_WORKER_STACK   (512 * 1024)
#define FF_MAX_NODES      (SUPER_MAX_DRIVERS * IKM_MAX_NODES)

static struct ff_node nodes[FF_MAX_NODES];
static unsigned nnodes;
static struct fuse_session *se;
static int stop_fd = -1;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t workers[FF_MAX_WORKERS];
static unsigned nworkers, idle;
static bool running;
static time_t mount_time; /* the nodes' timestamps: when they appeared */

/* ---- nodes and attributes ------------------------------------------------------------------ */

const struct ff_node *ff_node_of(fuse_ino_t ino)
{
	if (ino < 2 || ino - 2 >= nnodes)
		return NULL;
	return &nodes[ino - 2];
}

static void fill_attr(fuse_ino_t ino, struct stat *st)
{
	const struct ff_node *n = ff_node_of(ino);
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
	if (ino != FUSE_ROOT_ID && !ff_node_of(ino)) {
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
	if (!ff_node_of(ino)) {
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

static void ff_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, 0);
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
	pthread_attr_t a;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, FF_WORKER_STACK);
	if (pthread_create(&workers[nworkers], &a, worker, NULL) == 0) {
		nworkers++;
		idle++;
	}
	pthread_attr_destroy(&a);
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

static void add_nodes(struct drv *d)
{
	struct ff_drvq *q = ff_queue_of(d);

	for (unsigned n = 0; q && n < d->m.nnodes && nnodes < FF_MAX_NODES; n++)
		nodes[nnodes++] = (struct ff_node){&d->m.nodes[n], d, q};
}

static void build_nodes(void)
{
	nnodes = 0;
	ff_queues_reset();
	for (unsigned i = 0; i < super.ndrivers; i++)
		add_nodes(&super.drivers[i]);
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
	ff_queues_reset();
	add_nodes(d);
	/* No allow_other: only this process's user reaches them (no fuse.conf needed). */
	return mount_and_serve(dir, "default_permissions,fsname=ikernel,subtype=ikernel", err, errlen);
}

bool fuse_front_running(void)
{
	return running;
}

unsigned fuse_front_open_files(void)
{
	return ff_open_file_count();
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
