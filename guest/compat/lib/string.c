/* SPDX-License-Identifier: MIT */
/* The kernel's string helpers beyond the runtime's libc subset. */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

static int ik_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static bool ik_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

char *strnstr(const char *haystack, const char *needle, size_t len)
{
	size_t n = strlen(needle);

	if (n == 0)
		return (char *)haystack;
	for (; len >= n && *haystack; haystack++, len--)
		if (memcmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return NULL;
}

char *strstr(const char *haystack, const char *needle)
{
	return strnstr(haystack, needle, strlen(haystack));
}

char *strncat(char *dst, const char *src, size_t n)
{
	char *d = dst + strlen(dst);

	while (n-- && *src)
		*d++ = *src++;
	*d = '\0';
	return dst;
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

char *strsep(char **s, const char *delim)
{
	char *start = *s;
	char *end;

	if (!start)
		return NULL;
	end = strpbrk(start, delim);
	if (end)
		*end++ = '\0';
	*s = end;
	return start;
}

char *strnchr(const char *s, size_t n, int c)
{
	for (; n-- && *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return NULL;
}

int strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int ca = ik_tolower((unsigned char)*a), cb = ik_tolower((unsigned char)*b);

		if (ca != cb || !ca)
			return ca - cb;
	}
	return 0;
}

int strcasecmp(const char *a, const char *b)
{
	return strncasecmp(a, b, SIZE_MAX);
}

/* Copy with truncation; returns the length copied or -E2BIG when src did not fit. */
ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (size == 0)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return (ssize_t)len;
}

char *skip_spaces(const char *s)
{
	while (ik_isspace((unsigned char)*s))
		s++;
	return (char *)s;
}

char *strim(char *s)
{
	size_t len = strlen(s);

	while (len && ik_isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return skip_spaces(s);
}

/* Equal, except that either may end with one newline (sysfs input). */
bool sysfs_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	if (*a == *b)
		return true;
	if (*a == '\n' && a[1] == '\0' && *b == '\0')
		return true;
	return *b == '\n' && b[1] == '\0' && *a == '\0';
}

int match_string(const char *const *array, size_t n, const char *string)
{
	for (size_t i = 0; i < n && array[i]; i++)
		if (strcmp(array[i], string) == 0)
			return (int)i;
	return -EINVAL;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	p = kmalloc(len + 1, gfp);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return kstrndup(s, SIZE_MAX, gfp);
}
