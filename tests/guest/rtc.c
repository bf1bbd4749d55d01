// SPDX-License-Identifier: MIT
/* The cmos model's clock: seconds, minutes, hours, day, month read as valid BCD, register D says
 * the time is valid. Run with the monitor's sandbox on (guest-runner --sandbox): reading the
 * clock must not make the monitor do anything its seccomp filter forbids. Needs cmos@0x70. */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>

#include "guest_test.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

static u8 cmos_read(u8 reg)
{
	outb(reg, CMOS_INDEX);
	return inb(CMOS_DATA);
}

static bool bcd_below(u8 v, unsigned limit)
{
	return (v & 0xf) <= 9 && (unsigned)((v >> 4) * 10 + (v & 0xf)) < limit;
}

int ik_guest_test(void)
{
	GUEST_ASSERT(request_region(CMOS_INDEX, 2, "rtc") != NULL);
	GUEST_ASSERT_EQ(cmos_read(0x0d), 0x80);
	GUEST_ASSERT(bcd_below(cmos_read(0x00), 60));
	GUEST_ASSERT(bcd_below(cmos_read(0x02), 60));
	GUEST_ASSERT(bcd_below(cmos_read(0x04), 24));
	u8 mday = cmos_read(0x07), mon = cmos_read(0x08);
	GUEST_ASSERT(bcd_below(mday, 32) && mday != 0);
	GUEST_ASSERT(bcd_below(mon, 13) && mon != 0);
	release_region(CMOS_INDEX, 2);
	return 0;
}
