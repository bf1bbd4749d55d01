/* SPDX-License-Identifier: MIT */
/*
 * The LED driver end to end: `ikernel run led.img --device parport@0x378`, used via libikernel.
 * With a third argument "process", the same tests at isolation=process (build/drivers/led.proc
 * as a jailed process, the parport model served by the monitor-lite).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "iktest.h"
#include "ikernel/ikernel.h"
#include "led/led_ioctl.h"

static struct monitor mon;
static bool at_process;

static int start(void **state)
{
	static const char *const vm[] = {"--device", "parport@0x378", NULL};
	static const char *const process[] = {"--isolation=process", "--device", "parport@0x378", NULL};
	(void)state;
	return start_monitor(&mon, "drivers/led.img", "led", "led0", at_process ? process : vm);
}

static int finish(void **state)
{
	(void)state;
	cleanup_monitor(&mon);
	return 0;
}

/* Write `text` at position 0, read the whole file back from position 0. */
static void write_then_read(int h, const char *text, char *out, size_t outlen)
{
	assert_int_equal(ik_lseek(h, 0, SEEK_SET), 0);
	assert_int_equal(ik_write(h, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(ik_lseek(h, 0, SEEK_SET), 0);
	memset(out, 0, outlen);
	ssize_t n = ik_read(h, out, outlen - 1);
	assert_true(n > 0);
}

static void test_write_notations_read_back(void **state)
{
	(void)state;
	static const char *const notations[] = {"0xA5", "10100101", "165"};
	char buf[64];
	int h = ik_open("led0", O_RDWR);

	assert_true(h >= 0);
	for (size_t i = 0; i < 3; i++) {
		/* change the pattern in between, so each write is seen to take effect */
		write_then_read(h, "0", buf, sizeof(buf));
		assert_string_equal(buf, "0x00\n");
		write_then_read(h, notations[i], buf, sizeof(buf));
		assert_string_equal(buf, "0xa5\n");
	}
	assert_int_equal(ik_close(h), 0);
}

static void test_cat_reads_to_eof(void **state)
{
	(void)state;
	char buf[64] = {0};
	size_t got = 0;
	int h = ik_open("led0", O_RDWR);

	assert_true(h >= 0);
	assert_int_equal(ik_write(h, "0x3c", 4), 4);
	assert_int_equal(ik_close(h), 0);
	h = ik_open("led0", O_RDONLY);
	assert_true(h >= 0);
	/* like cat: small reads until 0 */
	for (;;) {
		ssize_t n = ik_read(h, buf + got, 2);
		assert_true(n >= 0);
		if (n == 0)
			break;
		got += (size_t)n;
		assert_true(got < sizeof(buf) - 2);
	}
	assert_string_equal(buf, "0x3c\n");
	assert_int_equal(ik_close(h), 0);
}

static void test_bad_input_einval(void **state)
{
	(void)state;
	int h = ik_open("led0", O_RDWR);

	assert_true(h >= 0);
	assert_int_equal(ik_write(h, "banana", 6), -EINVAL);
	assert_int_equal(ik_write(h, "256", 3), -EINVAL);
	assert_int_equal(ik_close(h), 0);
}

static void test_ioctls(void **state)
{
	(void)state;
	unsigned int v = 0x5a, got = 0;
	int h = ik_open("led0", O_RDWR);

	assert_true(h >= 0);
	assert_int_equal(ik_ioctl(h, LED_SET, &v), 0);
	assert_int_equal(ik_ioctl(h, LED_GET, &got), 0);
	assert_int_equal(got, 0x5a);
	v = 256;
	assert_int_equal(ik_ioctl(h, LED_SET, &v), -EINVAL);
	assert_int_equal(ik_ioctl(h, LED_GET, &got), 0);
	assert_int_equal(got, 0x5a);
	assert_int_equal(ik_ioctl(h, LED_GET, NULL), -EFAULT);
	assert_int_equal(ik_close(h), 0);
}

static void test_lseek(void **state)
{
	(void)state;
	char c = 0;
	int h = ik_open("led0", O_RDWR);

	assert_true(h >= 0);
	assert_int_equal(ik_write(h, "0xff", 4), 4);
	assert_int_equal(ik_lseek(h, 2, SEEK_SET), 2);
	assert_int_equal(ik_read(h, &c, 1), 1);
	assert_int_equal(c, 'f');
	assert_int_equal(ik_lseek(h, 0, SEEK_CUR), 3);
	assert_int_equal(ik_lseek(h, -1, SEEK_SET), -EINVAL);
	assert_int_equal(ik_close(h), 0);
}

static void test_poll(void **state)
{
	(void)state;
	unsigned int v = 0x11;
	int a = ik_open("led0", O_RDWR), b = ik_open("led0", O_RDWR);

	assert_true(a >= 0 && b >= 0 && a != b);
	assert_true(ik_poll(a, POLLOUT, 0) & POLLOUT);
	/* a reads the current pattern; a change made through b makes a readable */
	char buf[16];
	assert_true(ik_read(a, buf, sizeof(buf)) > 0);
	assert_int_equal(ik_ioctl(b, LED_SET, &v), 0);
	int r = ik_poll(a, POLLIN, 2000);
	assert_true(r > 0);
	assert_true(r & POLLIN);
	assert_int_equal(ik_close(a), 0);
	assert_int_equal(ik_close(b), 0);
}

struct worker {
	int h;
	int iterations;
	unsigned int base;
	int failures;
};

static void *hammer(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < w->iterations; i++) {
		unsigned int v = (w->base + (unsigned)i) & 0xff, got = 0;
		if (ik_ioctl(w->h, LED_SET, &v) != 0 || ik_ioctl(w->h, LED_GET, &got) != 0)
			w->failures++;
		char buf[16];
		if (ik_lseek(w->h, 0, SEEK_SET) != 0 || ik_read(w->h, buf, sizeof(buf)) != 5)
			w->failures++;
	}
	return NULL;
}

static void test_two_threads_in_flight(void **state)
{
	(void)state;
	struct worker w[2] = {{.iterations = 300, .base = 0}, {.iterations = 300, .base = 0x80}};
	pthread_t t[2];

	for (int i = 0; i < 2; i++) {
		w[i].h = ik_open("led0", O_RDWR);
		assert_true(w[i].h >= 0);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
		assert_int_equal(ik_close(w[i].h), 0);
	}
}

static void test_unknown_node_and_bad_name(void **state)
{
	(void)state;
	assert_int_equal(ik_open("nosuch0", O_RDWR), -ENOENT);
	assert_int_equal(ik_open("../led0", O_RDWR), -EINVAL);
	assert_int_equal(ik_open("", O_RDWR), -EINVAL);
}

static void test_board_in_log_and_clean_exit(void **state)
{
	(void)state;
	unsigned int v = 0xa5;
	int h = ik_open("led0", O_RDWR);

	assert_true(h >= 0);
	assert_int_equal(ik_ioctl(h, LED_SET, &v), 0);
	assert_int_equal(ik_close(h), 0);
	int st = stop_monitor(&mon);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	char *log = read_log(&mon);
	/* the parport model draws the board in the driver's log: 0xa5 is 10100101 */
	bool board = strstr(log, "[led] led0: \u25cf\u25cb\u25cf\u25cb\u25cb\u25cf\u25cb\u25cf (0xa5)");
	if (!board)
		fprintf(stderr, "log:\n%s\n", log);
	assert_true(board);
	if (at_process)
		assert_non_null(strstr(log, "isolation=process (WEAKER than a VM"));
	free(log);
}

int main(int argc, char **argv)
{
	harness_init(argc, argv);
	at_process = argc > 3 && !strcmp(argv[3], "process");
	test_deadline(120);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_notations_read_back),
		cmocka_unit_test(test_cat_reads_to_eof),
		cmocka_unit_test(test_bad_input_einval),
		cmocka_unit_test(test_ioctls),
		cmocka_unit_test(test_lseek),
		cmocka_unit_test(test_poll),
		cmocka_unit_test(test_two_threads_in_flight),
		cmocka_unit_test(test_unknown_node_and_bad_name),
		cmocka_unit_test(test_board_in_log_and_clean_exit),
	};
	return cmocka_run_group_tests(tests, start, finish);
}
