// SPDX-License-Identifier: MIT
/*
 * The Linux API union the next drivers (nvram, wdt, dtlk) use, written the way they use it and
 * compiled with the kernel's flags (-D__KERNEL__): the headers must all be includable together,
 * and the small pieces of behaviour not covered elsewhere must hold (bit ops, atomics, lists,
 * notifier chains, reboot notifiers, capabilities, ioctl encoding).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ioctl.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mc146818rtc.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/watchdog.h>
#include <asm/io.h>

#include "guest_test.h"

static DEFINE_SPINLOCK(api_lock);
static DEFINE_MUTEX(api_mutex);
static unsigned long api_is_open;
static int reboot_calls;
static unsigned long reboot_action;

static int api_notify_sys(struct notifier_block *this, unsigned long code, void *unused)
{
	reboot_calls++;
	reboot_action = code;
	return NOTIFY_DONE;
}

static struct notifier_block api_notifier = {
	.notifier_call = api_notify_sys,
};

struct item {
	int value;
	struct list_head node;
};

static void test_bits_and_atomics(void)
{
	atomic_t a = ATOMIC_INIT(1);
	unsigned long flags;

	GUEST_ASSERT(!test_and_set_bit(0, &api_is_open));
	GUEST_ASSERT(test_and_set_bit(0, &api_is_open));
	clear_bit(0, &api_is_open);
	GUEST_ASSERT(!test_bit(0, &api_is_open));
	set_bit(70 % BITS_PER_LONG, &api_is_open);
	GUEST_ASSERT_EQ(find_first_bit(&api_is_open, BITS_PER_LONG), 70 % BITS_PER_LONG);
	GUEST_ASSERT(atomic_dec_and_test(&a));
	GUEST_ASSERT_EQ(atomic_inc_return(&a), 1);

	spin_lock_irqsave(&api_lock, flags);
	spin_unlock_irqrestore(&api_lock, flags);
	spin_lock(&rtc_lock);
	spin_unlock(&rtc_lock);
	mutex_lock(&api_mutex);
	mutex_unlock(&api_mutex);
}

static void test_lists(void)
{
	LIST_HEAD(head);
	struct item items[3];
	struct item *it;
	int sum = 0;

	for (size_t i = 0; i < ARRAY_SIZE(items); i++) {
		items[i].value = (int)i + 1;
		list_add_tail(&items[i].node, &head);
	}
	list_for_each_entry(it, &head, node)
		sum = sum * 10 + it->value;
	GUEST_ASSERT_EQ(sum, 123);
	list_del(&items[1].node);
	GUEST_ASSERT(list_first_entry(&head, struct item, node) == &items[0]);
	GUEST_ASSERT(container_of(&items[2].node, struct item, node) == &items[2]);
}

static void test_notifiers(void)
{
	GUEST_ASSERT_EQ(register_reboot_notifier(&api_notifier), 0);
	ik_compat_reboot_notify(SYS_HALT);
	GUEST_ASSERT_EQ(reboot_calls, 1);
	GUEST_ASSERT_EQ(reboot_action, SYS_HALT);
	GUEST_ASSERT_EQ(unregister_reboot_notifier(&api_notifier), 0);
	ik_compat_reboot_notify(SYS_DOWN);
	GUEST_ASSERT_EQ(reboot_calls, 1);
	GUEST_ASSERT_EQ(unregister_reboot_notifier(&api_notifier), -ENOENT);
}

static void test_constants(void)
{
	GUEST_ASSERT(capable(CAP_SYS_ADMIN));
	GUEST_ASSERT_EQ(_IOC_SIZE(WDIOC_GETSUPPORT), sizeof(struct watchdog_info));
	GUEST_ASSERT_EQ(_IOC_DIR(WDIOC_SETTIMEOUT), _IOC_READ | _IOC_WRITE);
	GUEST_ASSERT_EQ(_IOC_TYPE(WDIOC_KEEPALIVE), 'W');
	GUEST_ASSERT_EQ(_IOC_NR(WDIOC_GETTIMEOUT), 7);
	GUEST_ASSERT_EQ(_IO('p', 0x40), 0x7040); /* nvram's NVRAM_INIT */
	GUEST_ASSERT_EQ(O_NONBLOCK, 04000);
	GUEST_ASSERT_EQ(O_EXCL, 0200);
	GUEST_ASSERT_EQ(ERESTARTSYS, 512);
	GUEST_ASSERT_EQ(EPOLLIN | EPOLLRDNORM, POLLIN | POLLRDNORM);
	GUEST_ASSERT_EQ(PAGE_SIZE, 4096);
	GUEST_ASSERT_EQ(HZ, 1000);
	GUEST_ASSERT_EQ(WATCHDOG_MINOR, 130);
	GUEST_ASSERT_EQ(NVRAM_MINOR, 144);
	GUEST_ASSERT_EQ(MAX_LFS_FILESIZE, LLONG_MAX);
	GUEST_ASSERT(IS_ERR(ERR_PTR(-ENODEV)) && PTR_ERR(ERR_PTR(-ENODEV)) == -ENODEV);
	GUEST_ASSERT(!IS_ERR(&api_lock));
	GUEST_ASSERT(current != NULL && !signal_pending(current));
}

static void test_pages(void)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL);

	GUEST_ASSERT(page != 0);
	GUEST_ASSERT_EQ(page % PAGE_SIZE, 0);
	GUEST_ASSERT_EQ(((char *)page)[PAGE_SIZE - 1], 0);
	free_page(page);
}

int ik_guest_test(void)
{
	test_bits_and_atomics();
	test_lists();
	test_notifiers();
	test_constants();
	test_pages();
	return 0;
}
