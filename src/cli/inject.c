/* SPDX-License-Identifier: MIT */
/*
 * `ikernel inject NAME CLASS [--at ADDR|SYM[+OFF]] [--len N] [--bit B] [--in SYM] [--arg N]
 *  [--seed N]`: inject one fault into the running driver NAME (docs/RELIABILITY.md). Talks to
 * the driver's monitor directly ($IKERNEL_RUNTIME_DIR/NAME.sock, control.h IK_HELLO_INJECT),
 * so it works under the supervisor and for `ikernel run` alike. Prints the monitor's answer.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "ikernel/control.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ikernel inject NAME CLASS [--at ADDR|SYM[+OFF]] [--len N] [--bit B]\n"
		"                      [--in SYM] [--arg N] [--seed N] [--runtime-dir DIR]\n\n"
		"Inject one fault into the running driver NAME. Classes:\n"
		"  code (patched into the loaded image by the monitor, any driver):\n"
		"    flip   flip one bit of a code byte (--at, else a random byte of a random\n"
		"           function, of --in SYM if given; --bit 0..7, else random)\n"
		"    nop    replace --len bytes at --at with NOPs (a deleted instruction)\n"
		"  guest (fired by the guest runtime at the next driver call):\n"
		"    panic bug warning exception null loop softlockup stack-exhaust stack-corrupt\n"
		"    stack-flip list-corrupt uaf double-free exec-data exec-stack exec-heap write-ro\n"
		"    write-code unaligned copy-overrun alloc-fail leak lock irq-drop irq-spurious\n"
		"    hang-request console-flood wild-write   (--arg: class argument)\n"
		"  revert  undo every code patch and disarm a pending guest fault\n\n"
		"options (--opt VALUE and --opt=VALUE alike): --at, --len, --bit, --in, --arg and\n"
		"--seed as above (--seed N: a reproducible random choice); --runtime-dir DIR (default\n"
		"$IKERNEL_RUNTIME_DIR or /run/ikernel); -h, --help: this text.\n\n"
		"Needs root or the monitor's user. Exit status: 0 the fault was injected; 1 the driver\n"
		"is not running, or the caller may not inject; 2 usage error (also a class, symbol or\n"
		"value the driver's monitor refuses).\n");
}

static int send_request(const char *dir, const char *name, const char *spec, char *answer,
			size_t alen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct ik_ctl_inject req = {.hello = {.magic = IK_CTL_MAGIC, .abi_version = IK_ABI_VERSION,
					      .reserved = {IK_HELLO_INJECT}}};
	struct ik_ctl_notice n = {0};

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.sock", dir, name) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(req.spec, sizeof(req.spec), "%s", spec);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct timeval tv = {.tv_sec = 5};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, &req, sizeof(req), MSG_NOSIGNAL) != (ssize_t)sizeof(req)) {
		int err = errno;
		close(fd);
		return -err;
	}
	ssize_t got = recv(fd, &n, sizeof(n), 0);
	int err = errno;
	close(fd);
	if (got != (ssize_t)sizeof(n) || n.magic != IK_CTL_MAGIC || n.kind != IK_NOTICE_INJECTED)
		return got < 0 ? -err : -EPROTO;
	n.reason[sizeof(n.reason) - 1] = '\0';
	snprintf(answer, alen, "%s", n.reason);
	return 0;
}

static int add(char *spec, size_t len, const char *key, const char *val)
{
	size_t used = strlen(spec);
	int n = snprintf(spec + used, len - used, " %s=%s", key, val);

	return n < 0 || (size_t)n >= len - used || strchr(val, ' ') ? -1 : 0;
}

/* A number as the monitor reads it (strtoll, base 0), at most max (-1: any). */
static bool number(const char *s, long long max)
{
	char *end;

	errno = 0;
	long long v = strtoll(s, &end, 0);
	return !errno && *s && !*end && (max < 0 || (v >= 0 && v <= max));
}

int ik_cmd_inject(int argc, char **argv)
{
	/* option -> the key of the injection spec (control.h IK_HELLO_INJECT) */
	static const struct option longopts[] = {
		{"at", required_argument, NULL, 0},  {"len", required_argument, NULL, 0},
		{"bit", required_argument, NULL, 0}, {"in", required_argument, NULL, 0},
		{"arg", required_argument, NULL, 0}, {"seed", required_argument, NULL, 0},
		{"runtime-dir", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = getenv(IK_RUNTIME_DIR_ENV), *name = NULL, *cls = NULL;
	char spec[IK_INJECT_SPEC_MAX] = "", answer[300];
	int c, li;

	opterr = 0; /* our own messages, which name the command */
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'r':
			dir = optarg;
			break;
		case 0:
			if (!*optarg || strpbrk(optarg, " =\t\n") ||
			    (strcmp(longopts[li].name, "at") && strcmp(longopts[li].name, "in") &&
			     !number(optarg, !strcmp(longopts[li].name, "bit") ? 7 : -1)))
				return ik_usage_error("inject", "bad --%s value '%s'%s", longopts[li].name,
						      optarg, !strcmp(longopts[li].name, "bit") ?
						      " (0..7)" : "");
			if (add(spec, sizeof(spec), longopts[li].name, optarg))
				return ik_usage_error("inject", "the fault's options are too long (at most "
						      "%u bytes)", IK_INJECT_SPEC_MAX - 1);
			break;
		default:
			return ik_bad_option("inject", c, argv, longopts);
		}
	}
	for (; optind < argc; optind++) {
		if (!name)
			name = argv[optind];
		else if (!cls)
			cls = argv[optind];
		else
			return ik_usage_error("inject", "unexpected argument '%s'", argv[optind]);
	}
	if (!name)
		return ik_usage_error("inject", "which driver? (a NAME from 'ikernel status')");
	if (!cls)
		return ik_usage_error("inject", "which fault class? (e.g. flip, panic, null)");
	if (!*name || strlen(name) >= IK_NAME_MAX || strchr(name, '/'))
		return ik_usage_error("inject", "bad driver name '%s'", name);
	if (!*cls || strpbrk(cls, " =\t\n"))
		return ik_usage_error("inject", "bad fault class '%s'", cls);
	if (!dir || !*dir)
		dir = IK_RUNTIME_DIR_DEFAULT;
	char full[IK_INJECT_SPEC_MAX];
	if ((size_t)snprintf(full, sizeof(full), "%s%s", cls, spec) >= sizeof(full))
		return ik_usage_error("inject", "the fault's options are too long (at most %u bytes)",
				      IK_INJECT_SPEC_MAX - 1);
	int err = send_request(dir, name, full, answer, sizeof(answer));
	if (err) {
		fprintf(stderr, "ikernel inject: driver '%s' (%s/%s.sock): %s\n", name, dir, name,
			err == -ENOENT || err == -ECONNREFUSED ? "not running" : strerror(-err));
		return 1;
	}
	/* control.h: "error: " is a wrong request (a usage error), "refused: " a driver not
	 * running or a caller without the right */
	if (!strncmp(answer, "error: ", 7)) {
		fprintf(stderr, "ikernel inject: driver '%s': %s\n", name, answer + 7);
		return 2;
	}
	if (!strncmp(answer, "refused: ", 9)) {
		fprintf(stderr, "ikernel inject: driver '%s': %s\n", name, answer + 9);
		return 1;
	}
	printf("%s\n", answer);
	return strncmp(answer, "ok:", 3) ? 1 : 0;
}
