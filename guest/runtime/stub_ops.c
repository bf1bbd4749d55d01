/* SPDX-License-Identifier: MIT */
/*
 * The guest stub, request side: what each operation does on its worker thread. The worker's
 * user window is the request's data buffer, so the compat layer's copy_{to,from}_user can
 * only touch the buffer this request owns.
 */
#include "stub.h"

#define IK_POLLIN   0x0001u
#define IK_POLLOUT  0x0004u
#define IK_POLLERR  0x0008u
#define IK_POLLHUP  0x0010u
#define IK_POLLNVAL 0x0020u
#define IK_POLLRDNORM 0x0040u
#define IK_POLLWRNORM 0x0100u
/* Linux's DEFAULT_POLLMASK: a file without poll is always readable and writable. */
#define IK_DEFAULT_POLLMASK (IK_POLLIN | IK_POLLOUT | IK_POLLRDNORM | IK_POLLWRNORM)
/* Reported whether asked for or not, as by Linux poll(2). */
#define IK_POLL_ALWAYS (IK_POLLERR | IK_POLLHUP | IK_POLLNVAL)

#define IK_POLL_QUEUES 8u

static uintptr_t buffer_of(const struct ik_req *r)
{
	if (r->sqe.buf == IK_BUF_NONE)
		return 0;
	return r->ch->data + (uintptr_t)r->sqe.buf * ik_geom.data_size;
}

static void set_window(uintptr_t base, uint64_t len)
{
	ik_thread_set_window(ik_current(), base, len);
}

/* Sleep (not interruptibly: release must happen) until at most max_users requests use f. */
static void wait_users(struct ik_file *f, unsigned max_users)
{
	struct ik_waiter w;

	while (f->users > max_users) {
		ik_waitq_add(&f->unused, &w);
		if (f->users > max_users)
			ik_sleep_until(IK_WAIT_FOREVER, false);
		ik_waitq_remove(&f->unused, &w);
	}
}

static struct ik_file *file_alloc(struct ik_chan *ch, uint32_t *fh)
{
	for (unsigned i = 0; i < IK_FILES_PER_CHAN; i++) {
		struct ik_file *f = &ch->files[i];

		if (f->state != F_FREE)
			continue;
		/* a new generation, so a stale fh of the previous file of this slot fails */
		f->gen = (f->gen + 1) & 0xffffffu;
		if (f->gen == 0)
			f->gen = 1;
		f->state = F_OPENING;
		f->users = 0;
		ik_waitq_init(&f->unused);
		*fh = f->gen << IK_FH_INDEX_BITS | i;
		return f;
	}
	return NULL;
}

/* As open(2) checks a device file's mode: read for O_RDONLY, write for O_WRONLY, both for
 * O_RDWR (and for the odd access mode 3). */
static bool may_open(const struct ik_chan *ch, uint32_t node, uint32_t flags)
{
	uint32_t acc = flags & 3; /* O_ACCMODE */
	uint16_t bit = (uint16_t)(node < 16 ? 1u << node : 0);

	if ((acc != 1 && !(ch->may_read & bit)) || (acc != 0 && !(ch->may_write & bit)))
		return false;
	return bit != 0;
}

static int64_t do_open(struct ik_req *r)
{
	void *ctx = NULL;
	const struct ik_node_ops *ops = ik_node_ops_of(r->sqe.node, &ctx);
	struct ik_file *f;
	uint32_t fh;
	void *cookie;

	if (!ops)
		return -IK_ENODEV; /* unregistered since the check */
	if (!may_open(r->ch, r->sqe.node, (uint32_t)r->sqe.arg))
		return -IK_EACCES; /* the node's mode refuses this client (the monitor's grant) */
	f = file_alloc(r->ch, &fh);
	if (!f)
		return -IK_EMFILE;
	cookie = ops->open ? ops->open(ctx, (uint32_t)r->sqe.arg) : NULL;
	if (ik_is_err(cookie)) {
		f->state = F_FREE;
		return (int64_t)(intptr_t)cookie;
	}
	f->ops = ops;
	f->cookie = cookie;
	f->state = F_OPEN;
	return fh;
}

int ik_file_release(struct ik_chan *ch, struct ik_file *f)
{
	int r = 0;

	(void)ch;
	if (f->ops && f->ops->release)
		r = f->ops->release(f->cookie);
	f->state = F_FREE;
	f->ops = NULL;
	f->cookie = NULL;
	return r;
}

static int64_t do_release(struct ik_req *r)
{
	/* Linux calls release after the last call on the file: wait for requests still running
	 * on it (our own pin is the one user left). */
	wait_users(r->file, 1);
	return ik_file_release(r->ch, r->file);
}

static int64_t do_read(struct ik_req *r, uint64_t *pos)
{
	const struct ik_file *f = r->file;
	uintptr_t buf = buffer_of(r);

	if (!f->ops->read)
		return -IK_EINVAL;
	set_window(buf, r->sqe.len);
	return f->ops->read(f->cookie, (void *)buf, r->sqe.len, pos);
}

