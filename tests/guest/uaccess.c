// SPDX-License-Identifier: MIT
/* User copies are bounded to the request's user window: outside it nothing is copied
 * (bytes-not-copied / -EFAULT), a copy running off its end copies the part inside. */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "guest_test.h"

/* The window is the middle 16 bytes: the test pokes just outside it on both sides. */
static char backing[48];
#define user_buf (backing + 16)
#define USER_LEN 16

static void test_no_window(void)
{
	char kbuf[8] = "kernel!";
	int v = 5;

	test_set_user_window(NULL, 0);
	GUEST_ASSERT_EQ(copy_to_user(user_buf, kbuf, 8), 8);
	GUEST_ASSERT_EQ(user_buf[0], 0);
	GUEST_ASSERT_EQ(copy_from_user(kbuf, user_buf, 8), 8);
	GUEST_ASSERT_EQ(kbuf[0], 0); /* zero-filled, not stale */
	GUEST_ASSERT_EQ(get_user(v, (int __user *)user_buf), -EFAULT);
	GUEST_ASSERT_EQ(v, 0);
	GUEST_ASSERT_EQ(put_user(7, (int __user *)user_buf), -EFAULT);
	GUEST_ASSERT(!access_ok(user_buf, 1));
	GUEST_ASSERT_EQ(PTR_ERR(memdup_user(user_buf, 4)), -EFAULT);
}

static void test_inside_window(void)
{
	char kbuf[16];
	unsigned int u = 0;
	char *dup;

	test_set_user_window(user_buf, USER_LEN);
	GUEST_ASSERT_EQ(copy_to_user(user_buf, "0123456789abcdef", 16), 0);
	GUEST_ASSERT_EQ(copy_from_user(kbuf, user_buf, 16), 0);
	GUEST_ASSERT_EQ(memcmp(kbuf, "0123456789abcdef", 16), 0);
	GUEST_ASSERT_EQ(put_user(0xa5u, (unsigned int __user *)user_buf), 0);
	GUEST_ASSERT_EQ(get_user(u, (unsigned int __user *)user_buf), 0);
	GUEST_ASSERT_EQ(u, 0xa5);
	dup = memdup_user(user_buf, 8);
	GUEST_ASSERT(!IS_ERR(dup));
	GUEST_ASSERT_EQ(memcmp(dup, user_buf, 8), 0);
	kfree(dup);
}

static void test_window_edges(void)
{
	char kbuf[16];
	unsigned int u;

	test_set_user_window(user_buf, USER_LEN);
	memset(user_buf, 'u', USER_LEN);
	/* runs 8 bytes past the end: the first 8 are copied, 8 are reported not copied */
	GUEST_ASSERT_EQ(copy_to_user(user_buf + 8, "ABCDEFGHIJKLMNOP", 16), 8);
	GUEST_ASSERT_EQ(memcmp(user_buf + 8, "ABCDEFGH", 8), 0);
	/* starts before the window: nothing */
	GUEST_ASSERT_EQ(copy_from_user(kbuf, user_buf - 4, 8), 8);
	/* a 4-byte value straddling the end */
	u = 1;
	GUEST_ASSERT_EQ(get_user(u, (unsigned int __user *)(user_buf + 14)), -EFAULT);
	GUEST_ASSERT_EQ(u, 0);
	GUEST_ASSERT_EQ(put_user(1u, (unsigned int __user *)(user_buf + 14)), -EFAULT);
	GUEST_ASSERT_EQ(clear_user(user_buf + 12, 8), 4);
	GUEST_ASSERT_EQ(user_buf[15], 0);
	memcpy(user_buf, "name\0", 5);
	GUEST_ASSERT_EQ(strncpy_from_user(kbuf, user_buf, sizeof(kbuf)), 4);
	GUEST_ASSERT_STR(kbuf, "name");
	test_set_user_window(NULL, 0);
}

int ik_guest_test(void)
{
	test_no_window();
	test_inside_window();
	test_window_edges();
	return 0;
}
