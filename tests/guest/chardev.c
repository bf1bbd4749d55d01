// SPDX-License-Identifier: MIT
/*
 * The glue between the guest stub and a driver's file_operations, driven the way the stub
 * drives it (through the node ops, with the request's user window): misc open hands the
 * driver its miscdevice, f_mode follows the open flags, read/write get the position and move
 * it, stream files get no position, missing operations behave as in Linux, ERESTARTSYS
 * reaches the client as EINTR, and register_chrdev devices get a dynamic major. Devices are
 * registered in the module's init, as a driver does: once the driver is ready (this test runs
 * after READY) a registration is refused (-EBUSY), since the monitor serves only the nodes
 * announced by then.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>

#include "chardev.h" /* guest/compat/lib: the node ops under test */
#include "guest_test.h"

#define TEXT "hello, world\n"
#define IOCTL_RESTART 1
#define IOCTL_NOIOCTLCMD 2

static void *seen_private;
static int opens, releases;
static bool read_had_ppos;

static int t_open(struct inode *inode, struct file *file)
{
	(void)inode;
	seen_private = file->private_data;
	opens++;
	return 0;
}

static int t_release(struct inode *inode, struct file *file)
{
	(void)inode;
	(void)file;
	releases++;
	return 0;
}

static ssize_t t_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	loff_t pos = 0;

	(void)file;
	read_had_ppos = ppos != NULL;
	return simple_read_from_buffer(buf, count, ppos ? ppos : &pos, TEXT, sizeof(TEXT) - 1);
}

static loff_t t_llseek(struct file *file, loff_t off, int whence)
{
	return fixed_size_llseek(file, off, whence, sizeof(TEXT) - 1);
}

static long t_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	(void)file;
	(void)arg;
	if (cmd == IOCTL_RESTART)
		return -ERESTARTSYS;
	if (cmd == IOCTL_NOIOCTLCMD)
		return -ENOIOCTLCMD;
	return 0;
}

static int t_stream_open(struct inode *inode, struct file *file)
{
	return stream_open(inode, file);
}

static const struct file_operations full_fops = {
	.owner = THIS_MODULE,
	.open = t_open,
	.release = t_release,
	.read = t_read,
	.llseek = t_llseek,
	.unlocked_ioctl = t_ioctl,
};

static const struct file_operations bare_fops = {
	.read = t_read,
};

static const struct file_operations stream_fops = {
	.open = t_stream_open,
	.read = t_read,
	.llseek = t_llseek,
};

static struct miscdevice full_misc = {.minor = MISC_DYNAMIC_MINOR, .name = "gt-full", .fops = &full_fops};
static struct miscdevice bare_misc = {.minor = 200, .name = "gt-bare", .fops = &bare_fops};
static struct miscdevice clash_misc = {.minor = 200, .name = "gt-clash", .fops = &bare_fops};
static struct miscdevice stream_misc = {.minor = MISC_DYNAMIC_MINOR, .name = "gt-stream", .fops = &stream_fops};

static char user_buf[64];

static struct file *open_misc(struct miscdevice *misc, uint32_t flags)
{
	struct ik_chardev *cd = ik_chardev_find_misc(misc);
	void *f;

	GUEST_ASSERT(cd != NULL);
	f = ik_chardev_node_ops.open(cd, flags);
	GUEST_ASSERT(!ik_is_err(f));
	return f;
}

static void test_registration(void)
{
	GUEST_ASSERT_EQ(misc_register(&full_misc), 0);
	GUEST_ASSERT(full_misc.minor >= 0 && full_misc.minor < 128);
	GUEST_ASSERT_EQ(misc_register(&bare_misc), 0);
	GUEST_ASSERT_EQ(misc_register(&clash_misc), -EBUSY); /* minor 200 taken */
	GUEST_ASSERT_EQ(misc_register(&stream_misc), 0);
	GUEST_ASSERT(stream_misc.minor != full_misc.minor);
}