static int64_t do_write(struct ik_req *r, uint64_t *pos)
{
	const struct ik_file *f = r->file;
	uintptr_t buf = buffer_of(r);

	if (!f->ops->write)
		return -IK_EINVAL;
	set_window(buf, r->sqe.len);
	return f->ops->write(f->cookie, (const void *)buf, r->sqe.len, pos);
}

static int64_t do_llseek(struct ik_req *r, uint64_t *pos)
{
	const struct ik_file *f = r->file;

	if (!f->ops->llseek)
		return -IK_ESPIPE; /* Linux: a file without llseek is not seekable */
	return f->ops->llseek(f->cookie, (int64_t)r->sqe.off, (int)r->sqe.arg, pos);
}

/*
 * The argument is the request's data buffer when the client attached one: for a command with
 * an _IOC size and direction (the buffer holds the marshalled struct), and for a legacy command
 * whose size the client gave explicitly (ik_ioctl_sized). Otherwise it is the raw integer
 * argument, with no user memory behind it.
 */
static int64_t do_ioctl(struct ik_req *r)
{
	const struct ik_file *f = r->file;
	uint32_t cmd = (uint32_t)r->sqe.arg;
	uint32_t size = ik_ioc_size(cmd);
	uintptr_t buf = buffer_of(r);

	if (!f->ops->ioctl)
		return -IK_ENOTTY;
	if (size && ik_ioc_dir(cmd)) {
		if (!buf)
			return -IK_EFAULT;
		set_window(buf, r->sqe.len < size ? r->sqe.len : size);
		return f->ops->ioctl(f->cookie, cmd, buf);
	}
	if (buf && r->sqe.len) {
		set_window(buf, r->sqe.len);
		return f->ops->ioctl(f->cookie, cmd, buf);
	}
	set_window(0, 0);
	return f->ops->ioctl(f->cookie, cmd, r->sqe.off);
}

/* ---- poll -------------------------------------------------------------------------------- */

struct poll_entry {
	struct ik_waitq *q;
	struct ik_waiter w;
};

struct poll_table {
	unsigned n;
	bool overflow;
	struct poll_entry e[IK_POLL_QUEUES];
};

void ik_poll_wait(void *pt, struct ik_waitq *q)
{
	struct poll_table *t = pt;

	if (!t || !q)
		return;
	for (unsigned i = 0; i < t->n; i++) {
		if (t->e[i].q == q) {
			ik_waitq_add(q, &t->e[i].w); /* woken entries are dequeued: re-queue */
			return;
		}
	}
	if (t->n == IK_POLL_QUEUES) {
		if (!t->overflow)
			ik_printf("stub: poll on more than %u wait queues; extra ones ignored\n",
				  IK_POLL_QUEUES);
		t->overflow = true;
		return;
	}
	t->e[t->n].q = q;
	ik_waitq_add(q, &t->e[t->n].w);
	t->n++;
}

static uint64_t poll_deadline(int64_t timeout_ms)
{
	uint64_t now = ik_now_ns();

	if (timeout_ms < 0)
		return IK_WAIT_FOREVER;
	if ((uint64_t)timeout_ms > (IK_WAIT_FOREVER - now) / 1000000ull)
		return IK_WAIT_FOREVER;
	return now + (uint64_t)timeout_ms * 1000000ull;
}

static int64_t do_poll(struct ik_req *r)
{
	const struct ik_file *f = r->file;
	uint32_t want = (uint32_t)r->sqe.arg | IK_POLL_ALWAYS;
	int64_t timeout_ms = (int64_t)r->sqe.off;
	uint64_t deadline = poll_deadline(timeout_ms);
	struct poll_table pt = { 0 };
	int64_t result;
	bool timed_out = false;

	for (;;) {
		uint32_t mask = f->ops->poll ? f->ops->poll(f->cookie, &pt) : IK_DEFAULT_POLLMASK;
		int s;

		result = mask & want;
		if (result || timeout_ms == 0 || timed_out)
			break;
		s = ik_sleep_until(deadline, true);
		if (s == -IK_EINTR) {
			result = -IK_EINTR;
			break;
		}
		/* after the deadline, poll once more (a wakeup may race the timer), as Linux does */
		timed_out = s == -IK_ETIMEDOUT;
	}
	for (unsigned i = 0; i < pt.n; i++)
		ik_waitq_remove(pt.e[i].q, &pt.e[i].w);
	return result;
}

int64_t ik_req_execute(struct ik_req *r, uint64_t *pos)
{
	switch (r->sqe.op) {
	case IK_OP_OPEN:
		return do_open(r);
	case IK_OP_RELEASE:
		return do_release(r);
	case IK_OP_READ:
		return do_read(r, pos);
	case IK_OP_WRITE:
		return do_write(r, pos);
	case IK_OP_LLSEEK:
		return do_llseek(r, pos);
	case IK_OP_IOCTL:
		return do_ioctl(r);
	case IK_OP_POLL:
		return do_poll(r);
	default:
		return -IK_EINVAL; /* NOP and CANCEL complete in the scheduler */
	}
}
