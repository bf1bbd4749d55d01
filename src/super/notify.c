/* SPDX-License-Identifier: MIT */
/*
 * systemd's readiness protocol (sd_notify(3)), by hand: when $NOTIFY_SOCKET names a socket,
 * `ikernel up` sends it datagrams of NEWLINE-separated assignments: READY=1 with STATUS=... once
 * its drivers have been started and the device files mounted, STATUS=... when a driver's state
 * changes, STOPPING=1 when it shuts down. The protocol is one datagram on an AF_UNIX socket
 * (a path, or "@name" in the abstract namespace); doing it here costs ~40 lines and keeps
 * libsystemd out of a binary that must also run without systemd. The variable is unset once
 * read, so no monitor ever talks to systemd in the supervisor's name.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "super.h"

static struct sockaddr_un addr;
static socklen_t addr_len;
static int sock = -1;

void notify_init(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	size_t n = path ? strlen(path) : 0;

	if (n < 2 || n >= sizeof(addr.sun_path) || (path[0] != '/' && path[0] != '@')) {
		unsetenv("NOTIFY_SOCKET");
		return;
	}
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, path, n);
	if (path[0] == '@')
		addr.sun_path[0] = '\0'; /* abstract namespace: no trailing NUL counted */
	addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '/'));
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsetenv("NOTIFY_SOCKET");
}

bool notify_enabled(void)
{
	return sock >= 0;
}

void notify_send(const char *text)
{
	if (sock < 0)
		return;
	if (sendto(sock, text, strlen(text), MSG_NOSIGNAL, (struct sockaddr *)&addr, addr_len) < 0)
		super_log(LOGBUF_WARNING, "cannot notify systemd ($NOTIFY_SOCKET): %s", strerror(errno));
}
