/* SPDX-License-Identifier: MIT */
/*
 * Containment: one driver fault per run (argv[3] names it). The ioctl that faults returns -EIO
 * promptly (the test process has a deadline, so a hang fails), later calls on the handle too,
 * the monitor exits with status 1 and its report names the driver, the cause, RIP and the
 * function.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crashtest/crashtest_ioctl.h"
#include "iktest.h"
#include "ikernel/ikernel.h"

struct fault {
	const char *name;
	unsigned long cmd;
	const char *cause[3]; /* the report must contain all of these (case-insensitive) */
	bool at_rip;          /* a CPU exception or hang: RIP and the function are known */
};

static const struct fault faults[] = {
	{"null", CRASH_NULL, {"page fault", "vector 14", "NULL pointer dereference"}, true},
	{"bug", CRASH_BUG, {"BUG", "crashtest.c:", NULL}, false},
	{"loop", CRASH_LOOP, {"hung", "no progress", NULL}, true},
	{"stack", CRASH_STACK, {"page fault", "vector 14", "stack overflow"}, true},
	{"wild", CRASH_WILD, {"page fault", "vector 14", "read-only"}, true},
	{"panic", CRASH_PANIC, {"panic", NULL, NULL}, false},
};

/* "name+0x1f" where name contains "crash": the symbolised function at RIP. */
static bool names_crash_function(const char *log)
{
	for (const char *p = strstr(log, "+0x"); p; p = strstr(p + 1, "+0x")) {
		const char *s = p;
		/* symbol characters, including the '.' of compiler clones like "f.isra.0" */
		while (s > log && (isalnum((unsigned char)s[-1]) || s[-1] == '_' || s[-1] == '.'))
			s--;
		char fn[128];
		size_t n = (size_t)(p - s) < sizeof(fn) - 1 ? (size_t)(p - s) : sizeof(fn) - 1;
		memcpy(fn, s, n);
		fn[n] = '\0';
		if (strstr(fn, "crash"))
			return true;
	}
	return false;
}

static bool has_cause(const char *log, const struct fault *f)
{
	for (int i = 0; i < 3; i++)
		if (f->cause[i] && !strcasestr(log, f->cause[i]))
			return false;
	return true;
}

int main(int argc, char **argv)
{
	static const char *const extra[] = {"--hang-ms", "300", NULL};
	const struct fault *f = NULL;
	struct monitor m;

	harness_init(argc, argv);
	for (size_t i = 0; argc > 3 && i < sizeof(faults) / sizeof(faults[0]); i++)
		if (!strcmp(argv[3], faults[i].name))
			f = &faults[i];
	if (!f) {
		fprintf(stderr, "usage: %s IKERNEL BUILD_ROOT null|bug|loop|stack|wild|panic\n", argv[0]);
		return 2;
	}
	test_deadline(60);
	if (start_monitor(&m, "drivers/crashtest.img", "crashtest", "crash0",
			  !strcmp(f->name, "loop") ? extra : NULL))
		return 1;

	int h = ik_open("crash0", O_RDWR);
	CHECK(h >= 0, "ik_open(crash0) = %d", h);
	if (h >= 0) {
		long r = ik_ioctl(h, f->cmd, NULL);
		CHECK(r == -EIO, "faulting ioctl returned %ld, expected -EIO", r);
		r = ik_ioctl(h, f->cmd, NULL);
		CHECK(r == -EIO, "later ioctl returned %ld, expected -EIO", r);
		char c;
		CHECK(ik_read(h, &c, 1) == -EIO, "later read did not fail with -EIO");
		ik_close(h);
	}

	int st = wait_monitor(&m, 10000);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
	      "monitor did not exit with status 1 (wait status 0x%x)", st);
	char *log = read_log(&m);
	CHECK(strstr(log, "crashtest") != NULL, "report does not name the driver");
	CHECK(has_cause(log, f), "report does not name the cause (%s, %s)", f->cause[0],
	      f->cause[1] ? f->cause[1] : "");
	if (f->at_rip) {
		CHECK(strcasestr(log, "rip") != NULL, "report has no RIP");
		CHECK(names_crash_function(log), "report does not name the faulting function");
	}
	if (iktest_failures)
		fprintf(stderr, "--- monitor log ---\n%s--- end ---\n", log);
	free(log);
	cleanup_monitor(&m);
	return iktest_failures ? 1 : 0;
}
