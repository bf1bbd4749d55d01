/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/ioctl.h>. */
#ifndef _IK_LINUX_IOCTL_H
#define _IK_LINUX_IOCTL_H

#include <asm/ioctl.h>

#endif
