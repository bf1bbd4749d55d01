/* SPDX-License-Identifier: MIT */
/*
 * A libikernel client driven line by line on stdin, for the super tests (test_dead_driver.py):
 * each command prints one line "RESULT MICROSECONDS" (RESULT: what the call returned, -errno
 * on failure), so a test can check both the errno and how long the call took.
 *
 *   open NODE rw|r|w        ik_open
 *   close H                 ik_close
 *   write H TEXT            ik_write of TEXT (no newline added)
 *   pwrite H POS TEXT       ik_pwrite
 *   read H N                ik_read of N bytes (RESULT: the count)
 *   ioctl H CMD [VALUE]     ik_ioctl; a sized command (_IOR/_IOW) gets a 4-byte int in/out
 *                           (VALUE, default 0); prints "RESULT US VALUE_AFTER"
 *   poll H EVENTS MS        ik_poll (EVENTS a number, e.g. 1 for POLLIN)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ikernel/ikernel.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(void)
{
	char line[4096];

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		char cmd[16] = "", a[256] = "", b[256] = "";
		int rest = 0;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%15s %255s %n", cmd, a, &rest) < 1)
			continue;
		long long res = -EINVAL;
		unsigned value = 0;
		double t0 = now_us();
		if (!strcmp(cmd, "open")) {
			sscanf(line + rest, "%255s", b);
			int flags = !strcmp(b, "r") ? O_RDONLY : !strcmp(b, "w") ? O_WRONLY : O_RDWR;
			res = ik_open(a, flags);
		} else if (!strcmp(cmd, "close")) {
			res = ik_close(atoi(a));
		} else if (!strcmp(cmd, "write")) {
			const char *text = line + rest;
			res = ik_write(atoi(a), text, strlen(text));
		} else if (!strcmp(cmd, "pwrite")) {
			int more = 0;
			sscanf(line + rest, "%255s %n", b, &more);
			const char *text = line + rest + more;
			res = ik_pwrite(atoi(a), text, strlen(text), atoll(b));
		} else if (!strcmp(cmd, "read")) {
			char buf[4096];
			size_t n = (size_t)atol(line + rest);
			res = ik_read(atoi(a), buf, n < sizeof(buf) ? n : sizeof(buf));
		} else if (!strcmp(cmd, "ioctl")) {
			char c[64] = "", v[64] = "0";
			sscanf(line + rest, "%63s %63s", c, v);
			unsigned long nr = strtoul(c, NULL, 0);
			value = (unsigned)strtoul(v, NULL, 0);
			res = (nr >> 16) & 0x3fff ? ik_ioctl(atoi(a), nr, &value)
						  : ik_ioctl(atoi(a), nr, (void *)(unsigned long)value);
		} else if (!strcmp(cmd, "poll")) {
			int ev = 0, ms = 0;
			sscanf(line + rest, "%d %d", &ev, &ms);
			res = ik_poll(atoi(a), (short)ev, ms);
		}
		double us = now_us() - t0;
		if (!strcmp(cmd, "ioctl"))
			printf("%lld %.0f %u\n", res, us, value);
		else
			printf("%lld %.0f\n", res, us);
	}
	return 0;
}
