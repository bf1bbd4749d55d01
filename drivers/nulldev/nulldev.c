// SPDX-License-Identifier: MIT
/*
 * nulldev: a RAM-backed test device (misc "null0") for benchmarks and tests.
 *
 * read/write/llseek work on a 64 KiB buffer with ordinary file-position semantics (writing at
 * the end is -ENOSPC, reading there is end-of-file). NULLDEV_NOP does nothing and returns 0:
 * it is the benchmark's null call, so its path is kept as short as a driver can make it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "nulldev_ioctl.h"

/* No lock: read/write copy without sleeping, so on the driver VM's single vCPU with cooperative
 * threads each copy is atomic with respect to the others. */
static u8 *nulldev_buf;

static ssize_t nulldev_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	return simple_read_from_buffer(buf, count, ppos, nulldev_buf, NULLDEV_SIZE);
}

static ssize_t nulldev_write(struct file *file, const char __user *buf, size_t count,
			     loff_t *ppos)
{
	if (count && *ppos >= NULLDEV_SIZE)
		return -ENOSPC;
	return simple_write_to_buffer(nulldev_buf, NULLDEV_SIZE, ppos, buf, count);
}

static loff_t nulldev_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, NULLDEV_SIZE);
}

static long nulldev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (likely(cmd == NULLDEV_NOP))
		return 0;
	if (cmd == NULLDEV_UNFILLED)
		return 0; /* the argument is left as the caller passed it */
	return -ENOTTY;
}

static const struct file_operations nulldev_fops = {
	.owner = THIS_MODULE,
	.llseek = nulldev_llseek,
	.read = nulldev_read,
	.write = nulldev_write,
	.unlocked_ioctl = nulldev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice nulldev_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "null0",
	.fops = &nulldev_fops,
};

static int __init nulldev_init(void)
{
	int ret;

	nulldev_buf = kzalloc(NULLDEV_SIZE, GFP_KERNEL);
	if (!nulldev_buf)
		return -ENOMEM;
	ret = misc_register(&nulldev_misc);
	if (ret) {
		kfree(nulldev_buf);
		return ret;
	}
	pr_info("%d byte RAM device %s ready\n", NULLDEV_SIZE, nulldev_misc.name);
	return 0;
}

static void __exit nulldev_exit(void)
{
	misc_deregister(&nulldev_misc);
	kfree(nulldev_buf);
}

module_init(nulldev_init);
module_exit(nulldev_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("RAM-backed null device for benchmarks");
