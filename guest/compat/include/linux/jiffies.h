/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/jiffies.h>. HZ is 1000 and jiffies counts milliseconds since
 * boot, derived from the runtime's TSC clock (ik_now_ns). */
#ifndef _IK_LINUX_JIFFIES_H
#define _IK_LINUX_JIFFIES_H

#include <ik/rt.h>
#include <linux/types.h>
#include <linux/limits.h>
#include <linux/math.h>

#define HZ 1000
#define USER_HZ 100
#define NSEC_PER_JIFFY 1000000ull
#define MAX_JIFFY_OFFSET ((LONG_MAX >> 1) - 1)

static inline unsigned long ik_jiffies(void)
{
	return (unsigned long)(ik_now_ns() / NSEC_PER_JIFFY);
}
#define jiffies ik_jiffies()
#define jiffies_64 ((u64)ik_jiffies())
static inline u64 get_jiffies_64(void)
{
	return ik_jiffies();
}

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_in_range(a, b, c) (time_after_eq(a, b) && time_before_eq(a, c))
#define time_after64 time_after
#define time_before64 time_before
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a) time_before(jiffies, a)
#define time_is_before_eq_jiffies(a) time_after_eq(jiffies, a)
#define time_is_after_eq_jiffies(a) time_before_eq(jiffies, a)

static inline unsigned long msecs_to_jiffies(const unsigned int m)
{
	return m;
}

static inline unsigned long usecs_to_jiffies(const unsigned int u)
{
	return DIV_ROUND_UP(u, 1000u);
}

static inline unsigned long nsecs_to_jiffies(u64 n)
{
	return (unsigned long)DIV_ROUND_UP(n, NSEC_PER_JIFFY);
}

static inline unsigned int jiffies_to_msecs(const unsigned long j)
{
	return (unsigned int)j;
}

static inline unsigned int jiffies_to_usecs(const unsigned long j)
{
	return (unsigned int)(j * 1000u);
}

static inline u64 jiffies_to_nsecs(const unsigned long j)
{
	return (u64)j * NSEC_PER_JIFFY;
}

#define round_jiffies(j) (j)
#define round_jiffies_relative(j) (j)
#define round_jiffies_up(j) (j)
#define round_jiffies_up_relative(j) (j)

#endif
