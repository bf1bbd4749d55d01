/* SPDX-License-Identifier: MIT */
/*
 * drivers/watchdog/wdt.c (WDT500/501-P, type=501) end to end on the "wdt501" model: the
 * watchdog node's WDIOC_* ioctls, keepalive by write and ioctl, timeout set/get, status (and
 * WDIOF_OVERHEAT on a hot board), the temperature node, expiry when not fed (the card's
 * interrupt reaches the driver, the model reports a board reset), and magic close.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ikernel/ikernel.h"
#include "linux_test.h"

#define RESET "BOARD RESET"

static struct monitor mon;

static void test_support_status_timeout(void **state)
{
	struct watchdog_info info;
	int h = ik_open("watchdog", O_WRONLY), v;

	(void)state;
	assert_true(h >= 0);
	assert_int_equal(ik_open("watchdog", O_WRONLY), -EBUSY);
	memset(&info, 0, sizeof(info));
	assert_int_equal(ik_ioctl(h, WDIOC_GETSUPPORT, &info), 0);
	assert_string_equal((const char *)info.identity, "WDT500/501");
	assert_int_equal(info.firmware_version, 1);
	assert_true(info.options & WDIOF_SETTIMEOUT);
	assert_true(info.options & WDIOF_MAGICCLOSE);
	assert_true(info.options & WDIOF_OVERHEAT); /* type 501 */
	v = -1;
	assert_int_equal(ik_ioctl(h, WDIOC_GETSTATUS, &v), 0);
	assert_int_equal(v, 0); /* cool, power good */
	v = -1;
	assert_int_equal(ik_ioctl(h, WDIOC_GETBOOTSTATUS, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ik_ioctl(h, WDIOC_GETTIMEOUT, &v), 0);
	assert_int_equal(v, 60);
	v = 70000;
	assert_int_equal(ik_ioctl(h, WDIOC_SETTIMEOUT, &v), -EINVAL);
	v = 2;
	assert_int_equal(ik_ioctl(h, WDIOC_SETTIMEOUT, &v), 0);
	assert_int_equal(v, 2);
	v = 0;
	assert_int_equal(ik_ioctl(h, WDIOC_GETTIMEOUT, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(ik_ioctl(h, _IOR('W', 99, int), &v), -ENOTTY);

	/* fed for 5 s with a 2 s timeout: no reset */
	for (int i = 0; i < 20; i++) {
		if (i % 2)
			assert_int_equal(ik_ioctl(h, WDIOC_KEEPALIVE, &v), 0);
		else
			assert_int_equal(ik_write(h, "ping", 4), 4);
		sleep_ms(250);
	}
	assert_int_equal(log_count(&mon, RESET), 0);

	/* magic close: stopped, no reset later */
	assert_int_equal(ik_write(h, "xV", 2), 2);
	assert_int_equal(ik_close(h), 0);
	sleep_ms(3000);
	assert_int_equal(log_count(&mon, RESET), 0);
}

static void test_temperature(void **state)
{
	uint8_t t = 0;
	int h = ik_open("temperature", O_RDONLY);

	(void)state;
	assert_true(h >= 0);
	assert_int_equal(ik_read(h, &t, 1), 1);
	assert_int_equal(t, 40); /* the model's default board temperature */
	assert_int_equal(ik_close(h), 0);
}

static void test_expiry_when_not_fed(void **state)
{
	int h = ik_open("watchdog", O_WRONLY), v = 2;

	(void)state;
	assert_true(h >= 0);
	assert_int_equal(ik_ioctl(h, WDIOC_SETTIMEOUT, &v), 0);
	assert_true(log_wait(&mon, RESET, 1, 6000));
	/* the card's interrupt reached the driver's handler */
	assert_true(log_wait(&mon, "wdt: WDT status", 1, 2000));
	assert_true(log_wait(&mon, "Reset in 5ms", 1, 2000));
	v = 0;
	assert_int_equal(ik_ioctl(h, WDIOC_GETSTATUS, &v), 0);
	assert_int_equal(v, 0);
	/* fed again, it counts again from the start */
	assert_int_equal(ik_write(h, "V", 1), 1);
	assert_int_equal(ik_close(h), 0); /* magic close */
	assert_int_equal(log_count(&mon, RESET), 1);
}

static void test_unexpected_close_keeps_running(void **state)
{
	int h = ik_open("watchdog", O_WRONLY), v = 2;

	(void)state;
	assert_true(h >= 0);
	assert_int_equal(ik_ioctl(h, WDIOC_SETTIMEOUT, &v), 0);
	assert_int_equal(ik_write(h, "x", 1), 1); /* no 'V' */
	assert_int_equal(ik_close(h), 0);
	assert_true(log_wait(&mon, "WDT device closed unexpectedly", 1, 2000));
	assert_true(log_wait(&mon, RESET, 2, 6000)); /* not stopped */
	assert_int_equal(ik_open("watchdog", O_WRONLY), -EBUSY); /* still "open" in wdt.c */
}

static void test_overheat(void **state)
{
	struct monitor hot;
	uint8_t t = 0;
	int h, v = 0;

	(void)state;
	assert_int_equal(ldrv_start(&hot, ",temp=80", NULL), 0);
	h = ik_open("temperature", O_RDONLY);
	assert_true(h >= 0);
	assert_int_equal(ik_read(h, &t, 1), 1);
	assert_int_equal(t, 80);
	assert_int_equal(ik_close(h), 0);
	h = ik_open("watchdog", O_WRONLY);
	assert_true(h >= 0);
	assert_int_equal(ik_ioctl(h, WDIOC_GETSTATUS, &v), 0);
	assert_int_equal(v, WDIOF_OVERHEAT);
	assert_int_equal(ik_write(h, "V", 1), 1);
	assert_int_equal(ik_close(h), 0);
	assert_int_equal(stop_monitor(&hot), 0);
	cleanup_monitor(&hot);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_support_status_timeout),
		cmocka_unit_test(test_temperature),
		cmocka_unit_test(test_expiry_when_not_fed),
		cmocka_unit_test(test_unexpected_close_keeps_running),
	};
	const struct CMUnitTest hot[] = {
		cmocka_unit_test(test_overheat),
	};
	int r;

	ldrv_init(argc, argv);
	test_deadline(150);
	if (ldrv_start(&mon, NULL, NULL)) {
		fprintf(stderr, "cannot start %s\n", ldrv.name);
		return 1;
	}
	r = cmocka_run_group_tests_name("wdt", tests, NULL, NULL);
	stop_monitor(&mon);
	cleanup_monitor(&mon);
	return r | cmocka_run_group_tests_name("wdt-overheat", hot, NULL, NULL);
}
