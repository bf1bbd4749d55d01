/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: overflow-checked arithmetic (<linux/overflow.h>). */
#ifndef _IK_LINUX_OVERFLOW_H
#define _IK_LINUX_OVERFLOW_H

#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

#define array_size(a, b)                                                                           \
	({                                                                                         \
		size_t __ik_bytes;                                                                 \
		check_mul_overflow((size_t)(a), (size_t)(b), &__ik_bytes) ? SIZE_MAX : __ik_bytes; \
	})
#define struct_size(p, member, count)                                                              \
	(sizeof(*(p)) + array_size(sizeof(*(p)->member), (count)))

#endif
