/* SPDX-License-Identifier: MIT */
/* Sleeps and kernel timers (see <linux/delay.h>, <linux/timer.h>). */
#include <linux/kernel.h>
#include <linux/delay.h>
#include <linux/timer.h>

void msleep(unsigned int msecs)
{
	(void)ik_sleep_ns((uint64_t)msecs * 1000000u, false);
}

unsigned long msleep_interruptible(unsigned int msecs)
{
	uint64_t deadline = ik_now_ns() + (uint64_t)msecs * 1000000u;
	uint64_t now;

	if (ik_sleep_until(deadline, true) != -EINTR)
		return 0;
	now = ik_now_ns();
	return now >= deadline ? 0 : (unsigned long)((deadline - now + 999999u) / 1000000u);
}

void usleep_range(unsigned long min_us, unsigned long max_us)
{
	(void)max_us;
	(void)ik_sleep_ns((uint64_t)min_us * 1000u, false);
}

void ik_timer_list_fire(struct ik_timer *t)
{
	struct timer_list *timer = container_of(t, struct timer_list, ikt);

	timer->function(timer);
}

void timer_setup(struct timer_list *timer, void (*callback)(struct timer_list *), unsigned int flags)
{
	memset(timer, 0, sizeof(*timer));
	timer->ikt.fn = ik_timer_list_fire;
	timer->function = callback;
	timer->flags = flags;
}

int mod_timer(struct timer_list *timer, unsigned long expires)
{
	int was_pending = timer->ikt.pending;

	uint64_t deadline = IK_WAIT_FOREVER - 1; /* "never" for absurdly far expiries */

	timer->expires = expires;
	/* jiffies == ik_now_ns() / NSEC_PER_JIFFY, so the deadline is just a scale. */
	if (expires < (IK_WAIT_FOREVER - 1) / NSEC_PER_JIFFY)
		deadline = (uint64_t)expires * NSEC_PER_JIFFY;
	ik_timer_arm(&timer->ikt, deadline);
	return was_pending ? 1 : 0;
}

void add_timer(struct timer_list *timer)
{
	BUG_ON(timer_pending(timer));
	mod_timer(timer, timer->expires);
}

int del_timer(struct timer_list *timer)
{
	return ik_timer_cancel(&timer->ikt) ? 1 : 0;
}
