// SPDX-License-Identifier: MIT
/* wait_event_timeout / wait_event_interruptible_timeout return values: 0 on timeout (after
 * the full timeout), the jiffies left (>= 1) when the condition came true in time. */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/timer.h>
#include <linux/wait.h>

#include "guest_test.h"

static DECLARE_WAIT_QUEUE_HEAD(wq);
static int never;
static int later;

static void set_later(struct timer_list *t)
{
	(void)t;
	later = 1;
	wake_up(&wq);
}

int ik_guest_test(void)
{
	struct timer_list timer;
	uint64_t t0 = ik_now_ns();
	long r;

	r = wait_event_timeout(wq, never, msecs_to_jiffies(15));
	GUEST_ASSERT_EQ(r, 0);
	GUEST_ASSERT(ik_now_ns() - t0 >= 15 * NS_PER_MS);

	r = wait_event_interruptible_timeout(wq, never, 5);
	GUEST_ASSERT_EQ(r, 0);

	r = wait_event_timeout(wq, 1, 100); /* already true: nearly all of the timeout left */
	GUEST_ASSERT(r >= 1 && r <= 100);

	timer_setup(&timer, set_later, 0);
	mod_timer(&timer, jiffies + 5);
	t0 = ik_now_ns();
	r = wait_event_timeout(wq, later, HZ);
	GUEST_ASSERT(r >= 1 && r < HZ);
	GUEST_ASSERT(ik_now_ns() - t0 < 1000 * NS_PER_MS);

	r = wait_event_interruptible_timeout(wq, later, 0); /* true even with no time left */
	GUEST_ASSERT_EQ(r, 1);
	return 0;
}
