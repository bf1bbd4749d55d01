/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's commands: status, logs, restart, stop, start, down. Each sends one request
 * on $IKERNEL_RUNTIME_DIR/control.sock (src/super/ctlproto.h) and prints the answer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "ctlproto.h"
#include "ikernel/control.h"

#define CTL_DOWN_TIMEOUT_S 60 /* every monitor gets 5 s for SIGTERM; then the unmount */
#define CTL_TIMEOUT_S      10

struct ctl_cmd {
	const char *name;
	const char *args;    /* usage after the name */
	const char *summary;
	bool takes_name;
};

static const struct ctl_cmd cmds[] = {
	{"status", "[--json]", "show every driver: state, pid, uptime, restarts, calls, errors,\n"
			       "last crash (--json: one JSON object, stable for scripts)", false},
	{"logs", "[-f|--follow] NAME", "print the driver's recent console and monitor output (-f: "
				      "then follow it\nuntil Ctrl-C); also in $IKERNEL_RUNTIME_DIR/logs/NAME.log", true},
	{"restart", "NAME", "stop the driver (if running) and start it again; files opened before "
			    "fail\nwith EIO, new opens reach the new driver VM", true},
	{"stop", "NAME", "stop the driver; it stays stopped (no automatic restart) until 'ikernel "
			 "start'\nor 'ikernel restart'", true},
	{"start", "NAME", "start a stopped (or given-up) driver", true},
	{"down", "", "stop every driver, unmount the device files and end the supervisor; returns\n"
		     "once all is done", false},
};

static const struct ctl_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static void usage(const struct ctl_cmd *c, FILE *out)
{
	fprintf(out,
		"usage: ikernel %s %s\n\n%s.\n\n"
		"Talks to the supervisor ('ikernel up') through $IKERNEL_RUNTIME_DIR/control.sock\n"
		"(default /run/ikernel).\n\n"
		"options:\n"
		"  --runtime-dir DIR  the supervisor's runtime directory\n"
		"  -h, --help         this text\n\n"
		"exit status: 0 done; 1 the supervisor is not running or refused; 2 usage error\n",
		c->name, c->args, c->summary);
}

static void runtime_dir(const char *opt, char *out, size_t len)
{
	const char *d = opt ? opt : getenv(IK_RUNTIME_DIR_ENV);

	snprintf(out, len, "%s", d && *d ? d : IK_RUNTIME_DIR_DEFAULT);
}

static int connect_supervisor(const char *dir, const char *cmd)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", dir, IK_CTL_SOCKET_NAME);

	if (n < 0 || (size_t)n >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ikernel %s: runtime directory path too long: %s\n", cmd, dir);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;
		if (e == ENOENT || e == ECONNREFUSED)
			fprintf(stderr, "ikernel %s: the supervisor is not running (no %s; start it with "
					"'ikernel up')\n", cmd, sun.sun_path);
		else
			fprintf(stderr, "ikernel %s: cannot reach the supervisor at %s: %s\n", cmd,
				sun.sun_path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Send the request, check the first line, copy the rest to stdout. */
static int transact(int fd, const char *cmd, const char *req, int timeout_s)
{
	char buf[4096];
	size_t got = 0;
	bool header = true;

	if (timeout_s > 0) {
		struct timeval tv = {timeout_s, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "ikernel %s: cannot send to the supervisor: %s\n", cmd, strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "ikernel %s: no answer from the supervisor: %s\n", cmd,
				errno == EAGAIN ? "timed out" : strerror(errno));
			return 1;
		}
		if (n == 0) {
			if (header) {
				fprintf(stderr, "ikernel %s: the supervisor closed the connection without an "
						"answer\n", cmd);
				return 1;
			}
			return 0;
		}
		got += (size_t)n;
		if (!header) {
			fwrite(buf, 1, got, stdout);
			fflush(stdout);
			got = 0;
			continue;
		}
		buf[got] = '\0';
		char *nl = strchr(buf, '\n');
		if (!nl) {
			if (got < sizeof(buf) - 1)
				continue;
			nl = buf + got - 1;
		}
		*nl = '\0';
		if (strncmp(buf, "OK", 2) != 0) {
			fprintf(stderr, "ikernel %s: %s\n", cmd, !strncmp(buf, "ERR ", 4) ? buf + 4 : buf);
			return 1;
		}
		header = false;
		size_t rest = got - (size_t)(nl + 1 - buf);
		fwrite(nl + 1, 1, rest, stdout);
		fflush(stdout);
		got = 0;
	}
}

int ik_cmd_ctl(int argc, char **argv)
{
	const struct ctl_cmd *c = find_cmd(argv[0]);
	const char *dir_opt = NULL, *name = NULL;
	bool json = false, follow = false;
	char dir[4096], req[IK_CTL_LINE_MAX];

	if (!c)
		return 2;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(c, stdout);
			return 0;
		} else if (!strcmp(a, "--runtime-dir") && i + 1 < argc) {
			dir_opt = argv[++i];
		} else if (!strcmp(a, "--json") && !strcmp(c->name, "status")) {
			json = true;
		} else if ((!strcmp(a, "-f") || !strcmp(a, "--follow")) && !strcmp(c->name, "logs")) {
			follow = true;
		} else if (a[0] != '-' && c->takes_name && !name) {
			name = a;
		} else {
			fprintf(stderr, "ikernel %s: unexpected argument '%s'\n", c->name, a);
			usage(c, stderr);
			return 2;
		}
	}
	if (c->takes_name && !name) {
		fprintf(stderr, "ikernel %s: which driver? (see 'ikernel status')\n", c->name);
		usage(c, stderr);
		return 2;
	}
	if (name && (strlen(name) >= 64 || strchr(name, ' '))) {
		fprintf(stderr, "ikernel %s: bad driver name '%s'\n", c->name, name);
		return 2;
	}
	runtime_dir(dir_opt, dir, sizeof(dir));
	int fd = connect_supervisor(dir, c->name);
	if (fd < 0)
		return 1;
	if (!strcmp(c->name, "status"))
		snprintf(req, sizeof(req), "status%s\n", json ? " json" : "");
	else if (!strcmp(c->name, "logs"))
		snprintf(req, sizeof(req), "%s %s\n", follow ? "logs-follow" : "logs", name);
	else if (name)
		snprintf(req, sizeof(req), "%s %s\n", c->name, name);
	else
		snprintf(req, sizeof(req), "%s\n", c->name);
	int timeout = follow ? 0 : !strcmp(c->name, "down") ? CTL_DOWN_TIMEOUT_S : CTL_TIMEOUT_S;
	int r = transact(fd, c->name, req, timeout);
	close(fd);
	return r;
}
