/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: user copies (<linux/uaccess.h>).
 *
 * "User space" is the data buffer of the request being served (the runtime's user window):
 * every access is checked with ik_user_range_ok(), so a driver can neither read nor write
 * outside the buffer the client handed over. As in Linux, copy_{to,from}_user return the number
 * of bytes NOT copied (the part of the range outside the window), copy_from_user zero-fills the
 * part it could not copy, and get_user/put_user return 0 or -EFAULT.
 */
#ifndef _IK_LINUX_UACCESS_H
#define _IK_LINUX_UACCESS_H

#include <ik/rt.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/sched.h>

#define access_ok(addr, size) ik_user_range_ok((const void *)(addr), (size))

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long clear_user(void __user *to, unsigned long n);
long strncpy_from_user(char *dst, const char __user *src, long count);
long strnlen_user(const char __user *src, long n);
void *memdup_user(const void __user *src, size_t len);
void *memdup_user_nul(const void __user *src, size_t len);

#define __copy_to_user copy_to_user
#define __copy_from_user copy_from_user
#define raw_copy_to_user copy_to_user
#define raw_copy_from_user copy_from_user

#define get_user(x, ptr)                                                                           \
	({                                                                                         \
		const __typeof__(*(ptr)) __user *__ik_gp = (ptr);                                  \
		int __ik_ge = -EFAULT;                                                             \
		if (ik_user_range_ok(__ik_gp, sizeof(*__ik_gp))) {                                 \
			(x) = *(const volatile __typeof__(*(ptr)) *)__ik_gp;                       \
			__ik_ge = 0;                                                               \
		} else {                                                                           \
			(x) = (__typeof__(*(ptr)))0;                                               \
		}                                                                                  \
		__ik_ge;                                                                           \
	})

#define put_user(x, ptr)                                                                           \
	({                                                                                         \
		__typeof__(*(ptr)) __user *__ik_pp = (ptr);                                        \
		__typeof__(*(ptr)) __ik_pv = (x);                                                  \
		int __ik_pe = -EFAULT;                                                             \
		if (ik_user_range_ok(__ik_pp, sizeof(*__ik_pp))) {                                 \
			*(volatile __typeof__(*(ptr)) *)__ik_pp = __ik_pv;                         \
			__ik_pe = 0;                                                               \
		}                                                                                  \
		__ik_pe;                                                                           \
	})

#define __get_user get_user
#define __put_user put_user

#endif
