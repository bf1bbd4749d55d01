// SPDX-License-Identifier: MIT
/* printk levels and the kernel's snprintf family. */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "guest_test.h"

static const char *volatile null_string; /* NULL, hidden from the format checker */

static void check_fmt(const char *expect, const char *fmt, ...) __printf(2, 3);

static void check_fmt(const char *expect, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	GUEST_ASSERT_STR(buf, expect);
	GUEST_ASSERT_EQ(n, strlen(expect));
}

int ik_guest_test(void)
{
	char buf[8];
	char *s;

	check_fmt("-5 7 ab CD 10 str z %", "%d %u %x %X %o %s %c %%", -5, 7u, 0xab, 0xCD, 8, "str", 'z');
	check_fmt("[   42|42   |00042|abc]", "[%5d|%-5d|%05d|%.3s]", 42, 42, 42, "abcdef");
	check_fmt("+3 -3 ' 3' 0x1f 017", "%+d %+d '% d' %#x %#o", 3, -3, 3, 0x1f, 017);
	check_fmt("-9223372036854775808 18446744073709551615", "%lld %llu", LLONG_MIN, ULLONG_MAX);
	check_fmt("-1 255 65535 123", "%hd %hhu %hu %zu", (short)-1, (unsigned char)255,
		  (unsigned short)65535, (size_t)123);
	check_fmt("0xa5\n", "0x%02x\n", 0xa5);
	check_fmt("(null)|x", "%s|x", null_string);

	/* truncation: the would-be length, always NUL-terminated */
	GUEST_ASSERT_EQ(snprintf(buf, 4, "abcdef"), 6);
	GUEST_ASSERT_STR(buf, "abc");
	GUEST_ASSERT_EQ(scnprintf(buf, 4, "abcdef"), 3);
	GUEST_ASSERT_EQ(scnprintf(buf, 0, "abcdef"), 0);
	GUEST_ASSERT_EQ(sprintf(buf, "%d", 1234567), 7);
	GUEST_ASSERT_STR(buf, "1234567");

	s = kasprintf(GFP_KERNEL, "%s-%d", "dev", 12);
	GUEST_ASSERT(s != NULL);
	GUEST_ASSERT_STR(s, "dev-12");
	kfree(s);

	/* printk strips KERN_<level> and filters below the console level (debug by default) */
	GUEST_ASSERT_EQ(printk(KERN_INFO "printk test: info %d\n", 1), strlen("printk test: info 1\n"));
	GUEST_ASSERT_EQ(printk(KERN_DEBUG "printk test: debug is filtered\n"), 0);
	pr_err("printk test: pr_err %s\n", "works");
	pr_debug("printk test: pr_debug compiles away\n");
	return 0;
}
