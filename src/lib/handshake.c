/* SPDX-License-Identifier: MIT */
/* Connecting to a monitor: hello, welcome with three fds (SCM_RIGHTS), mapping the channel. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conn.h"
#include "welcome.h"

#define IK_WELCOME_FDS 3
#define IK_FDS_ROOM    8 /* room to see (and close) fds beyond the three expected */
#define IK_HANDSHAKE_TIMEOUT_S 5

static int connect_socket(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;
		close(fd);
		/* No socket, or nobody listening (a stale node of a stopped driver). */
		return (err == ECONNREFUSED || err == ENOENT || err == ENOTDIR) ? -ENXIO : -err;
	}
	/* A trusted monitor answers at once; a wedged one must not hang ik_open forever. */
	struct timeval tv = {.tv_sec = IK_HANDSHAKE_TIMEOUT_S};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static int send_hello(int fd)
{
	struct ik_ctl_hello hello = {.magic = IK_CTL_MAGIC, .abi_version = IK_ABI_VERSION};
	ssize_t n = send(fd, &hello, sizeof(hello), MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -ETIMEDOUT; /* SO_SNDTIMEO: a wedged monitor (-EAGAIN means "ask again") */
	if (n < 0)
		return (errno == EPIPE || errno == ECONNRESET) ? -ENXIO : -errno; /* driver ending */
	return n == (ssize_t)sizeof(hello) ? 0 : -EPROTO;
}

/* Collect every fd the message carried into fds[]; returns how many (may exceed `room`: the
 * extra ones are closed). */
static int take_fds(struct msghdr *msg, int *fds, int room)
{
	int count = 0;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (count < room)
				fds[count] = fd;
			else
				close(fd);
			count++;
		}
	}
	return count;
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

/* Receive the welcome and its fds. Returns the byte count, or -errno. */
static int recv_welcome(int fd, struct ik_ctl_welcome *w, int fds[IK_WELCOME_FDS], char *why,
			size_t whylen)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * IK_FDS_ROOM)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = w, .iov_len = sizeof(*w)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf)};
	int got[IK_FDS_ROOM];

	memset(w, 0, sizeof(*w));
	ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0) {
		int err = errno;
		snprintf(why, whylen, "no welcome from the monitor: %s", strerror(err));
		if (err == ECONNRESET)
			return -ENXIO; /* the driver is ending */
		return err == EAGAIN ? -ETIMEDOUT : -err;
	}
	int count = take_fds(&msg, got, IK_FDS_ROOM);
	int kept = count < IK_FDS_ROOM ? count : IK_FDS_ROOM;
	if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) {
		close_fds(got, kept);
		snprintf(why, whylen, "welcome from the monitor truncated");
		return -EPROTO;
	}
	if (n == sizeof(*w) && w->status == 0 && count != IK_WELCOME_FDS) {
		close_fds(got, kept);
		snprintf(why, whylen, "welcome carried %d fds, expected %d", count, IK_WELCOME_FDS);
		return -EPROTO;
	}
	if (n != sizeof(*w) || w->status != 0) {
		close_fds(got, kept); /* a refusal carries none; close any anyway */
		return (int)n;
	}
	memcpy(fds, got, sizeof(int) * IK_WELCOME_FDS);
	return (int)n;
}

/* The recovery policy notice that follows a welcome with IK_WELCOME_F_RECOVERY. */
static int recv_recovery(struct ik_conn *c)
{
	struct ik_ctl_notice n;
	char why[160];

	memset(&n, 0, sizeof(n));
	ssize_t got = recv(c->sock, &n, sizeof(n), 0);
	if (got != (ssize_t)sizeof(n) || n.magic != IK_CTL_MAGIC || n.kind != IK_NOTICE_RECOVERY)
		return got < 0 && errno == EAGAIN ? -ETIMEDOUT : -EPROTO;
	n.reason[sizeof(n.reason) - 1] = '\0';
	/* From the trusted monitor; a spec we cannot read means no recovery, not no driver. */
	if (ik_recovery_parse(n.reason, &c->policy, why, sizeof(why)) < 0)
		c->policy = (struct ik_recovery_policy){0};
	return 0;
}

static int map_channel(struct ik_conn *c, int memfd)
{
	struct stat st;
	size_t len = c->welcome.geometry.size;

	/* A memfd shorter than the geometry would SIGBUS us on access. */
	if (fstat(memfd, &st) < 0)
		return -errno;
	if (st.st_size < 0 || (uint64_t)st.st_size < len)
		return -EPROTO;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (p == MAP_FAILED)
		return -errno;
	c->map = p;
	c->map_len = len;
	return 0;
}

int ik_conn_handshake(struct ik_conn *c, const char *path)
{
	char why[160] = "";
	int fds[IK_WELCOME_FDS] = {-1, -1, -1};
	int fd = connect_socket(path);

	if (fd < 0)
		return fd;
	c->sock = fd;
	int err = send_hello(fd);
	if (err)
		return err;
	int n = recv_welcome(fd, &c->welcome, fds, why, sizeof(why));
	if (n < 0)
		return n;
	if (n == 0)
		return -ENXIO; /* the monitor hung up: its driver is ending */
	err = ik_welcome_check(&c->welcome, (size_t)n, why, sizeof(why));
	if (err) {
		if (c->welcome.status == 0)
			close_fds(fds, IK_WELCOME_FDS);
		/* A monitor refuses with -EPIPE while its driver is not ready yet or has ended: no
		 * driver to reach right now, like a node whose link has gone (ikernel.h). */
		return err == -EPIPE ? -ENXIO : err;
	}
	c->kick_fd = fds[1];
	c->done_fd = fds[2];
	err = map_channel(c, fds[0]);
	close(fds[0]); /* the mapping keeps the memory */
	if (err)
		return err;
	if (c->welcome.flags & IK_WELCOME_F_RECOVERY) {
		err = recv_recovery(c);
		if (err)
			return err;
	}
	/* Handshake done: a blocking socket without timeouts again; we only poll it. */
	struct timeval tv = {0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	c->chan_index = c->welcome.chan;
	memcpy(c->driver, c->welcome.driver, sizeof(c->driver));
	return ik_chan_init(&c->ch, c->map, &c->welcome.geometry);
}

void ik_conn_release_resources(struct ik_conn *c)
{
	ik_chan_fini(&c->ch);
	if (c->map)
		munmap(c->map, c->map_len);
	c->map = NULL;
	if (c->sock >= 0)
		close(c->sock);
	if (c->kick_fd >= 0)
		close(c->kick_fd);
	if (c->done_fd >= 0)
		close(c->done_fd);
	c->sock = c->kick_fd = c->done_fd = -1;
}
