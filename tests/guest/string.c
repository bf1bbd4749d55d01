// SPDX-License-Identifier: MIT
/* The kernel string helpers of the compat layer. */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "guest_test.h"

int ik_guest_test(void)
{
	char buf[8];
	char text[] = "a,b,,c";
	char *cursor = text;
	char padded[] = "  trim me \n";
	char *s;

	GUEST_ASSERT_EQ(strscpy(buf, "short", sizeof(buf)), 5);
	GUEST_ASSERT_EQ(strscpy(buf, "much too long", sizeof(buf)), -E2BIG);
	GUEST_ASSERT_STR(buf, "much to");

	GUEST_ASSERT_STR(strsep(&cursor, ","), "a");
	GUEST_ASSERT_STR(strsep(&cursor, ","), "b");
	GUEST_ASSERT_STR(strsep(&cursor, ","), "");
	GUEST_ASSERT_STR(strsep(&cursor, ","), "c");
	GUEST_ASSERT(strsep(&cursor, ",") == NULL);

	GUEST_ASSERT_STR(strim(padded), "trim me");
	GUEST_ASSERT(strstr("haystack", "st") != NULL);
	GUEST_ASSERT(strstr("haystack", "xx") == NULL);
	GUEST_ASSERT(memchr("abc", 'c', 3) != NULL);
	GUEST_ASSERT_EQ(strspn("0110x", "01"), 4);
	GUEST_ASSERT_EQ(strcspn("abc,d", ","), 3);
	GUEST_ASSERT(sysfs_streq("on\n", "on"));
	GUEST_ASSERT(!sysfs_streq("on", "off"));
	GUEST_ASSERT_EQ(strcasecmp("LeD", "led"), 0);

	s = kstrdup("copy", GFP_KERNEL);
	GUEST_ASSERT(s != NULL);
	GUEST_ASSERT_STR(s, "copy");
	kfree(s);
	s = kstrndup("truncated", 5, GFP_KERNEL);
	GUEST_ASSERT_STR(s, "trunc");
	kfree(s);
	return 0;
}
