/* SPDX-License-Identifier: MIT */
/* The control socket server (ctlproto.h), served on the main thread. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctlproto.h"
#include "super.h"

static int listen_fd = -1;
/* The clients waiting for `down` to finish (a second `down` is answered too, not dropped). */
#define DOWN_WAITERS_MAX 8
static int down_fds[DOWN_WAITERS_MAX];
static unsigned ndown;
static char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

int control_fd(void)
{
	return listen_fd;
}

int control_open(char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int n = snprintf(sock_path, sizeof(sock_path), "%s/%s", super.runtime_dir, IK_CTL_SOCKET_NAME);

	if (n < 0 || (size_t)n >= sizeof(sock_path)) {
		snprintf(err, errlen, "control socket path %s/%s is too long", super.runtime_dir,
			 IK_CTL_SOCKET_NAME);
		return -ENAMETOOLONG;
	}
	memcpy(sun.sun_path, sock_path, (size_t)n + 1);
	unlink(sock_path); /* we hold the supervisor lock: any old socket is stale */
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(sock_path, 0666) < 0 || listen(listen_fd, 16) < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot listen on %s: %s", sock_path, strerror(e));
		if (listen_fd >= 0)
			close(listen_fd);
		listen_fd = -1;
		return -e;
	}
	return 0;
}

void control_close(void)
{
	if (listen_fd >= 0) {
		close(listen_fd);
		unlink(sock_path);
	}
	listen_fd = -1;
}

static void say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(int fd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!send(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1, MSG_NOSIGNAL);
}

/* Read the one request line (bounded: a silent client is dropped after a second). */
static int read_request(int fd, char *line, size_t len)
{
	size_t got = 0;

	while (got < len - 1) {
		ssize_t n = recv(fd, line + got, len - 1 - got, 0);
		if (n <= 0)
			return -1;
		got += (size_t)n;
		if (memchr(line, '\n', got))
			break;
	}
	line[got] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	return 0;
}

static bool privileged(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == 0 || cred.uid == getuid();
}

static struct drv *named(int fd, const char *name)
{
	struct drv *d = name && *name ? super_find(name) : NULL;

	if (!d) {
		char known[512] = "";
		for (unsigned i = 0; i < super.ndrivers; i++) {
			size_t l = strlen(known);
			snprintf(known + l, sizeof(known) - l, "%s%s", i ? ", " : "", super.drivers[i].m.name);
		}
		say(fd, "ERR no driver named '%s' (drivers: %s)\n", name ? name : "", known);
	}
	return d;
}

/* Serve one request; returns true when fd was kept (follower, pending down). */
static bool serve(int fd, char *req)
{
	char *save = NULL;
	char *cmd = strtok_r(req, " ", &save);
	char *arg = strtok_r(NULL, " ", &save);
	struct drv *d;

	if (!cmd) {
		say(fd, "ERR empty request\n");
		return false;
	}
	if (!strcmp(cmd, "status")) {
		say(fd, "OK\n");
		status_write(fd, arg && !strcmp(arg, "json"));
		return false;
	}
	if (!strcmp(cmd, "logs") || !strcmp(cmd, "logs-follow")) {
		if (!(d = named(fd, arg)))
			return false;
		say(fd, "OK\n");
		logbuf_dump(&d->log, fd);
		if (!strcmp(cmd, "logs-follow")) {
			if (logbuf_follow(&d->log, fd) == 0)
				return true;
			say(fd, "ikernel: too many followers of %s's log\n", d->m.name);
		}
		return false;
	}
	bool known = !strcmp(cmd, "restart") || !strcmp(cmd, "stop") || !strcmp(cmd, "start") ||
		     !strcmp(cmd, "down");
	if (!known) {
		say(fd, "ERR unknown request '%s'\n", cmd);
		return false;
	}
	if (!privileged(fd)) {
		say(fd, "ERR permission denied: '%s' needs root or the supervisor's user\n", cmd);
		return false;
	}
	if (!strcmp(cmd, "down")) {
		if (ndown >= DOWN_WAITERS_MAX) {
			say(fd, "OK\nthe supervisor is already shutting down\n");
			return false;
		}
		down_fds[ndown++] = fd;
		super_request_shutdown();
		return true;
	}
	if (super.shutting_down && !strcmp(cmd, "stop")) { /* every driver is being stopped */
		say(fd, "OK\nthe supervisor is shutting down: every driver stops\n");
		return false;
	}
	if (super.shutting_down) {
		say(fd, "ERR the supervisor is shutting down\n");
		return false;
	}
	if (!(d = named(fd, arg)))
		return false;
	if (!strcmp(cmd, "stop") && d->pid <= 0) { /* nothing to stop: done, with a note */
		if (d->state == DRV_STOPPED) {
			say(fd, "OK\n%s is already stopped\n", d->m.name);
		} else {
			say(fd, "OK\n%s was not running (%s); it stays stopped\n", d->m.name,
			    drv_state_name(d->state));
			drv_note(d, "stop requested");
			drv_request_stop(d, false);
		}
	} else if (!strcmp(cmd, "stop") && d->state == DRV_STOPPING && !d->restart_after_stop) {
		say(fd, "OK\n%s is already stopping\n", d->m.name);
	} else if (!strcmp(cmd, "stop")) {
		drv_note(d, "stop requested");
		drv_request_stop(d, false);
		say(fd, "OK\nstopping %s\n", d->m.name);
	} else if (!strcmp(cmd, "start")) {
		drv_note(d, "start requested");
		drv_request_start(d);
		say(fd, "OK\nstarting %s\n", d->m.name);
	} else {
		drv_note(d, "restart requested");
		drv_request_stop(d, true);
		say(fd, "OK\nrestarting %s\n", d->m.name);
	}
	return false;
}

void control_accept(void)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct timeval tv = {1, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		tv.tv_sec = 2;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		char req[IK_CTL_LINE_MAX];
		if (read_request(fd, req, sizeof(req)) < 0) {
			close(fd);
			continue;
		}
		if (!serve(fd, req))
			close(fd);
	}
}

void control_finish_down(void)
{
	for (unsigned i = 0; i < ndown; i++) {
		say(down_fds[i], "OK\nall drivers stopped, %s unmounted\n", super.dev_dir);
		close(down_fds[i]);
	}
	ndown = 0;
}
