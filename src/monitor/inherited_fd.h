/* SPDX-License-Identifier: MIT */
/* A descriptor the supervisor hands `ikernel run` (the liveness page, the status channel). */
#ifndef IKMON_INHERITED_FD_H
#define IKMON_INHERITED_FD_H

/* The descriptor named by environment variable `var` (a decimal number >= 3), or -1 when there
 * is none or it is malformed. The variable is unset either way: nothing we start inherits it. */
int ik_inherited_fd(const char *var);

#endif
