/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ctl_send.h"

int ik_send_fds(int fd, const void *buf, size_t len, const int *fds, unsigned nfds, int flags)
{
	char cbuf[CMSG_SPACE(IK_SEND_FDS_MAX * sizeof(int))] = {0};
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (nfds > IK_SEND_FDS_MAX)
		return -EINVAL;
	if (nfds) {
		struct cmsghdr *cm;

		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL | flags) == (ssize_t)len ? 0 : -errno;
}

int ik_ctl_send_welcome(int fd, const struct ik_ctl_welcome *w, const int *fds, unsigned nfds)
{
	if (nfds > 3)
		return -EINVAL;
	return ik_send_fds(fd, w, sizeof(*w), fds, nfds, MSG_DONTWAIT);
}

int ik_ctl_send_notice(int fd, uint32_t kind, const char *reason)
{
	struct ik_ctl_notice n = {.magic = IK_CTL_MAGIC, .kind = kind};

	snprintf(n.reason, sizeof(n.reason), "%s", reason);
	return send(fd, &n, sizeof(n), MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)sizeof(n) ? 0 : -errno;
}
