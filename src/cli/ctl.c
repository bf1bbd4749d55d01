/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's commands: status, logs, restart, stop, start, down. Each sends one request
 * on $IKERNEL_RUNTIME_DIR/control.sock (src/super/ctlproto.h) and prints the answer.
 */
#include <errno.h>
#include <getopt.h>
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
	bool idempotent;     /* nothing to do (no supervisor, already stopped) is done: exit 0 */
};

static const struct ctl_cmd cmds[] = {
	{"status", "[--json]", "show every driver: state, pid, uptime, restarts, calls, errors,\n"
			       "last crash (--json: one JSON object, stable for scripts)", false, false},
	{"logs", "[-f|--follow] NAME", "print the driver's recent console and monitor output (-f: "
				      "then follow it\nuntil Ctrl-C); also in $IKERNEL_RUNTIME_DIR/logs/NAME.log",
	 true, false},
	{"restart", "NAME", "stop the driver (if running) and start it again, also a failed one.\n"
			    "Files opened before keep working if its manifest says recovery = transparent\n"
			    "(each is reopened on the new driver VM and its recorded state replayed; calls\n"
			    "wait for it, at most recovery_wait); otherwise (recovery = fail-open-files,\n"
			    "the default) their calls fail with EIO. New opens reach the new driver VM", true,
	 false},
	{"stop", "NAME", "stop the driver; it stays stopped (no automatic restart) until 'ikernel "
			 "start'\nor 'ikernel restart'. Calls on its open files then fail with EIO and opens\n"
			 "with ENXIO, whatever its recovery policy. A driver that is not running, or no\n"
			 "supervisor at all, is not an error: exit 0 with a note", true, true},
	{"start", "NAME", "start a stopped (or given-up) driver", true, false},
	{"down", "", "stop every driver, unmount the device files and end the supervisor; returns\n"
		     "once all is done. With no supervisor running there is nothing to stop: exit 0\n"
		     "with a note", false, true},
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
		"options (--opt VALUE and --opt=VALUE alike):\n"
		"%s"
		"  --runtime-dir DIR  the supervisor's runtime directory\n"
		"  -h, --help         this text\n\n"
		"exit status: 0 done%s; 1 %s; 2 usage error\n",
		c->name, c->args, c->summary,
		!strcmp(c->name, "status") ? "  --json             one JSON object (docs/ikernel.1.md)\n" :
		!strcmp(c->name, "logs") ? "  -f, --follow       then print new lines until Ctrl-C\n" : "",
		c->idempotent ? " (or nothing to do)" : "",
		c->idempotent ? "the supervisor refused or failed" :
				"the supervisor is not running, refused or failed");
}

static void runtime_dir(const char *opt, char *out, size_t len)
{
	const char *d = opt ? opt : getenv(IK_RUNTIME_DIR_ENV);

	snprintf(out, len, "%s", d && *d ? d : IK_RUNTIME_DIR_DEFAULT);
}

/* The control socket: a descriptor, or -1 after saying why not. With no supervisor running
 * (no socket, or a stale one), a command with nothing to do then (down, stop) says so in a
 * note and gets -2: done. */
static int connect_supervisor(const char *dir, const struct ctl_cmd *c, const char *name)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", dir, IK_CTL_SOCKET_NAME);

	if (n < 0 || (size_t)n >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ikernel %s: runtime directory path too long: %s\n", c->name, dir);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		if ((e == ENOENT || e == ECONNREFUSED) && c->idempotent) {
			printf("ikernel %s: the supervisor is not running (no %s): %s%s%s\n", c->name,
			       sun.sun_path, name ? "driver '" : "nothing to stop", name ? name : "",
			       name ? "' is not running" : "");
			return -2;
		}
		if (e == ENOENT || e == ECONNREFUSED)
			fprintf(stderr, "ikernel %s: the supervisor is not running (no %s; start it with "
					"'ikernel up')\n", c->name, sun.sun_path);
		else
			fprintf(stderr, "ikernel %s: cannot reach the supervisor at %s: %s\n", c->name,
				sun.sun_path, strerror(e));
		return -1;
	}
	return fd;
}

