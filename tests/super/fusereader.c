/* SPDX-License-Identifier: MIT */
/*
 * Many device-file clients at once, for the FUSE front end's isolation tests
 * (test_fuse_isolation.py): a hung driver must cost only its own files.
 *
 *   fusereader [-u UID] [-n N] [-m open|read|hold] [-k] PATH
 *
 * Drops to UID (and gid UID, no groups) when given, then forks N children; each one prints
 * "start PID", opens PATH (O_RDONLY), and
 *   open: prints "open PID RESULT MS" (RESULT: 0 or -errno) and exits;
 *   read: reads 1 byte and prints "read PID RESULT MS" (a failed open reports as "open");
 *   hold: prints "open PID RESULT MS" and keeps the file open until stdin closes.
 * A SIGINT interrupts the call (the handler has no SA_RESTART, so it returns EINTR) unless -k
 * (keep the default action: the signal kills, like SIGKILL does). The parent prints "forked N"
 * once every child is started and exits when they all did. Every line is one write(2)
 * (dprintf: short lines, one flush).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void on_sigint(int sig)
{
	(void)sig;
}

static int child(const char *path, const char *mode, int keep_default)
{
	struct sigaction sa = {.sa_handler = on_sigint}; /* no SA_RESTART: the call says EINTR */
	char c;

	if (!keep_default)
		sigaction(SIGINT, &sa, NULL);
	dprintf(1, "start %d\n", (int)getpid());
	double t0 = now_ms();
	int fd = open(path, O_RDONLY);
	int r = fd < 0 ? -errno : 0;
	if (fd < 0 || strcmp(mode, "read")) {
		dprintf(1, "open %d %d %.1f\n", (int)getpid(), r, now_ms() - t0);
		if (fd >= 0 && !strcmp(mode, "hold"))
			while (read(0, &c, 1) > 0)
				;
		return 0;
	}
	t0 = now_ms();
	ssize_t n = read(fd, &c, 1);
	dprintf(1, "read %d %d %.1f\n", (int)getpid(), n < 0 ? -errno : (int)n, now_ms() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	int n = 1, keep_default = 0, opt;
	long uid = -1;
	const char *mode = "read";

	while ((opt = getopt(argc, argv, "u:n:m:k")) != -1) {
		if (opt == 'u')
			uid = strtol(optarg, NULL, 10);
		else if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'm')
			mode = optarg;
		else if (opt == 'k')
			keep_default = 1;
		else
			return 2;
	}
	if (optind != argc - 1 || n < 1 || (strcmp(mode, "open") && strcmp(mode, "read") &&
					     strcmp(mode, "hold"))) {
		fprintf(stderr, "usage: fusereader [-u UID] [-n N] [-m open|read|hold] [-k] PATH\n");
		return 2;
	}
	if (uid >= 0 && (setgroups(0, NULL) || setgid((gid_t)uid) || setuid((uid_t)uid))) {
		perror("fusereader: dropping privileges");
		return 1;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("fusereader: fork");
			break;
		}
		if (p == 0)
			_exit(child(argv[optind], mode, keep_default));
	}
	dprintf(1, "forked %d\n", n);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
