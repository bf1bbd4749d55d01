/* SPDX-License-Identifier: MIT */
/* printk and the kernel's snprintf family, on the runtime's formatter and console. */
#include <ik/rt.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>

int ik_console_loglevel = LOGLEVEL_INFO;

/* Strip a KERN_<level> prefix; returns the level (LOGLEVEL_DEFAULT-ish 4 when absent). */
static int printk_level(const char **fmt)
{
	const char *s = *fmt;

	if (s[0] != KERN_SOH_ASCII || s[1] == '\0')
		return LOGLEVEL_WARNING;
	*fmt = s + 2;
	if (s[1] >= '0' && s[1] <= '7')
		return s[1] - '0';
	return LOGLEVEL_WARNING; /* KERN_CONT and unknown levels */
}

int vprintk(const char *fmt, va_list args)
{
	char line[512];
	int level = printk_level(&fmt);
	int len;

	if (level > ik_console_loglevel)
		return 0;
	len = ik_vsnprintf(line, sizeof(line), fmt, args);
	if (len < 0)
		return len;
	ik_console_write(line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vprintk(fmt, ap);
	va_end(ap);
	return r;
}

void ik_compat_warn(const char *file, unsigned line, const char *cond)
{
	printk(KERN_WARNING "WARNING: %s:%u: %s\n", file, line, cond);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	return ik_vsnprintf(buf, size, fmt, args);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ik_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

/* The kernel's sprintf has no bound; neither can we know one. Cap it at the formatter's
 * range so a runaway format cannot wrap. */
int vsprintf(char *buf, const char *fmt, va_list args)
{
	return ik_vsnprintf(buf, INT_MAX, fmt, args);
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsprintf(buf, fmt, ap);
	va_end(ap);
	return r;
}

/* Like vsnprintf but returns what was actually written (excluding the NUL). */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int r = ik_vsnprintf(buf, size, fmt, args);

	if (size == 0 || r < 0)
		return 0;
	if ((size_t)r >= size)
		return (int)(size - 1);
	return r;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int len;

	va_start(ap, fmt);
	len = ik_vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return NULL;
	buf = kmalloc((size_t)len + 1, gfp);
	if (!buf)
		return NULL;
	va_start(ap, fmt);
	ik_vsnprintf(buf, (size_t)len + 1, fmt, ap);
	va_end(ap);
	return buf;
}

unsigned long loops_per_jiffy = 1000000;

/* Linux's layout: groups of groupsize bytes (1, 2, 4 or 8, little-endian values) in rows of
 * rowsize (16 or 32) bytes. */
void print_hex_dump(const char *level, const char *prefix_str, int prefix_type, int rowsize,
		    int groupsize, const void *buf, size_t len, bool ascii)
{
	const unsigned char *p = buf;
	char line[200];

	if (rowsize != 16 && rowsize != 32)
		rowsize = 16;
	if (groupsize != 1 && groupsize != 2 && groupsize != 4 && groupsize != 8)
		groupsize = 1;
	for (size_t row = 0; row < len; row += (size_t)rowsize) {
		size_t n = len - row < (size_t)rowsize ? len - row : (size_t)rowsize, at = 0;

		for (size_t g = 0; g + (size_t)groupsize <= n; g += (size_t)groupsize) {
			unsigned long long v = 0;

			for (int b = groupsize - 1; b >= 0; b--)
				v = v << 8 | p[row + g + (size_t)b];
			at += (size_t)scnprintf(line + at, sizeof(line) - at, "%s%0*llx", g ? " " : "",
						2 * groupsize, v);
		}
		if (ascii) {
			at += (size_t)scnprintf(line + at, sizeof(line) - at, "  ");
			for (size_t i = 0; i < n; i++) {
				unsigned char c = p[row + i];

				at += (size_t)scnprintf(line + at, sizeof(line) - at, "%c",
							c >= 0x20 && c < 0x7f ? c : '.');
			}
		}
		if (prefix_type == DUMP_PREFIX_ADDRESS)
			printk("%s%s%px: %s\n", level, prefix_str, (const void *)(p + row), line);
		else if (prefix_type == DUMP_PREFIX_OFFSET)
			printk("%s%s%.8zx: %s\n", level, prefix_str, row, line);
		else
			printk("%s%s%s\n", level, prefix_str, line);
	}
}

/* <linux/netdevice.h> */
bool net_ratelimit(void)
{
	static uint64_t window_start;
	static unsigned int printed;
	uint64_t now = ik_now_ns();

	if (now - window_start >= 5000000000ull) {
		window_start = now;
		printed = 0;
	}
	return printed++ < 10;
}
