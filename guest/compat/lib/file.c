/* SPDX-License-Identifier: MIT */
/*
 * The guest stub's side of a character device: one struct file per client open, and each
 * client call translated into the driver's file_operations with Linux's VFS semantics
 * (access mode checks, the loff_t * position, stream files, -ESPIPE without llseek,
 * -ENOTTY without ioctl, DEFAULT_POLLMASK without poll).
 */
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "chardev.h"

long ik_errno_for_client(long r)
{
	switch (r) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return -EINTR; /* no syscall restart across the channel: the client sees EINTR */
	case -ENOIOCTLCMD:
		return -ENOTTY;
	case -ENOTSUPP:
		return -EOPNOTSUPP;
	default:
		return r;
	}
}

/* O_RDONLY/O_WRONLY/O_RDWR to FMODE_READ/FMODE_WRITE (O_ACCMODE 3: neither). */
static fmode_t open_fmode(unsigned int flags)
{
	return (fmode_t)((flags + 1) & O_ACCMODE);
}

static struct file *file_alloc(struct ik_chardev *cd, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->f_inode = &cd->inode;
	f->f_op = cd->fops;
	f->f_flags = flags;
	f->f_mode = open_fmode(flags) | FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	if (cd->fops->read)
		f->f_mode |= FMODE_CAN_READ;
	if (cd->fops->write)
		f->f_mode |= FMODE_CAN_WRITE;
	spin_lock_init(&f->f_lock);
	mutex_init(&f->f_pos_lock);
	atomic64_set(&f->f_count, 1);
	/* Linux's misc_open hands the driver its miscdevice this way. */
	f->private_data = cd->misc;
	return f;
}

static void *chardev_open(void *node_ctx, uint32_t flags)
{
	struct ik_chardev *cd = node_ctx;
	struct file *f;
	int r = 0;

	if (!cd->registered)
		return ERR_PTR(-ENODEV);
	f = file_alloc(cd, flags);
	if (!f)
		return ERR_PTR(-ENOMEM);
	cd->open_files++;
	if (f->f_op->open)
		r = f->f_op->open(&cd->inode, f);
	if (r) {
		kfree(f);
		ik_chardev_put(cd);
		return ERR_PTR(ik_errno_for_client(r));
	}
	return f;
}

static int chardev_release(void *file)
{
	struct file *f = file;
	struct ik_chardev *cd = container_of(f->f_inode, struct ik_chardev, inode);

	if (f->f_op->release)
		(void)f->f_op->release(f->f_inode, f); /* Linux ignores it too */
	kfree(f);
	ik_chardev_put(cd);
	return 0;
}

/* Linux's rw_verify_area: the position must be usable for a transfer of `len` bytes. */
static int verify_area(const struct file *f, loff_t pos, uint64_t len)
{
	if (f->f_mode & FMODE_STREAM)
		return 0;
	if (pos < 0 && !(f->f_mode & FMODE_UNSIGNED_OFFSET))
		return -EINVAL;
	if (pos >= 0 && len > (uint64_t)(LLONG_MAX - pos))
		return -EINVAL;
	return 0;
}

/* Run a read or write: stream files get no position (ppos NULL), as in Linux. */
static int64_t chardev_rw(struct file *f, void *user, uint64_t len, uint64_t *pos, bool write)
{
	loff_t p = (loff_t)*pos;
	loff_t *ppos = (f->f_mode & FMODE_STREAM) ? NULL : &p;
	ssize_t r;

	if (verify_area(f, p, len))
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	f->f_pos = p;
	if (write)
		r = f->f_op->write(f, user, len, ppos);
	else
		r = f->f_op->read(f, user, len, ppos);
	if (ppos) {
		f->f_pos = p;
		*pos = (uint64_t)p;
	}
	return ik_errno_for_client(r);
}

static int64_t chardev_read(void *file, void *user, uint64_t len, uint64_t *pos)
{
	struct file *f = file;

	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (!f->f_op->read)
		return -EINVAL;
	return chardev_rw(f, user, len, pos, false);
}

static int64_t chardev_write(void *file, const void *user, uint64_t len, uint64_t *pos)
{
	struct file *f = file;

	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	return chardev_rw(f, (void *)user, len, pos, true);
}

static int64_t chardev_llseek(void *file, int64_t off, int whence, uint64_t *pos)
{
	struct file *f = file;
	loff_t (*fn)(struct file *, loff_t, int) = no_llseek;
	loff_t r;

	if ((f->f_mode & FMODE_LSEEK) && f->f_op->llseek)
		fn = f->f_op->llseek;
	f->f_pos = (loff_t)*pos;
	r = fn(f, off, whence);
	*pos = (uint64_t)f->f_pos;
	return ik_errno_for_client(r);
}

static int64_t chardev_ioctl(void *file, uint32_t cmd, uint64_t arg)
{
	struct file *f = file;

	if (!f->f_op->unlocked_ioctl)
		return -ENOTTY;
	return ik_errno_for_client(f->f_op->unlocked_ioctl(f, cmd, (unsigned long)arg));
}

static void chardev_poll_queue(struct file *filp, wait_queue_head_t *wq, poll_table *p)
{
	(void)filp;
	ik_poll_wait(p->ik_pt, &wq->ikq);
}

static uint32_t chardev_poll(void *file, void *pt)
{
	struct file *f = file;
	poll_table table = {
		._qproc = pt ? chardev_poll_queue : NULL,
		._key = ~(__poll_t)0,
		.ik_pt = pt,
	};

	if (!f->f_op->poll)
		return DEFAULT_POLLMASK;
	return f->f_op->poll(f, &table);
}

const struct ik_node_ops ik_chardev_node_ops = {
	.open = chardev_open,
	.release = chardev_release,
	.read = chardev_read,
	.write = chardev_write,
	.llseek = chardev_llseek,
	.ioctl = chardev_ioctl,
	.poll = chardev_poll,
};
