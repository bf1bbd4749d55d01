/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/const.h>, the constant helpers uapi headers use. */
#ifndef _IK_LINUX_CONST_H
#define _IK_LINUX_CONST_H

#define _AC(X, Y)  (X##Y)
#define _AT(T, X)  ((T)(X))
#define _UL(x)     (_AC(x, UL))
#define _ULL(x)    (_AC(x, ULL))
#define _BITUL(x)  (_UL(1) << (x))
#define _BITULL(x) (_ULL(1) << (x))
#define UL(x)      _UL(x)
#define ULL(x)     _ULL(x)
#define __KERNEL_DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

#endif
