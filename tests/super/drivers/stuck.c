// SPDX-License-Identifier: MIT
/*
 * stuck: a hostile driver built from the runtime (so it runs as a VM image and as a .proc),
 * for the device-file isolation tests at both levels: it never finishes what it takes.
 *   stuckread0   opens fine; a read sleeps uninterruptibly for ever (a cancellation cannot
 *                end it: the client's answer grace does)
 *   stuckopen0   an open sleeps uninterruptibly for ever
 * Writes and polls of stuckread0 are answered (the file looks alive).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(never);
static bool never_true;

static ssize_t stuck_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	wait_event(never, never_true); /* uninterruptible: ignores the cancellation */
	return 0;
}

static ssize_t stuck_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	return (ssize_t)count;
}

static __poll_t stuck_poll(struct file *file, poll_table *wait)
{
	return EPOLLOUT | EPOLLWRNORM;
}

static int stuck_open(struct inode *inode, struct file *file)
{
	wait_event(never, never_true);
	return 0;
}

static const struct file_operations read_fops = {
	.owner = THIS_MODULE,
	.read = stuck_read,
	.write = stuck_write,
	.poll = stuck_poll,
	.llseek = noop_llseek,
};

static const struct file_operations open_fops = {
	.owner = THIS_MODULE,
	.open = stuck_open,
	.llseek = noop_llseek,
};

static struct miscdevice read_misc = {
	.minor = MISC_DYNAMIC_MINOR, .name = "stuckread0", .fops = &read_fops,
};

static struct miscdevice open_misc = {
	.minor = MISC_DYNAMIC_MINOR, .name = "stuckopen0", .fops = &open_fops,
};

static int __init stuck_init(void)
{
	int err = misc_register(&read_misc);

	if (err)
		return err;
	err = misc_register(&open_misc);
	if (err)
		misc_deregister(&read_misc);
	return err;
}

static void __exit stuck_exit(void)
{
	misc_deregister(&open_misc);
	misc_deregister(&read_misc);
}

module_init(stuck_init);
module_exit(stuck_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("Never finishes a read or an open, for the device-file isolation tests");
