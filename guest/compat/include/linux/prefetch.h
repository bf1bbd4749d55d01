/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/prefetch.h>: cache hints, the compiler's. */
#ifndef _IK_LINUX_PREFETCH_H
#define _IK_LINUX_PREFETCH_H

#define prefetch(x)  __builtin_prefetch(x)
#define prefetchw(x) __builtin_prefetch(x, 1)

#endif
