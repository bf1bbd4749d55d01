/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/vmalloc.h>. A driver VM has one flat heap, so virtually
 * contiguous memory is heap memory: vmalloc, vzalloc and vfree are <linux/slab.h>'s. */
#ifndef _IK_LINUX_VMALLOC_H
#define _IK_LINUX_VMALLOC_H

#include <linux/slab.h>

#endif
