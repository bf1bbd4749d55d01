/* SPDX-License-Identifier: MIT */
/*
 * A stand-alone Linux watchdog driver (the /dev/watchdog API) end to end on its board model:
 * WDIOC_GETSUPPORT, GETSTATUS/GETBOOTSTATUS, GETTIMEOUT (and SETTIMEOUT where the driver
 * offers it), keepalive by write and by WDIOC_KEEPALIVE (no reset while fed), expiry when not
 * fed (the model reports a board reset), and close: with the magic 'V' the watchdog stops.
 * Shared by sbc7240_wdt, sbc_epx_c3, wafer5823wdt (and any watchdog added to drivers.list).
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
static int timeout_s;

static void feed_for(int h, int ms)
{
	int dummy = 0;

	for (int t = 0, i = 0; t < ms; t += 200, i++) {
		if (i % 2)
			assert_int_equal(ik_ioctl(h, WDIOC_KEEPALIVE, &dummy), 0);
		else
			assert_int_equal(ik_write(h, "k", 1), 1);
		sleep_ms(200);
	}
}

static void test_api_keepalive_expiry_close(void **state)
{
	struct watchdog_info info;
	int h, v = 0, resets;

	(void)state;
	h = ik_open("watchdog", O_WRONLY);
	assert_true(h >= 0);
	assert_int_equal(ik_open("watchdog", O_WRONLY), -EBUSY); /* one user at a time */

	memset(&info, 0, sizeof(info));
	assert_int_equal(ik_ioctl(h, WDIOC_GETSUPPORT, &info), 0);
	assert_true(info.identity[0] != '\0');
	assert_true(info.options & WDIOF_KEEPALIVEPING);
	v = -1;
	assert_int_equal(ik_ioctl(h, WDIOC_GETSTATUS, &v), 0);
	assert_int_equal(v, 0);
	v = -1;
	assert_int_equal(ik_ioctl(h, WDIOC_GETBOOTSTATUS, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ik_ioctl(h, WDIOC_GETTIMEOUT, &timeout_s), 0);
	assert_true(timeout_s >= 1 && timeout_s <= 255);
	if (info.options & WDIOF_SETTIMEOUT) {
		v = 3;
		assert_int_equal(ik_ioctl(h, WDIOC_SETTIMEOUT, &v), 0);
		assert_int_equal(v, 3);
		v = 0;
		assert_int_equal(ik_ioctl(h, WDIOC_GETTIMEOUT, &v), 0);
		assert_int_equal(v, 3);
		v = 0; /* out of range: refused, timeout unchanged */
		assert_int_equal(ik_ioctl(h, WDIOC_SETTIMEOUT, &v), -EINVAL);
		v = 2;
		assert_int_equal(ik_ioctl(h, WDIOC_SETTIMEOUT, &v), 0);
		timeout_s = 2;
	}
	assert_int_equal(ik_ioctl(h, _IOR('W', 99, int), &v), -ENOTTY);

	/* fed for more than twice the timeout: no reset */
	feed_for(h, timeout_s * 2000 + 500);
	assert_int_equal(log_count(&mon, RESET), 0);

	/* magic close stops it: still no reset well after the timeout */
	assert_int_equal(ik_write(h, "V", 1), 1);
	assert_int_equal(ik_close(h), 0);
	sleep_ms(timeout_s * 1000 + 1000);
	assert_int_equal(log_count(&mon, RESET), 0);

	/* opened again and left alone: the board is reset */
	h = ik_open("watchdog", O_WRONLY);
	assert_true(h >= 0);
	assert_true(log_wait(&mon, RESET, 1, timeout_s * 1000 + 3000));
	resets = (int)log_count(&mon, RESET);
	assert_int_equal(resets, 1);
	assert_int_equal(ik_write(h, "V", 1), 1);
	assert_int_equal(ik_close(h), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_keepalive_expiry_close),
	};
	int r;

	ldrv_init(argc, argv);
	test_deadline(120);
	if (ldrv_start(&mon, NULL, NULL)) {
		fprintf(stderr, "cannot start %s\n", ldrv.name);
		return 1;
	}
	r = cmocka_run_group_tests_name(ldrv.name, tests, NULL, NULL);
	stop_monitor(&mon);
	cleanup_monitor(&mon);
	return r;
}
