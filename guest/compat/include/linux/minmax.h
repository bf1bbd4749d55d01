/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: min/max/clamp (<linux/minmax.h>), each argument evaluated once. */
#ifndef _IK_LINUX_MINMAX_H
#define _IK_LINUX_MINMAX_H

#define __ik_cmp(op, x, y)                                                                         \
	({                                                                                         \
		__typeof__(x) __ik_x = (x);                                                        \
		__typeof__(y) __ik_y = (y);                                                        \
		(void)(&__ik_x == &__ik_y); /* warns on mixed types, like the kernel */            \
		__ik_x op __ik_y ? __ik_x : __ik_y;                                                \
	})

#define min(x, y) __ik_cmp(<, x, y)
#define max(x, y) __ik_cmp(>, x, y)
#define min3(x, y, z) min((__typeof__(x))min(x, y), z)
#define max3(x, y, z) max((__typeof__(x))max(x, y), z)
#define min_t(type, x, y) __ik_cmp(<, (type)(x), (type)(y))
#define max_t(type, x, y) __ik_cmp(>, (type)(x), (type)(y))
#define min_not_zero(x, y)                                                                         \
	({                                                                                         \
		__typeof__(x) __ik_a = (x);                                                        \
		__typeof__(y) __ik_b = (y);                                                        \
		__ik_a == 0 ? __ik_b : ((__ik_b == 0) ? __ik_a : min(__ik_a, __ik_b));             \
	})
#define clamp(val, lo, hi) min((__typeof__(val))max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define clamp_val(val, lo, hi) clamp_t(__typeof__(val), val, lo, hi)
#define swap(a, b)                                                                                 \
	do {                                                                                       \
		__typeof__(a) __ik_tmp = (a);                                                      \
		(a) = (b);                                                                         \
		(b) = __ik_tmp;                                                                    \
	} while (0)

#endif
