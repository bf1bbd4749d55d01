/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/string.h>. The libc subset comes from the runtime (ik/rt.h);
 * the kernel-only helpers live in guest/compat/lib/string.c. */
#ifndef _IK_LINUX_STRING_H
#define _IK_LINUX_STRING_H

#include <ik/rt.h>
#include <linux/types.h>

void *memchr(const void *s, int c, size_t n);
char *strstr(const char *haystack, const char *needle);
char *strnstr(const char *haystack, const char *needle, size_t len);
char *strncat(char *dst, const char *src, size_t n);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strsep(char **s, const char *delim);
char *strnchr(const char *s, size_t n, int c);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
ssize_t strscpy(char *dst, const char *src, size_t size);
char *skip_spaces(const char *s);
char *strim(char *s);
bool sysfs_streq(const char *a, const char *b);
int match_string(const char *const *array, size_t n, const char *string);

char *kstrdup(const char *s, gfp_t gfp);
char *kstrndup(const char *s, size_t max, gfp_t gfp);
void *kmemdup(const void *src, size_t len, gfp_t gfp);

#define strstrip strim
#define memzero_explicit(p, n) ({ memset((p), 0, (n)); barrier_data(p); })

#endif