static void test_open_read_seek(void)
{
	const struct ik_node_ops *ops = &ik_chardev_node_ops;
	struct file *f = open_misc(&full_misc, O_RDWR);
	uint64_t pos = 0;

	GUEST_ASSERT_EQ(opens, 1);
	GUEST_ASSERT(seen_private == &full_misc); /* misc_open's private_data */
	GUEST_ASSERT((f->f_mode & (FMODE_READ | FMODE_WRITE)) == (FMODE_READ | FMODE_WRITE));
	GUEST_ASSERT_EQ(iminor(file_inode(f)), full_misc.minor);
	GUEST_ASSERT_EQ(imajor(file_inode(f)), MISC_MAJOR);

	test_set_user_window(user_buf, sizeof(user_buf));
	GUEST_ASSERT_EQ(ops->read(f, user_buf, 5, &pos), 5);
	GUEST_ASSERT_EQ(pos, 5);
	GUEST_ASSERT(read_had_ppos);
	GUEST_ASSERT_EQ(memcmp(user_buf, "hello", 5), 0);
	GUEST_ASSERT_EQ(ops->read(f, user_buf, sizeof(user_buf), &pos), sizeof(TEXT) - 1 - 5);
	GUEST_ASSERT_EQ(ops->read(f, user_buf, sizeof(user_buf), &pos), 0); /* EOF */
	GUEST_ASSERT_EQ(ops->write(f, user_buf, 1, &pos), -EINVAL); /* no write op */

	GUEST_ASSERT_EQ(ops->llseek(f, -1, SEEK_END, &pos), sizeof(TEXT) - 2);
	GUEST_ASSERT_EQ(pos, sizeof(TEXT) - 2);
	GUEST_ASSERT_EQ(ops->llseek(f, -100, SEEK_CUR, &pos), -EINVAL);
	GUEST_ASSERT_EQ(pos, sizeof(TEXT) - 2); /* unchanged by a failed seek */
	GUEST_ASSERT_EQ(ops->llseek(f, 100, SEEK_SET, &pos), -EINVAL);
	GUEST_ASSERT_EQ(ops->llseek(f, 100, SEEK_DATA, &pos), -ENXIO);
	GUEST_ASSERT_EQ(ops->llseek(f, 0, 99, &pos), -EINVAL);

	GUEST_ASSERT_EQ(ops->ioctl(f, IOCTL_RESTART, 0), -EINTR);
	GUEST_ASSERT_EQ(ops->ioctl(f, IOCTL_NOIOCTLCMD, 0), -ENOTTY);
	GUEST_ASSERT_EQ(ops->poll(f, NULL), DEFAULT_POLLMASK);
	GUEST_ASSERT_EQ(ops->release(f), 0);
	GUEST_ASSERT_EQ(releases, 1);

	f = open_misc(&full_misc, O_WRONLY);
	GUEST_ASSERT_EQ(ops->read(f, user_buf, 1, &pos), -EBADF);
	ops->release(f);
	test_set_user_window(NULL, 0);
}

static void test_bare_and_stream(void)
{
	const struct ik_node_ops *ops = &ik_chardev_node_ops;
	struct file *f = open_misc(&bare_misc, O_RDONLY);
	uint64_t pos = 3;

	GUEST_ASSERT(f->private_data == &bare_misc);
	GUEST_ASSERT_EQ(ops->llseek(f, 0, SEEK_SET, &pos), -ESPIPE);
	GUEST_ASSERT_EQ(ops->ioctl(f, 0, 0), -ENOTTY);
	ops->release(f);

	f = open_misc(&stream_misc, O_RDONLY);
	GUEST_ASSERT(f->f_mode & FMODE_STREAM);
	test_set_user_window(user_buf, sizeof(user_buf));
	pos = 0;
	GUEST_ASSERT_EQ(ops->read(f, user_buf, 5, &pos), 5);
	GUEST_ASSERT(!read_had_ppos);
	GUEST_ASSERT_EQ(pos, 0);
	GUEST_ASSERT_EQ(ops->llseek(f, 0, SEEK_SET, &pos), -ESPIPE);
	ops->release(f);
	test_set_user_window(NULL, 0);
}

static int chr_major;
static struct miscdevice late_misc = {.minor = MISC_DYNAMIC_MINOR, .name = "gt-late", .fops = &bare_fops};

/* The registrations, in the module's init (before READY). */
static int chardev_test_init(void)
{
	test_registration();
	chr_major = register_chrdev(0, "gt-chr", &full_fops);
	return 0;
}
module_init(chardev_test_init);

static void test_chrdev(void)
{
	int major = chr_major;
	struct ik_chardev *cd;
	struct file *f;

	GUEST_ASSERT(major >= 234 && major <= 254);
	cd = ik_chardev_find_major((unsigned)major, "gt-chr");
	GUEST_ASSERT(cd != NULL);
	f = ik_chardev_node_ops.open(cd, O_RDONLY);
	GUEST_ASSERT(!ik_is_err(f));
	GUEST_ASSERT(seen_private == NULL); /* chrdev open passes no private_data */
	GUEST_ASSERT_EQ(imajor(file_inode(f)), major);
	ik_chardev_node_ops.release(f);
	unregister_chrdev((unsigned)major, "gt-chr");
	GUEST_ASSERT(ik_chardev_find_major((unsigned)major, "gt-chr") == NULL);
}

int ik_guest_test(void)
{
	GUEST_ASSERT_EQ(misc_register(&late_misc), -EBUSY); /* after READY */
	GUEST_ASSERT(ik_chardev_find_misc(&late_misc) == NULL);
	test_open_read_seek();
	test_bare_and_stream();
	test_chrdev();
	misc_deregister(&full_misc);
	GUEST_ASSERT_EQ(full_misc.minor, MISC_DYNAMIC_MINOR);
	GUEST_ASSERT(ik_chardev_find_misc(&full_misc) == NULL);
	return 0;
}
