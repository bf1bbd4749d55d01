/* SPDX-License-Identifier: MIT */
/* The monitor's sandbox (sandbox.c): fds, limits, identity, capabilities, seccomp. */
#ifndef IKMON_SANDBOX_H
#define IKMON_SANDBOX_H

#include <stddef.h>

struct ik_sandbox_opts {
	const char *user; /* switch to this user (needs root), or NULL to stay */
	int keep_fd;      /* an fd to keep although it is not close-on-exec (the log), or -1 */
};

/* Enter the sandbox for the rest of the process's life. 0, or -errno with a message. */
int ik_sandbox_enter(const struct ik_sandbox_opts *o, char *err, size_t errlen);

#endif
