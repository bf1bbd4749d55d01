/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: string to number conversions (<linux/kstrtox.h>). The kstrto* family
 * accepts one optional trailing newline, rejects anything else and overflow (-EINVAL/-ERANGE). */
#ifndef _IK_LINUX_KSTRTOX_H
#define _IK_LINUX_KSTRTOX_H

#include <linux/types.h>

int __must_check kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int __must_check kstrtoll(const char *s, unsigned int base, long long *res);
int __must_check kstrtoul(const char *s, unsigned int base, unsigned long *res);
int __must_check kstrtol(const char *s, unsigned int base, long *res);
int __must_check kstrtouint(const char *s, unsigned int base, unsigned int *res);
int __must_check kstrtoint(const char *s, unsigned int base, int *res);
int __must_check kstrtou16(const char *s, unsigned int base, u16 *res);
int __must_check kstrtou8(const char *s, unsigned int base, u8 *res);
int __must_check kstrtobool(const char *s, bool *res);
int __must_check kstrtoull_from_user(const char __user *s, size_t count, unsigned int base,
				     unsigned long long *res);
int __must_check kstrtoul_from_user(const char __user *s, size_t count, unsigned int base,
				    unsigned long *res);
int __must_check kstrtouint_from_user(const char __user *s, size_t count, unsigned int base,
				      unsigned int *res);
int __must_check kstrtoint_from_user(const char __user *s, size_t count, unsigned int base,
				     int *res);

unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base);
long simple_strtol(const char *cp, char **endp, unsigned int base);
unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base);
long long simple_strtoll(const char *cp, char **endp, unsigned int base);

#endif
