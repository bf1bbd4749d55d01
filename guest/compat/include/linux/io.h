/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/io.h>. */
#ifndef _IK_LINUX_IO_H
#define _IK_LINUX_IO_H

#include <linux/types.h>
#include <asm/io.h>

#endif
