/* SPDX-License-Identifier: MIT */
/* Sending the handshake's answer and notices (control.h), and any message with descriptors,
 * shared by the VM monitor and the process monitor. */
#ifndef IKMON_CTL_SEND_H
#define IKMON_CTL_SEND_H

#include <stddef.h>

#include "ikernel/control.h"

/* The most descriptors one message carries (a process driver's wait reply: two per channel). */
#define IK_SEND_FDS_MAX (2 * IK_MAX_CHANNELS)

/* Send len bytes of buf on the socket fd as one message with nfds (<= IK_SEND_FDS_MAX)
 * descriptors attached by SCM_RIGHTS; flags for sendmsg besides MSG_NOSIGNAL. 0 when it all
 * went, or -errno. */
int ik_send_fds(int fd, const void *buf, size_t len, const int *fds, unsigned nfds, int flags);

/* Send `w` on the client socket `fd` with `nfds` (0 or 3) descriptors attached by SCM_RIGHTS,
 * without blocking. Returns 0 or -errno. */
int ik_ctl_send_welcome(int fd, const struct ik_ctl_welcome *w, const int *fds, unsigned nfds);

/* Send a notice of `kind` with `reason` (cut to fit, NUL-terminated) on the client socket `fd`,
 * without blocking. Returns 0 or -errno. */
int ik_ctl_send_notice(int fd, uint32_t kind, const char *reason);

#endif
