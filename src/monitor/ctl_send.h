/* SPDX-License-Identifier: MIT */
/* Sending the handshake's answer and notices (control.h), shared by the VM monitor and the process
 * monitor. */
#ifndef IKMON_CTL_SEND_H
#define IKMON_CTL_SEND_H

#include "ikernel/control.h"

/* Send `w` on the client socket `fd` with `nfds` (0 or 3) descriptors attached by SCM_RIGHTS,
 * without blocking. Returns 0 or -errno. */
int ik_ctl_send_welcome(int fd, const struct ik_ctl_welcome *w, const int *fds, unsigned nfds);

/* Send a notice of `kind` with `reason` (cut to fit, NUL-terminated) on the client socket `fd`,
 * without blocking. Returns 0 or -errno. */
int ik_ctl_send_notice(int fd, uint32_t kind, const char *reason);

#endif
