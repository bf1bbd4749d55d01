/* SPDX-License-Identifier: MIT */
/*
 * `ikernel inject NAME CLASS [--at ADDR|SYM[+OFF]] [--len N] [--bit B] [--in SYM] [--arg N]
 *  [--seed N]`: inject one fault into the running driver NAME (docs/RELIABILITY.md). Talks to
 * the driver's monitor directly ($IKERNEL_RUNTIME_DIR/NAME.sock, control.h IK_HELLO_INJECT),
 * so it works under the supervisor and for `ikernel run` alike. Prints the monitor's answer.
 */
#include <errno.h>
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
		"Needs root or the monitor's user. Exit status 0 when the fault was injected.\n");
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

int ik_cmd_inject(int argc, char **argv)
{
	const char *dir = getenv(IK_RUNTIME_DIR_ENV), *name = NULL, *cls = NULL;
	char spec[IK_INJECT_SPEC_MAX] = "", answer[300];
	static const char *const keys[][2] = {{"--at", "at"}, {"--len", "len"}, {"--bit", "bit"},
					      {"--in", "in"},  {"--arg", "arg"}, {"--seed", "seed"}};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool known = false;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		if (a[0] != '-') {
			if (!name)
				name = a;
			else if (!cls)
				cls = a;
			else
				goto bad;
			continue;
		}
		if (i + 1 >= argc)
			goto bad;
		if (!strcmp(a, "--runtime-dir")) {
			dir = argv[++i];
			continue;
		}
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(a, keys[k][0])) {
				if (add(spec, sizeof(spec), keys[k][1], argv[++i]))
					goto bad;
				known = true;
			}
		if (!known)
			goto bad;
	}
	if (!name || !cls || strchr(cls, ' ') || strchr(cls, '='))
		goto bad;
	if (!dir || !*dir)
		dir = IK_RUNTIME_DIR_DEFAULT;
	char full[IK_INJECT_SPEC_MAX];
	if ((size_t)snprintf(full, sizeof(full), "%s%s", cls, spec) >= sizeof(full))
		goto bad;
	int err = send_request(dir, name, full, answer, sizeof(answer));
	if (err) {
		fprintf(stderr, "ikernel inject: driver '%s' (%s/%s.sock): %s\n", name, dir, name,
			err == -ENOENT || err == -ECONNREFUSED ? "not running" : strerror(-err));
		return 1;
	}
	printf("%s\n", answer);
	return strncmp(answer, "ok:", 3) ? 1 : 0;
bad:
	usage(stderr);
	return 2;
}
