// SPDX-License-Identifier: MIT
/*
 * crashtest: a driver that misbehaves on request (misc "crash0"), for containment tests.
 *
 * Each ioctl of crashtest_ioctl.h really performs its fault in driver code, in a function of
 * its own so that the monitor's crash report names it. None of them returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "crashtest_ioctl.h"

/* Read through volatile objects so the compiler can prove nothing about them. */
static int *volatile crash_null_pointer;
static volatile unsigned int crash_recursion_limit = UINT_MAX;

static noinline void crash_null_deref(void)
{
	int *p = crash_null_pointer; /* NULL, but the compiler cannot know */

	*p = 0x1dead;
}

static noinline void crash_bug(void)
{
	BUG();
}

static noinline void crash_loop_forever(void)
{
	for (;;)
		barrier(); /* no heartbeat, no yield: only the hang deadline ends this */
}

/* Each frame holds 512 bytes that stay live across the call, so the recursion walks down
 * the 16 KiB stack into its guard page. */
static noinline unsigned int crash_recurse(volatile char *prev, unsigned int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	frame[sizeof(frame) - 1] = prev ? prev[0] : 0;
	if (depth == crash_recursion_limit)
		return 0;
	return crash_recurse(frame, depth + 1) + (unsigned int)frame[sizeof(frame) - 1];
}

static noinline void crash_stack_overflow(void)
{
	(void)crash_recurse(NULL, 0);
}

/* Write into this very function's code, which is mapped read+execute. */
static noinline void crash_wild_write(void)
{
	volatile u8 *code = (volatile u8 *)(uintptr_t)&crash_wild_write;

	*code = 0xcc;
}

static noinline void crash_panic(void)
{
	panic("crashtest: panic requested by a client");
}

static long crashtest_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case CRASH_NULL:
		pr_crit("dereferencing NULL\n");
		crash_null_deref();
		break;
	case CRASH_BUG:
		pr_crit("calling BUG()\n");
		crash_bug();
		break;
	case CRASH_LOOP:
		pr_crit("looping forever\n");
		crash_loop_forever();
		break;
	case CRASH_STACK:
		pr_crit("recursing without bound\n");
		crash_stack_overflow();
		break;
	case CRASH_WILD:
		pr_crit("writing into my own code\n");
		crash_wild_write();
		break;
	case CRASH_PANIC:
		pr_crit("calling panic()\n");
		crash_panic();
		break;
	default:
		return -ENOTTY;
	}
	pr_err("ioctl %#x: the fault did not happen\n", cmd);
	return -EIO;
}

static const struct file_operations crashtest_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = crashtest_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice crashtest_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "crash0",
	.fops = &crashtest_fops,
};

static int __init crashtest_init(void)
{
	return misc_register(&crashtest_misc);
}

static void __exit crashtest_exit(void)
{
	misc_deregister(&crashtest_misc);
}

module_init(crashtest_init);
module_exit(crashtest_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("Faults on request, for containment tests");
