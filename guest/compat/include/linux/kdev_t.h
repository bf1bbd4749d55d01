/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: device numbers (<linux/kdev_t.h>), the kernel's 12:20 split. */
#ifndef _IK_LINUX_KDEV_T_H
#define _IK_LINUX_KDEV_T_H

#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev)&MINORMASK))
#define MKDEV(ma, mi) (((ma) << MINORBITS) | (mi))

#endif
