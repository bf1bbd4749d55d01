// SPDX-License-Identifier: MIT
/*
 * led: eight LEDs on the data lines of a PC parallel port (the paper's example driver).
 *
 * Misc device "led0". Writing a pattern sets the LEDs: "0xA5" (hex), "10100101" (exactly eight
 * binary digits) or "165" (decimal), optionally followed by whitespace or a newline; anything
 * else, or a value above 255, is -EINVAL. Reading gives the current pattern as "0xa5\n" and
 * honours the file position, so `cat` sees end-of-file after one line. LED_GET/LED_SET do the
 * same in binary. poll() reports the device always writable, and readable once the pattern has
 * changed since this open file last read it.
 *
 * Module parameter: io (default 0x378), the port of the data register.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "led_ioctl.h"

#define LED_NR_PORTS 3  /* data, status, control */
#define LED_TEXT_LEN 5  /* "0xa5\n" */
#define LED_INPUT_MAX 32

static int io = 0x378;
module_param_hw(io, int, ioport, 0444);
MODULE_PARM_DESC(io, "I/O port of the parallel port's data register (default 0x378)");

static DEFINE_MUTEX(led_lock);           /* serialises pattern updates */
static u8 led_pattern;                   /* what the data register holds */
static unsigned long led_generation;     /* bumped whenever the pattern changes */
static DECLARE_WAIT_QUEUE_HEAD(led_wait); /* pollers waiting for a change */

/* Per open file: the pattern generation this file has read. */
struct led_file {
	unsigned long seen_generation;
};

static void led_set(u8 pattern)
{
	mutex_lock(&led_lock);
	outb(pattern, io);
	if (pattern != led_pattern) {
		led_pattern = pattern;
		led_generation++;
		wake_up_interruptible(&led_wait);
	}
	mutex_unlock(&led_lock);
}

static int led_digits(const char *s, size_t len, unsigned int base, unsigned int *value)
{
	unsigned int v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
		if (d >= base)
			return -EINVAL;
		v = v * base + d;
		if (v > 255)
			return -EINVAL;
	}
	*value = v;
	return 0;
}

/* "0xA5", "10100101" or "165", trailing whitespace already stripped. */
static int led_parse(const char *s, size_t len, u8 *pattern)
{
	unsigned int v;
	int ret;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		ret = led_digits(s + 2, len - 2, 16, &v);
	else if (len == 8 && strspn(s, "01") == 8)
		ret = led_digits(s, len, 2, &v);
	else
		ret = led_digits(s, len, 10, &v);
	if (ret)
		return ret;
	*pattern = (u8)v;
	return 0;
}

static ssize_t led_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	char text[LED_INPUT_MAX + 1];
	size_t len = count;
	u8 pattern;
	int ret;

	if (count == 0)
		return 0;
	if (count > LED_INPUT_MAX)
		return -EINVAL;
	if (copy_from_user(text, buf, count))
		return -EFAULT;
	text[count] = '\0';
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ' ||
			   text[len - 1] == '\t' || text[len - 1] == '\r'))
		text[--len] = '\0';
	ret = led_parse(text, len, &pattern);
	if (ret)
		return ret;
	led_set(pattern);
	return (ssize_t)count;
}

static ssize_t led_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct led_file *lf = file->private_data;
	char text[LED_TEXT_LEN + 1];
	int len;

	len = scnprintf(text, sizeof(text), "0x%02x\n", led_pattern);
	lf->seen_generation = led_generation;
	return simple_read_from_buffer(buf, count, ppos, text, (size_t)len);
}

static loff_t led_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, LED_TEXT_LEN);
}

static long led_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	unsigned int __user *argp = (unsigned int __user *)arg;
	unsigned int value;

	switch (cmd) {
	case LED_GET:
		return put_user((unsigned int)led_pattern, argp);
	case LED_SET:
		if (get_user(value, argp))
			return -EFAULT;
		if (value > 255)
			return -EINVAL;
		led_set((u8)value);
		return 0;
	default:
		return -ENOTTY;
	}
}

static __poll_t led_poll(struct file *file, poll_table *wait)
{
	struct led_file *lf = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &led_wait, wait);
	if (lf->seen_generation != led_generation)
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int led_open(struct inode *inode, struct file *file)
{
	struct led_file *lf = kzalloc(sizeof(*lf), GFP_KERNEL);

	if (!lf)
		return -ENOMEM;
	lf->seen_generation = led_generation;
	file->private_data = lf; /* replaces the miscdevice misc_open put there */
	return 0;
}

static int led_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations led_fops = {
	.owner = THIS_MODULE,
	.llseek = led_llseek,
	.read = led_read,
	.write = led_write,
	.poll = led_poll,
	.unlocked_ioctl = led_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.open = led_open,
	.release = led_release,
};

static struct miscdevice led_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "led0",
	.fops = &led_fops,
};

static int __init led_init(void)
{
	int ret;

	if (io <= 0 || io > 0xffff - (LED_NR_PORTS - 1)) {
		pr_err("invalid io=%#x\n", io);
		return -EINVAL;
	}
	if (!request_region(io, LED_NR_PORTS, "led")) {
		pr_err("I/O ports %#x-%#x are busy\n", io, io + LED_NR_PORTS - 1);
		return -EBUSY;
	}
	led_pattern = inb(io); /* start from whatever the port latched */
	ret = misc_register(&led_misc);
	if (ret) {
		pr_err("cannot register the misc device: %d\n", ret);
		release_region(io, LED_NR_PORTS);
		return ret;
	}
	pr_info("LEDs on port %#x, pattern 0x%02x, device %s (minor %d)\n", io, led_pattern,
		led_misc.name, led_misc.minor);
	return 0;
}

static void __exit led_exit(void)
{
	misc_deregister(&led_misc);
	release_region(io, LED_NR_PORTS);
}

module_init(led_init);
module_exit(led_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("LEDs on the parallel port data lines");
