/* SPDX-License-Identifier: MIT */
/*
 * drivers/char/dtlk.c (DoubleTalk PC) end to end on the "dtlk" model: the probe's port
 * handshake (the driver's interrogation at load reports the model's ROM version and serial
 * number), text written to the node spoken (logged by the model), poll, index markers read back,
 * and a driver probing a port outside its grant ending its VM with a report naming the port.
 * DTLK_STATUS/DTLK_INTERROGATE take a pointer in a command without an _IOC size: see
 * test_legacy_ioctls for what the host stub can and cannot do with them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ikernel/ikernel.h"
#include "linux_test.h"

#define DTLK_INTERROGATE 0xa390
#define DTLK_STATUS      0xa391

static struct monitor mon;

static void test_probe_interrogated_the_card(void **state)
{
	(void)state;
	assert_true(log_wait(&mon, "DoubleTalk PC at 25e-25f, ROM version iKernel DT 1.0, serial number 10794", 1, 1000));
	assert_true(log_wait(&mon, "says: \"Double Talk found\"", 1, 1000));
}

static void test_write_text_is_spoken(void **state)
{
	static const char text[] = "Hello from an isolated Linux driver\r";
	int h = ik_open("dtlk", O_RDWR);

	(void)state;
	assert_true(h >= 0);
	assert_int_equal(ik_poll(h, POLLOUT, 1000) & POLLOUT, POLLOUT);
	assert_int_equal(ik_write(h, text, strlen(text)), (ssize_t)strlen(text));
	assert_true(log_wait(&mon, "says: \"Hello from an isolated Linux driver\"", 1, 2000));
	assert_int_equal(ik_close(h), 0);
}

static void test_index_markers(void **state)
{
	uint8_t m[8];
	ssize_t n;
	int h = ik_open("dtlk", O_RDWR);

	(void)state;
	assert_true(h >= 0);
	/* the probe posted marker 2; this text posts marker 7 once spoken */
	assert_int_equal(ik_write(h, "marked\x01" "7I\r", 10), 10);
	assert_int_equal(ik_poll(h, POLLIN, 1000) & POLLIN, POLLIN);
	n = ik_read(h, m, sizeof(m));
	assert_int_equal(n, 2);
	assert_int_equal(m[0], 2);
	assert_int_equal(m[1], 7);
	assert_int_equal(ik_close(h), 0);
	h = ik_open("dtlk", O_RDWR | O_NONBLOCK);
	assert_true(h >= 0);
	assert_int_equal(ik_read(h, m, sizeof(m)), -EAGAIN); /* all read */
	assert_int_equal(ik_close(h), 0);
}

/* dtlk's two ioctls predate the _IOC encoding: the host stub cannot know their argument is a
 * pointer, so it passes the integer, and the driver's copy to it is refused (bounded user
 * copies): -EINVAL from DTLK_INTERROGATE, -EFAULT from DTLK_STATUS, never memory outside the
 * request. An explicit-size ioctl in libikernel would make them usable (see docs/DRIVERS.md). */
static void test_legacy_ioctls(void **state)
{
	char buf[64];
	int h = ik_open("dtlk", O_RDWR);

	(void)state;
	assert_true(h >= 0);
	assert_int_equal(ik_ioctl(h, DTLK_STATUS, buf), -EFAULT);
	assert_int_equal(ik_ioctl(h, DTLK_INTERROGATE, buf), -EINVAL);
	assert_int_equal(ik_ioctl(h, 0xa392, buf), -EINVAL);
	assert_int_equal(ik_close(h), 0);
}

static void test_port_outside_grant_ends_vm(void **state)
{
	static const char *const extra[] = {"--device", "dtlk@0x29e", NULL};
	struct monitor bad;
	char *log;

	(void)state;
	/* the probe tries 0x25e first, which is not granted: the VM ends before serving "dtlk" */
	assert_int_equal(start_monitor(&bad, ldrv.image, "dtlk", "dtlk", extra), -1);
	log = read_log(&bad);
	assert_non_null(strstr(log, "violation: port 0x25e (2-byte read) is not granted to driver 'dtlk'"));
	free(log);
	cleanup_monitor(&bad);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_interrogated_the_card),
		cmocka_unit_test(test_write_text_is_spoken),
		cmocka_unit_test(test_index_markers),
		cmocka_unit_test(test_legacy_ioctls),
	};
	const struct CMUnitTest grant[] = {
		cmocka_unit_test(test_port_outside_grant_ends_vm),
	};
	int r;

	ldrv_init(argc, argv);
	test_deadline(120);
	if (ldrv_start(&mon, NULL, NULL)) {
		fprintf(stderr, "cannot start %s\n", ldrv.name);
		return 1;
	}
	r = cmocka_run_group_tests_name("dtlk", tests, NULL, NULL);
	stop_monitor(&mon);
	cleanup_monitor(&mon);
	return r | cmocka_run_group_tests_name("dtlk-grant", grant, NULL, NULL);
}
