/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/delay.h>. udelay/ndelay/mdelay busy-wait on the TSC (they do not
 * yield, as in Linux); msleep and friends put the calling thread to sleep. */
#ifndef _IK_LINUX_DELAY_H
#define _IK_LINUX_DELAY_H

#include <ik/rt.h>
#include <linux/types.h>

static inline void ndelay(unsigned long ns)
{
	ik_delay_ns(ns);
}

static inline void udelay(unsigned long us)
{
	ik_delay_ns((uint64_t)us * 1000u);
}

static inline void mdelay(unsigned long ms)
{
	ik_delay_ns((uint64_t)ms * 1000000u);
}

void msleep(unsigned int msecs);
/* Returns the milliseconds left when a signal cut the sleep short, else 0. */
unsigned long msleep_interruptible(unsigned int msecs);
void usleep_range(unsigned long min_us, unsigned long max_us);

static inline void ssleep(unsigned int seconds)
{
	msleep(seconds * 1000u);
}

static inline void fsleep(unsigned long usecs)
{
	if (usecs <= 10)
		udelay(usecs);
	else
		usleep_range(usecs, usecs * 2);
}

#endif
