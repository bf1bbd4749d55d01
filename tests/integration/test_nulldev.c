/* SPDX-License-Identifier: MIT */
/* nulldev: write/read/llseek round trips of 64 KiB and of odd sizes; the NOP ioctl; an _IOR
 * argument the driver leaves unwritten. */
#include <errno.h>
#include <fcntl.h>
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
#include "nulldev/nulldev_ioctl.h"

static struct monitor mon;

static int start(void **state)
{
	(void)state;
	return start_monitor(&mon, "drivers/nulldev.img", "nulldev", "null0", NULL);
}

static int finish(void **state)
{
	(void)state;
	int st = stop_monitor(&mon);
	cleanup_monitor(&mon);
	return (WIFEXITED(st) && WEXITSTATUS(st) == 0) ? 0 : -1;
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131u + seed * 7u + (i >> 8));
}

static void round_trip(int h, off_t at, size_t n, unsigned seed)
{
	uint8_t *out = malloc(n + 1), *in = malloc(n + 1);

	assert_non_null(out);
	assert_non_null(in);
	fill(out, n, seed);
	memset(in, 0xee, n + 1);
	assert_int_equal(ik_lseek(h, at, SEEK_SET), at);
	assert_int_equal(ik_write(h, out, n), (ssize_t)n);
	assert_int_equal(ik_lseek(h, 0, SEEK_CUR), at + (off_t)n);
	assert_int_equal(ik_lseek(h, at, SEEK_SET), at);
	assert_int_equal(ik_read(h, in, n), (ssize_t)n);
	assert_memory_equal(in, out, n);
	assert_int_equal(in[n], 0xee); /* nothing past what was read */
	free(out);
	free(in);
}

static void test_full_64k(void **state)
{
	(void)state;
	int h = ik_open("null0", O_RDWR);
	assert_true(h >= 0);
	round_trip(h, 0, NULLDEV_SIZE, 1);
	round_trip(h, 0, NULLDEV_SIZE, 2);
	assert_int_equal(ik_close(h), 0);
}

static void test_odd_sizes(void **state)
{
	(void)state;
	static const struct { off_t at; size_t n; } cases[] = {
		{0, 1}, {1, 3}, {7, 17}, {100, 4095}, {4093, 4099}, {12345, 33333}, {65535, 1},
	};
	int h = ik_open("null0", O_RDWR);
	assert_true(h >= 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		round_trip(h, cases[i].at, cases[i].n, (unsigned)i + 3);
	assert_int_equal(ik_close(h), 0);
}

static void test_read_past_end_is_short(void **state)
{
	(void)state;
	uint8_t buf[100];
	int h = ik_open("null0", O_RDWR);
	assert_true(h >= 0);
	assert_int_equal(ik_lseek(h, NULLDEV_SIZE - 10, SEEK_SET), NULLDEV_SIZE - 10);
	assert_int_equal(ik_read(h, buf, sizeof(buf)), 10);
	assert_int_equal(ik_read(h, buf, sizeof(buf)), 0);
	assert_int_equal(ik_close(h), 0);
}

static void test_nop_ioctl(void **state)
{
	(void)state;
	int h = ik_open("null0", O_RDWR);
	assert_true(h >= 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ik_ioctl(h, NULLDEV_NOP, NULL), 0);
	assert_int_equal(ik_close(h), 0);
}

/* An _IOR argument the driver leaves unwritten comes back as the caller passed it, never with
 * bytes of an earlier call (the request's data buffer is reused: here, a write's secret). */
static void test_unfilled_ior_returns_no_stale_bytes(void **state)
{
	unsigned char secret[NULLDEV_UNFILLED_SIZE], arg[NULLDEV_UNFILLED_SIZE], want[NULLDEV_UNFILLED_SIZE];

	(void)state;
	int h = ik_open("null0", O_RDWR);
	assert_true(h >= 0);
	memset(secret, 0xc5, sizeof(secret));
	memset(want, 0x3a, sizeof(want));
	for (int i = 0; i < 8; i++) {
		assert_int_equal(ik_lseek(h, 0, SEEK_SET), 0);
		assert_int_equal(ik_write(h, secret, sizeof(secret)), (ssize_t)sizeof(secret));
		memcpy(arg, want, sizeof(arg));
		assert_int_equal(ik_ioctl(h, NULLDEV_UNFILLED, arg), 0);
		assert_memory_equal(arg, want, sizeof(arg));
	}
	assert_int_equal(ik_close(h), 0);
}

int main(int argc, char **argv)
{
	harness_init(argc, argv);
	test_deadline(120);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_64k),
		cmocka_unit_test(test_odd_sizes),
		cmocka_unit_test(test_read_past_end_is_short),
		cmocka_unit_test(test_nop_ioctl),
		cmocka_unit_test(test_unfilled_ior_returns_no_stale_bytes),
	};
	return cmocka_run_group_tests(tests, start, finish);
}
