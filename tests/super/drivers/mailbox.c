// SPDX-License-Identifier: MIT
/*
 * mailbox: a test driver whose read blocks (misc "mbox0"), for the device-file tests of
 * blocking calls: EINTR on an interrupted read, O_NONBLOCK, poll wake-ups.
 *
 * A write leaves a message (up to MBOX_MAX bytes, replacing any unread one) and wakes the
 * readers; a read takes the message, sleeping interruptibly until there is one (-EAGAIN with
 * O_NONBLOCK). poll: POLLIN while a message waits, POLLOUT always.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define MBOX_MAX 256

static char mbox_msg[MBOX_MAX];
static size_t mbox_len;
static bool mbox_full;
static DECLARE_WAIT_QUEUE_HEAD(mbox_wait);

static ssize_t mbox_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	size_t n;
	int ret;

	while (!mbox_full) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(mbox_wait, mbox_full);
		if (ret)
			return ret; /* -ERESTARTSYS: the client sees EINTR */
	}
	n = count < mbox_len ? count : mbox_len;
	if (copy_to_user(buf, mbox_msg, n))
		return -EFAULT;
	mbox_full = false;
	return (ssize_t)n;
}

static ssize_t mbox_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	size_t n = count < MBOX_MAX ? count : MBOX_MAX;

	if (copy_from_user(mbox_msg, buf, n))
		return -EFAULT;
	mbox_len = n;
	mbox_full = true;
	wake_up_interruptible(&mbox_wait);
	return (ssize_t)n;
}

static __poll_t mbox_poll(struct file *file, poll_table *wait)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &mbox_wait, wait);
	if (mbox_full)
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static const struct file_operations mbox_fops = {
	.owner = THIS_MODULE,
	.read = mbox_read,
	.write = mbox_write,
	.poll = mbox_poll,
	.llseek = noop_llseek,
};

static struct miscdevice mbox_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mbox0",
	.fops = &mbox_fops,
};

static int __init mbox_init(void)
{
	return misc_register(&mbox_misc);
}

static void __exit mbox_exit(void)
{
	misc_deregister(&mbox_misc);
}

module_init(mbox_init);
module_exit(mbox_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("Blocking mailbox, for the device-file tests");
