/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/stddef.h>. */
#ifndef _IK_LINUX_STDDEF_H
#define _IK_LINUX_STDDEF_H

#include <stddef.h>
#include <stdbool.h>
#include <linux/compiler.h>

#define sizeof_field(TYPE, MEMBER) sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER) (offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))

#endif
