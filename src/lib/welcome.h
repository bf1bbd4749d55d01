/* SPDX-License-Identifier: MIT */
/* The monitor's welcome: validated before anything in it is used (defence in depth: the
 * monitor is trusted, but a wrong or stale one must not crash a client). */
#ifndef IKLIB_WELCOME_H
#define IKLIB_WELCOME_H

#include <stddef.h>

#include "ikernel/control.h"

/* Returns 0 for a usable welcome, the monitor's -errno status when it refused us, or -EPROTO
 * (with a reason in why) for a malformed one. `len` is the number of bytes received. */
int ik_welcome_check(const struct ik_ctl_welcome *w, size_t len, char *why, size_t whylen);

/* Node id of `name` in a checked welcome, or -ENOENT. */
int ik_welcome_node(const struct ik_ctl_welcome *w, const char *name);

#endif
