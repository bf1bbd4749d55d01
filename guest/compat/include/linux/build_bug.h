/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/build_bug.h> (the macros live in <linux/compiler.h>). */
#ifndef _IK_LINUX_BUILD_BUG_H
#define _IK_LINUX_BUILD_BUG_H

#include <linux/compiler.h>

#endif
