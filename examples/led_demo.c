/* SPDX-License-Identifier: MIT */
/*
 * The demo's host program: an ordinary program that drives the isolated LED driver through
 * libikernel. It writes patterns in every accepted notation, reads them back, uses the ioctls
 * and a knight-rider sweep, then (with --crash) calls a driver that crashes and shows that it
 * gets -EIO promptly instead of hanging.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ikernel/ikernel.h"
#include "crashtest/crashtest_ioctl.h"
#include "led/led_ioctl.h"

static void pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int fail(const char *what, long err)
{
	fprintf(stderr, "led-demo: %s: %s\n", what, strerror((int)-err));
	return 1;
}

static int write_text(int h, const char *text)
{
	ssize_t n = ik_write(h, text, strlen(text));

	if (n < 0)
		return fail("write", n);
	char buf[32] = {0};
	if (ik_lseek(h, 0, SEEK_SET) < 0)
		return fail("lseek", -EIO);
	n = ik_read(h, buf, sizeof(buf) - 1);
	if (n < 0)
		return fail("read", n);
	buf[strcspn(buf, "\n")] = '\0';
	printf("client: wrote %-10s read back %s\n", text, buf);
	return 0;
}

static int led_part(void)
{
	static const char *const notations[] = {"0xA5", "10100101", "165", "0x0f", "11110000"};
	int h = ik_open("led0", O_RDWR);

	if (h < 0)
		return fail("open led0", h);
	for (size_t i = 0; i < sizeof(notations) / sizeof(notations[0]); i++) {
		if (write_text(h, notations[i]))
			return 1;
		pause_ms(300);
	}
	printf("client: knight rider through LED_SET\n");
	for (int i = 0; i < 14; i++) {
		unsigned int v = 1u << (i < 8 ? i : 14 - i);
		long r = ik_ioctl(h, LED_SET, &v);

		if (r < 0)
			return fail("ioctl LED_SET", r);
		pause_ms(80);
	}
	unsigned int got = 0;
	long r = ik_ioctl(h, LED_GET, &got);
	if (r < 0)
		return fail("ioctl LED_GET", r);
	printf("client: LED_GET says 0x%02x\n", got);
	ssize_t bad = ik_write(h, "hello", 5);
	printf("client: writing \"hello\" is refused: %s\n", strerror((int)-bad));
	ik_close(h);
	return 0;
}

static int crash_part(void)
{
	int h = ik_open("crash0", O_RDWR);

	if (h < 0)
		return fail("open crash0", h);
	printf("client: asking the crashtest driver to dereference NULL...\n");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long r = ik_ioctl(h, CRASH_NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("client: the call returned %ld (%s) after %.1f ms; the host program is still running\n",
	       r, r < 0 ? strerror((int)-r) : "success?", ms);
	r = ik_ioctl(h, CRASH_NULL, NULL);
	printf("client: a later call on the same file returns %ld (%s)\n", r,
	       r < 0 ? strerror((int)-r) : "success?");
	ik_close(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: led-demo [--crash]\n"
		       "Drives led0 (or, with --crash, crash0) through libikernel.\n");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--crash"))
		return crash_part();
	return led_part();
}