/* Send the request, check the first line, copy the rest to stdout. 0 done, 1 failed (said
 * so); with `dropped_ok`, a connection dropped before any answer (a supervisor that was
 * ending as we came: `down` during a shutdown) is 3, unsaid. */
static int transact(int fd, const char *cmd, const char *req, int timeout_s, bool dropped_ok)
{
	char buf[4096];
	size_t got = 0;
	bool header = true;

	if (timeout_s > 0) {
		struct timeval tv = {timeout_s, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
		if (dropped_ok && (errno == EPIPE || errno == ECONNRESET))
			return 3;
		fprintf(stderr, "ikernel %s: cannot send to the supervisor: %s\n", cmd, strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && dropped_ok && header && errno == ECONNRESET)
			return 3;
		if (n < 0) {
			fprintf(stderr, "ikernel %s: no answer from the supervisor: %s\n", cmd,
				errno == EAGAIN ? "timed out" : strerror(errno));
			return 1;
		}
		if (n == 0) {
			if (header && dropped_ok)
				return 3;
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
	static const struct option longopts[] = {
		{"runtime-dir", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},
		{"follow", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const struct ctl_cmd *c = find_cmd(argv[0]);
	const char *dir_opt = NULL, *name = NULL;
	bool json = false, follow = false;
	char dir[4096], req[IK_CTL_LINE_MAX];
	int opt;

	if (!c)
		return 2;
	bool is_status = !strcmp(c->name, "status"), is_logs = !strcmp(c->name, "logs");
	opterr = 0; /* our own messages, which name the command */
	optind = 1;
	while ((opt = getopt_long(argc, argv, is_logs ? ":hf" : ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(c, stdout);
			return 0;
		case 'r':
			dir_opt = optarg;
			break;
		case 'j':
			if (!is_status)
				return ik_usage_error(c->name, "unknown option '%s'", argv[optind - 1]);
			json = true;
			break;
		case 'f':
			if (!is_logs)
				return ik_usage_error(c->name, "unknown option '%s'", argv[optind - 1]);
			follow = true;
			break;
		default:
			return ik_bad_option(c->name, opt, argv, longopts);
		}
	}
	for (; optind < argc; optind++) {
		if (!c->takes_name || name)
			return ik_usage_error(c->name, "unexpected argument '%s'", argv[optind]);
		name = argv[optind];
	}
	if (c->takes_name && !name)
		return ik_usage_error(c->name, "which driver? (a NAME from 'ikernel status')");
	if (name && (!*name || strlen(name) >= 64 || strpbrk(name, " \t\n")))
		return ik_usage_error(c->name, "bad driver name '%s'", name);
	runtime_dir(dir_opt, dir, sizeof(dir));
	if (is_status)
		snprintf(req, sizeof(req), "status%s\n", json ? " json" : "");
	else if (is_logs)
		snprintf(req, sizeof(req), "%s %s\n", follow ? "logs-follow" : "logs", name);
	else if (name)
		snprintf(req, sizeof(req), "%s %s\n", c->name, name);
	else
		snprintf(req, sizeof(req), "%s\n", c->name);
	bool is_down = !strcmp(c->name, "down");
	int timeout = follow ? 0 : is_down ? CTL_DOWN_TIMEOUT_S : CTL_TIMEOUT_S;
	/* `down` while the supervisor ends anyway may find its connection dropped: ask again until
	 * the supervisor answers or is gone (nothing to stop), for a few seconds. */
	for (int attempt = 0;; attempt++) {
		int fd = connect_supervisor(dir, c, name);
		if (fd < 0)
			return fd == -2 ? 0 : 1;
		int r = transact(fd, c->name, req, timeout, is_down && attempt < 50);
		close(fd);
		if (r != 3)
			return r;
		usleep(100000);
	}
}
