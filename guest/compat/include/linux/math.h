/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/math.h>. */
#ifndef _IK_LINUX_MATH_H
#define _IK_LINUX_MATH_H

#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))
#define DIV_ROUND_CLOSEST(x, d) (((x) + ((d) / 2)) / (d))
#define roundup(x, y) ((((x) + ((y)-1)) / (y)) * (y))
#define rounddown(x, y) ((x) - ((x) % (y)))
#define round_up(x, y) ((((x)-1) | ((__typeof__(x))((y)-1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y)-1)))
#define abs(x)                                                                                     \
	({                                                                                         \
		__typeof__(x) __ik_v = (x);                                                        \
		__ik_v < 0 ? -__ik_v : __ik_v;                                                     \
	})
#define do_div(n, base)                                                                            \
	({                                                                                         \
		unsigned int __ik_base = (base);                                                   \
		unsigned int __ik_rem = (unsigned int)((n) % __ik_base);                           \
		(n) = (n) / __ik_base;                                                             \
		__ik_rem;                                                                          \
	})

#endif
