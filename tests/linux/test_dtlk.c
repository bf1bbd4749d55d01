/* SPDX-License-Identifier: MIT */
/*
 * drivers/char/dtlk.c (DoubleTalk PC) end to end on the "dtlk" model: the probe's port
 * handshake (the driver's interrogation at load reports the model's ROM version and serial
 * number), text written to the node spoken (logged by the model), poll, index markers read back,
 * and a probe refused the ports outside its grant (request_region) moving on to the granted one.
 * DTLK_STATUS/DTLK_INTERROGATE take a pointer in a command without an _IOC size: a client
 * gives the size with ik_ioctl_sized() (test_legacy_ioctls).
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

/* The layout of Linux's struct dtlk_settings (include/linux/dtlk.h): the ioctl's ABI. */
struct dtlk_settings {
	unsigned short serial_number;
	unsigned char rom_version[24];
	unsigned char mode, punc_level, formant_freq, pitch, speed, volume, tone, expression;
	unsigned char ext_dict_loaded, ext_dict_status, free_ram, articulation, reverb, eob;
	unsigned char has_indexing;
};

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

/*
 * dtlk's two ioctls predate the _IOC encoding: their number says nothing of the pointer.
 * Through ik_ioctl() the host stub passes the integer and the driver's copy to it is refused
 * (bounded user copies: -EINVAL from DTLK_INTERROGATE, -EFAULT from DTLK_STATUS, never memory
 * outside the request); with ik_ioctl_sized() the caller supplies the size and both work.
 */
static void test_legacy_ioctls(void **state)
{
	struct dtlk_settings st;
	unsigned char status = 0;
	char buf[64];
	int h = ik_open("dtlk", O_RDWR);

	(void)state;
	assert_true(h >= 0);
	assert_int_equal(ik_ioctl(h, DTLK_STATUS, buf), -EFAULT);
	assert_int_equal(ik_ioctl(h, DTLK_INTERROGATE, buf), -EINVAL);
	assert_int_equal(ik_ioctl(h, 0xa392, buf), -EINVAL);

	memset(&st, 0xee, sizeof(st));
	assert_int_equal(ik_ioctl_sized(h, DTLK_INTERROGATE, &st, sizeof(st), IK_IOCTL_OUT), 0);
	assert_int_equal(st.serial_number, 10794); /* the model's, as the probe logged it */
	assert_string_equal((const char *)st.rom_version, "iKernel DT 1.0");
	assert_int_equal(st.eob, 0x7f); /* end of the parameter block, as the card sends it */
	assert_int_equal(ik_ioctl_sized(h, DTLK_STATUS, &status, 1, IK_IOCTL_OUT), 0);
	assert_int_not_equal(status, 0); /* the TTS port's status bits: at least "ready" */
	/* a buffer too small for the driver's copy: refused, not overrun */
	assert_int_equal(ik_ioctl_sized(h, DTLK_INTERROGATE, &st, 8, IK_IOCTL_OUT), -EINVAL);
	assert_int_equal(ik_close(h), 0);
}

/* Granted only the second candidate port, the driver's probe is refused the first one by
 * request_region() (as Linux refuses a busy range) and finds the card at the second. */
static void test_probe_skips_ungranted_ports(void **state)
{
	static const char *const extra[] = {"--device", "dtlk@0x29e", NULL};
	struct monitor m;
	char *log;

	(void)state;
	assert_int_equal(start_monitor(&m, ldrv.image, "dtlk", "dtlk", extra), 0);
	assert_true(log_wait(&m, "DoubleTalk PC at 29e-29f", 1, 2000));
	log = read_log(&m);
	assert_non_null(strstr(log, "request_region 0x25e-0x25f (dtlk): not granted to this driver"));
	assert_null(strstr(log, "violation"));
	free(log);
	stop_monitor(&m);
	cleanup_monitor(&m);
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
		cmocka_unit_test(test_probe_skips_ungranted_ports),
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
