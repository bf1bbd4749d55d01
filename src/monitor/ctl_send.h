/* SPDX-License-Identifier: MIT */
/* Sending the handshake's answer (control.h), shared by the VM monitor and the process monitor. */
#ifndef IKMON_CTL_SEND_H
#define IKMON_CTL_SEND_H

#include "ikernel/control.h"

/* Send `w` on the client socket `fd` with `nfds` (0 or 3) descriptors attached by SCM_RIGHTS,
 * without blocking. Returns 0 or -errno. */
int ik_ctl_send_welcome(int fd, const struct ik_ctl_welcome *w, const int *fds, unsigned nfds);

#endif
