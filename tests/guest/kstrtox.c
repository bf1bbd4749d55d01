// SPDX-License-Identifier: MIT
/* kstrto* and simple_strto*: bases, trailing newline, errors, ranges. */
#include <linux/kernel.h>

#include "guest_test.h"

int ik_guest_test(void)
{
	unsigned long long ull;
	unsigned int ui;
	char *end;
	bool b;
	int i;
	u8 u;

	GUEST_ASSERT_EQ(kstrtoint("0x10", 0, &i), 0);
	GUEST_ASSERT_EQ(i, 16);
	GUEST_ASSERT_EQ(kstrtoint("010", 0, &i), 0);
	GUEST_ASSERT_EQ(i, 8);
	GUEST_ASSERT_EQ(kstrtoint("-12\n", 10, &i), 0);
	GUEST_ASSERT_EQ(i, -12);
	GUEST_ASSERT_EQ(kstrtoint("12x", 10, &i), -EINVAL);
	GUEST_ASSERT_EQ(kstrtoint("", 10, &i), -EINVAL);
	GUEST_ASSERT_EQ(kstrtoint("12\n\n", 10, &i), -EINVAL);
	GUEST_ASSERT_EQ(kstrtoint("2147483648", 10, &i), -ERANGE);
	GUEST_ASSERT_EQ(kstrtouint("-1", 10, &ui), -EINVAL);
	GUEST_ASSERT_EQ(kstrtou8("255", 10, &u), 0);
	GUEST_ASSERT_EQ(u, 255);
	GUEST_ASSERT_EQ(kstrtou8("256", 10, &u), -ERANGE);
	GUEST_ASSERT_EQ(kstrtoull("ff", 16, &ull), 0);
	GUEST_ASSERT_EQ(ull, 255);
	GUEST_ASSERT_EQ(kstrtoull("0xff", 16, &ull), 0);
	GUEST_ASSERT_EQ(kstrtoull("18446744073709551616", 10, &ull), -ERANGE);
	GUEST_ASSERT_EQ(kstrtoull("101", 2, &ull), 0);
	GUEST_ASSERT_EQ(ull, 5);

	GUEST_ASSERT_EQ(kstrtobool("y", &b), 0);
	GUEST_ASSERT(b);
	GUEST_ASSERT_EQ(kstrtobool("off", &b), 0);
	GUEST_ASSERT(!b);
	GUEST_ASSERT_EQ(kstrtobool("maybe", &b), -EINVAL);

	GUEST_ASSERT_EQ(simple_strtoul("0x1fz", &end, 0), 0x1f);
	GUEST_ASSERT_EQ(*end, 'z');
	GUEST_ASSERT_EQ(simple_strtol("-42 rest", &end, 10), -42);
	GUEST_ASSERT_EQ(*end, ' ');

	GUEST_ASSERT_EQ(min(3, 5), 3);
	GUEST_ASSERT_EQ(max_t(long, -1, 2u), 2);
	GUEST_ASSERT_EQ(clamp(17, 0, 10), 10);
	GUEST_ASSERT_EQ(DIV_ROUND_UP(7, 2), 4);
	return 0;
}
