/* SPDX-License-Identifier: MIT */
/*
 * A small, complete vsnprintf for printk and panic messages: %d %i %u %x %X %o %p %s %c %%,
 * length modifiers hh h l ll z t j, width and precision (also '*'), flags - 0 + space #.
 * Like Linux, alphanumerics after %p (extensions such as %pS) are consumed and the pointer is
 * printed in hex. No floating point (guest code has no FPU state).
 */
#include "internal.h"

struct out {
	char *buf;
	size_t size;
	size_t len; /* would-be length */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec; /* -1: none */
	int len;  /* 'H' hh, 'h', 'l' (l, ll, z, t, j), 0 int */
	char conv;
};

static void put_str(struct out *o, const struct spec *s, const char *str)
{
	size_t n;

	if (!str)
		str = "(null)";
	n = strnlen(str, s->prec >= 0 ? (size_t)s->prec : (size_t)-1);
	if (!s->left)
		pad(o, ' ', s->width - (int)n);
	for (size_t i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, ' ', s->width - (int)n);
}

/* Format an unsigned magnitude with optional sign character and radix prefix. */
static void put_num(struct out *o, const struct spec *s, uint64_t v, bool neg)
{
	char digits[24];
	const char *set = s->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = (s->conv == 'o') ? 8 : (s->conv == 'x' || s->conv == 'X' || s->conv == 'p') ? 16 : 10;
	const char *prefix = "";
	char sign = 0;
	int nd = 0, zeros, total;

	while (v) {
		digits[nd++] = set[v % base];
		v /= base;
	}
	if (s->prec != 0 && nd == 0 && !(s->conv == 'o' && s->alt))
		digits[nd++] = '0'; /* "%.0d" of 0 prints nothing, like C */
	if (neg)
		sign = '-';
	else if (s->plus && (s->conv == 'd' || s->conv == 'i'))
		sign = '+';
	else if (s->space && (s->conv == 'd' || s->conv == 'i'))
		sign = ' ';
	if (s->conv == 'p' || (s->alt && nd && !(nd == 1 && digits[0] == '0'))) {
		if (s->conv == 'x' || s->conv == 'p')
			prefix = "0x";
		else if (s->conv == 'X')
			prefix = "0X";
	}
	if (s->alt && s->conv == 'o' && (nd == 0 || digits[nd - 1] != '0'))
		digits[nd++] = '0';

	zeros = s->prec > nd ? s->prec - nd : 0;
	total = nd + zeros + (sign ? 1 : 0) + (int)strlen(prefix);
	if (s->zero && !s->left && s->prec < 0 && s->width > total) {
		zeros += s->width - total;
		total = s->width;
	}
	if (!s->left)
		pad(o, ' ', s->width - total);
	if (sign)
		put(o, sign);
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	pad(o, '0', zeros);
	while (nd)
		put(o, digits[--nd]);
	if (s->left)
		pad(o, ' ', s->width - total);
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	*s = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '0')
			s->zero = true;
		else if (*f == '+')
			s->plus = true;
		else if (*f == ' ')
			s->space = true;
		else if (*f == '#')
			s->alt = true;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			s->width = s->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			s->prec = va_arg(*ap, int);
			if (s->prec < 0)
				s->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				s->prec = s->prec * 10 + (*f++ - '0');
		}
	}
	if (f[0] == 'h' && f[1] == 'h') {
		s->len = 'H';
		f += 2;
	} else if (f[0] == 'l' && f[1] == 'l') {
		s->len = 'l';
		f += 2;
	} else if (*f == 'h') {
		s->len = 'h';
		f++;
	} else if (*f == 'l' || *f == 'z' || *f == 't' || *f == 'j' || *f == 'L') {
		s->len = 'l'; /* all 64-bit on x86-64 */
		f++;
	}
	s->conv = *f;
	return f;
}

static int64_t arg_signed(const struct spec *s, va_list *ap)
{
	switch (s->len) {
	case 'l':
		return va_arg(*ap, int64_t);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'H':
		return (signed char)va_arg(*ap, int);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->len) {
	case 'l':
		return va_arg(*ap, uint64_t);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned);
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned);
	default:
		return va_arg(*ap, unsigned);
	}
}

static const char *convert(struct out *o, const char *f, va_list *ap)
{
	struct spec s;

	f = parse_spec(f, &s, ap);
	switch (s.conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(&s, ap);

		put_num(o, &s, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
		break;
	}
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		put_num(o, &s, arg_unsigned(&s, ap), false);
		break;
	case 'p':
		if (f[1] == 'M' || f[1] == 'm') { /* %pM: a MAC address as Linux prints it */
			const uint8_t *mac = va_arg(*ap, const uint8_t *);
			static const char hex[] = "0123456789abcdef";

			for (int i = 0; i < 6; i++) {
				if (i && f[1] == 'M')
					put(o, ':');
				put(o, mac ? hex[mac[i] >> 4] : '?');
				put(o, mac ? hex[mac[i] & 15] : '?');
			}
			f++;
			break;
		}
		while ((f[1] >= 'a' && f[1] <= 'z') || (f[1] >= 'A' && f[1] <= 'Z') ||
		       (f[1] >= '0' && f[1] <= '9'))
			f++;
		put_num(o, &s, (uint64_t)(uintptr_t)va_arg(*ap, void *), false);
		break;
	case 's':
		put_str(o, &s, va_arg(*ap, const char *));
		break;
	case 'c': {
		char c[2] = { (char)va_arg(*ap, int), 0 };

		s.prec = 1;
		if (!s.left)
			pad(o, ' ', s.width - 1);
		put(o, c[0]);
		if (s.left)
			pad(o, ' ', s.width - 1);
		break;
	}
	case '%':
		put(o, '%');
		break;
	case '\0':
		return f; /* a lone '%' at the end: stop */
	default:
		/* Unknown conversion: show it rather than guess its argument. */
		put(o, '%');
		put(o, s.conv);
		break;
	}
	return f + 1;
}

int ik_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = convert(&o, fmt + 1, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int ik_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ik_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
