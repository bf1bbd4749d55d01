/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/proc_fs.h>, includable only (no procfs in a driver VM; drivers guard
 * their use with CONFIG_PROC_FS, which is not defined). */
#ifndef _IK_LINUX_PROC_FS_H
#define _IK_LINUX_PROC_FS_H

#include <linux/types.h>
#include <linux/fs.h>
#include <linux/mm.h>

#endif
