/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/mc146818rtc.h>, the PC CMOS/RTC at ports 0x70 (index) and 0x71
 * (data), accessed under rtc_lock. */
#ifndef _IK_LINUX_MC146818RTC_H
#define _IK_LINUX_MC146818RTC_H

#include <linux/io.h>
#include <linux/spinlock.h>
#include <linux/types.h>

extern spinlock_t rtc_lock;

#define RTC_PORT(x) (0x70 + (x))
#define RTC_ALWAYS_BCD 1

#define RTC_SECONDS 0
#define RTC_SECONDS_ALARM 1
#define RTC_MINUTES 2
#define RTC_MINUTES_ALARM 3
#define RTC_HOURS 4
#define RTC_HOURS_ALARM 5
#define RTC_DAY_OF_WEEK 6
#define RTC_DAY_OF_MONTH 7
#define RTC_MONTH 8
#define RTC_YEAR 9
#define RTC_REG_A 10
#define RTC_REG_B 11
#define RTC_REG_C 12
#define RTC_REG_D 13
#define RTC_FREQ_SELECT RTC_REG_A
#define RTC_CONTROL RTC_REG_B
#define RTC_INTR_FLAGS RTC_REG_C
#define RTC_VALID RTC_REG_D

static inline unsigned char rtc_cmos_read(unsigned char addr)
{
	outb_p(addr, RTC_PORT(0));
	return inb_p(RTC_PORT(1));
}

static inline void rtc_cmos_write(unsigned char val, unsigned char addr)
{
	outb_p(addr, RTC_PORT(0));
	outb_p(val, RTC_PORT(1));
}

#define CMOS_READ(addr) rtc_cmos_read(addr)
#define CMOS_WRITE(val, addr) rtc_cmos_write(val, addr)

#endif
