/* SPDX-License-Identifier: MIT */
/* String to number conversions with the kernel's rules: base 0 means auto (0x.. hex, 0.. octal,
 * else decimal), base 16 allows a 0x prefix, one trailing newline is allowed, and anything else
 * after the digits, an empty number or an overflow is an error. */
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/uaccess.h>

static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a' + 10);
	return 36;
}

/* Resolve base 0 / the 0x prefix; returns the first digit. */
static const char *parse_base(const char *s, unsigned int *base)
{
	bool hex_prefix = s[0] == '0' && (s[1] | 0x20) == 'x' && digit_value(s[2]) < 16;

	if (*base == 0) {
		if (hex_prefix)
			*base = 16;
		else if (s[0] == '0')
			*base = 8;
		else
			*base = 10;
	}
	if (*base == 16 && hex_prefix)
		s += 2;
	return s;
}

/* Parse digits; returns the end or NULL on overflow. *digits tells how many were taken. */
static const char *parse_digits(const char *s, unsigned int base, unsigned long long *res,
				unsigned int *digits)
{
	unsigned long long v = 0;

	*digits = 0;
	for (;; s++) {
		unsigned int d = digit_value(*s);

		if (d >= base)
			break;
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v))
			return NULL;
		(*digits)++;
	}
	*res = v;
	return s;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v;
	unsigned int digits;

	if (base == 1 || base > 36)
		return -EINVAL;
	if (*s == '+')
		s++;
	s = parse_base(s, &base);
	s = parse_digits(s, base, &v, &digits);
	if (!s)
		return -ERANGE;
	if (digits == 0)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v;
	int r;

	if (*s == '-') {
		r = kstrtoull(s + 1, base, &v);
		if (r)
			return r;
		if (v > (unsigned long long)LLONG_MAX + 1)
			return -ERANGE;
		*res = (long long)(0 - v);
		return 0;
	}
	r = kstrtoull(s, base, &v);
	if (r)
		return r;
	if (v > (unsigned long long)LLONG_MAX)
		return -ERANGE;
	*res = (long long)v;
	return 0;
}

#define IK_KSTRTO_UNSIGNED(fn, type, maxv)                                                         \
	int fn(const char *s, unsigned int base, type *res)                                        \
	{                                                                                          \
		unsigned long long v;                                                              \
		int r = kstrtoull(s, base, &v);                                                    \
		if (r)                                                                             \
			return r;                                                                  \
		if (v > (maxv))                                                                    \
			return -ERANGE;                                                            \
		*res = (type)v;                                                                    \
		return 0;                                                                          \
	}

#define IK_KSTRTO_SIGNED(fn, type, minv, maxv)                                                     \
	int fn(const char *s, unsigned int base, type *res)                                        \
	{                                                                                          \
		long long v;                                                                       \
		int r = kstrtoll(s, base, &v);                                                     \
		if (r)                                                                             \
			return r;                                                                  \
		if (v < (minv) || v > (maxv))                                                      \
			return -ERANGE;                                                            \
		*res = (type)v;                                                                    \
		return 0;                                                                          \
	}

IK_KSTRTO_UNSIGNED(kstrtoul, unsigned long, ULONG_MAX)
IK_KSTRTO_UNSIGNED(kstrtouint, unsigned int, UINT_MAX)
IK_KSTRTO_UNSIGNED(kstrtou16, u16, U16_MAX)
IK_KSTRTO_UNSIGNED(kstrtou8, u8, U8_MAX)
IK_KSTRTO_SIGNED(kstrtol, long, LONG_MIN, LONG_MAX)
IK_KSTRTO_SIGNED(kstrtoint, int, INT_MIN, INT_MAX)

int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if ((s[1] | 0x20) == 'n') {
			*res = true;
			return 0;
		}
		if ((s[1] | 0x20) == 'f') {
			*res = false;
			return 0;
		}
		break;
	default:
		break;
	}
	return -EINVAL;
}

/* Copy at most 63 bytes of user text and NUL-terminate it. */
static int copy_number_from_user(char *buf, size_t bufsize, const char __user *s, size_t count)
{
	if (count >= bufsize)
		return -EINVAL;
	if (copy_from_user(buf, s, count))
		return -EFAULT;
	buf[count] = '\0';
	return 0;
}

#define IK_KSTRTO_FROM_USER(fn, base_fn, type)                                                     \
	int fn(const char __user *s, size_t count, unsigned int base, type *res)                   \
	{                                                                                          \
		char buf[64];                                                                      \
		int r = copy_number_from_user(buf, sizeof(buf), s, count);                         \
		return r ? r : base_fn(buf, base, res);                                            \
	}

IK_KSTRTO_FROM_USER(kstrtoull_from_user, kstrtoull, unsigned long long)
IK_KSTRTO_FROM_USER(kstrtoul_from_user, kstrtoul, unsigned long)
IK_KSTRTO_FROM_USER(kstrtouint_from_user, kstrtouint, unsigned int)
IK_KSTRTO_FROM_USER(kstrtoint_from_user, kstrtoint, int)

/* The old, lenient parsers: stop at the first non-digit, no error reporting. */
unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base)
{
	unsigned long long v = 0;
	unsigned int digits;
	const char *end;

	cp = parse_base(cp, &base);
	end = parse_digits(cp, base, &v, &digits);
	if (!end) { /* overflow: consume the digits anyway, like the kernel */
		for (end = cp; digit_value(*end) < base; end++)
			;
		v = ULLONG_MAX;
	}
	if (endp)
		*endp = (char *)end;
	return v;
}

unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base)
{
	return (unsigned long)simple_strtoull(cp, endp, base);
}

long long simple_strtoll(const char *cp, char **endp, unsigned int base)
{
	if (*cp == '-')
		return -(long long)simple_strtoull(cp + 1, endp, base);
	return (long long)simple_strtoull(cp, endp, base);
}

long simple_strtol(const char *cp, char **endp, unsigned int base)
{
	return (long)simple_strtoll(cp, endp, base);
}
