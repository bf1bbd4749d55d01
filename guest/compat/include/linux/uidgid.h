/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/uidgid.h>. */
#ifndef _IK_LINUX_UIDGID_H
#define _IK_LINUX_UIDGID_H

#include <linux/types.h>

typedef struct {
	uid_t val;
} kuid_t;

typedef struct {
	gid_t val;
} kgid_t;

#define GLOBAL_ROOT_UID ((kuid_t){0})
#define GLOBAL_ROOT_GID ((kgid_t){0})

#endif
