// SPDX-License-Identifier: MIT
/* msleep, udelay, jiffies and kernel timers: a timer fires no earlier than its expiry, a
 * deleted timer never fires, mod_timer re-arms. Only lower bounds on elapsed time. */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/timer.h>
#include <linux/wait.h>

#include "guest_test.h"

struct probe {
	struct timer_list timer;
	int fired;
	uint64_t fired_at;
};

static DECLARE_WAIT_QUEUE_HEAD(fired_wq);

static void probe_fire(struct timer_list *t)
{
	struct probe *p = from_timer(p, t, timer);

	p->fired++;
	p->fired_at = ik_now_ns();
	wake_up(&fired_wq);
}

static int static_fired;
static void static_fire(struct timer_list *t)
{
	(void)t;
	static_fired = 1;
	wake_up(&fired_wq);
}
static DEFINE_TIMER(static_timer, static_fire);

static void test_sleeps(void)
{
	uint64_t t0 = ik_now_ns();
	unsigned long j0 = jiffies;

	msleep(20);
	GUEST_ASSERT(ik_now_ns() - t0 >= 20 * NS_PER_MS);
	GUEST_ASSERT(time_after(jiffies, j0));
	t0 = ik_now_ns();
	udelay(200);
	GUEST_ASSERT(ik_now_ns() - t0 >= 200 * 1000ull);
	t0 = ik_now_ns();
	GUEST_ASSERT_EQ(msleep_interruptible(5), 0);
	GUEST_ASSERT(ik_now_ns() - t0 >= 5 * NS_PER_MS);
}

static void test_timer_fires(void)
{
	struct probe p = {0};
	uint64_t armed_at;

	timer_setup(&p.timer, probe_fire, 0);
	armed_at = ik_now_ns();
	GUEST_ASSERT_EQ(mod_timer(&p.timer, jiffies + msecs_to_jiffies(10)), 0);
	GUEST_ASSERT(timer_pending(&p.timer));
	GUEST_ASSERT(wait_event_timeout(fired_wq, p.fired, HZ) > 0);
	GUEST_ASSERT_EQ(p.fired, 1);
	GUEST_ASSERT(p.fired_at - armed_at >= 9 * NS_PER_MS); /* jiffies + 10 is >= 9 ms away */
	GUEST_ASSERT(!timer_pending(&p.timer));

	GUEST_ASSERT_EQ(mod_timer(&static_timer, jiffies + 1), 0);
	GUEST_ASSERT(wait_event_timeout(fired_wq, static_fired, HZ) > 0);
}

static void test_del_timer(void)
{
	struct probe p = {0};

	timer_setup(&p.timer, probe_fire, 0);
	mod_timer(&p.timer, jiffies + 10);
	GUEST_ASSERT_EQ(mod_timer(&p.timer, jiffies + 10), 1); /* re-armed while pending */
	GUEST_ASSERT_EQ(del_timer(&p.timer), 1);
	GUEST_ASSERT_EQ(del_timer_sync(&p.timer), 0);
	msleep(30);
	GUEST_ASSERT_EQ(p.fired, 0);
}

int ik_guest_test(void)
{
	test_sleeps();
	test_timer_fires();
	test_del_timer();
	return 0;
}
