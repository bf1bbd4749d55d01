/* SPDX-License-Identifier: MIT */
/* Node name validation, rendezvous paths and welcome validation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ikernel/ikernel.h"
#include "ikernel/ring.h"
#include "names.h"
#include "welcome.h"

static void test_name_rules(void **state)
{
	(void)state;
	char longest[IK_NAME_MAX], too_long[IK_NAME_MAX + 1];

	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	memset(too_long, 'a', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	assert_true(ik_node_name_valid("led0"));
	assert_true(ik_node_name_valid(longest));
	assert_false(ik_node_name_valid(too_long));
	assert_false(ik_node_name_valid(""));
	assert_false(ik_node_name_valid(NULL));
	assert_false(ik_node_name_valid("a/b"));
	assert_false(ik_node_name_valid("/led0"));
	assert_false(ik_node_name_valid("."));
	assert_false(ik_node_name_valid(".."));
	/* the one rule (include/ikernel/names.h): what the monitor would never register */
	assert_false(ik_node_name_valid(".hidden"));
	assert_false(ik_node_name_valid("-rf"));
	assert_false(ik_node_name_valid("a b"));
	assert_false(ik_node_name_valid("led\n0"));
}

static void test_open_refuses_bad_names(void **state)
{
	(void)state;
	assert_int_equal(ik_open("../led0", 0), -EINVAL);
	assert_int_equal(ik_open("", 0), -EINVAL);
	assert_int_equal(ik_open(NULL, 0), -EINVAL);
}

static void test_open_unknown_node(void **state)
{
	(void)state;
	setenv("IKERNEL_RUNTIME_DIR", "/nonexistent-ikernel-dir", 1);
	assert_int_equal(ik_open("led0", 0), -ENOENT);
}

static void test_bad_handles(void **state)
{
	(void)state;
	char b[4];
	assert_int_equal(ik_close(-1), -EBADF);
	assert_int_equal(ik_read(12345, b, sizeof(b)), -EBADF);
	assert_int_equal(ik_ioctl(0, 0, NULL), -EBADF);
}

static void test_node_path(void **state)
{
	(void)state;
	char p[64];

	setenv("IKERNEL_RUNTIME_DIR", "/tmp/rt", 1);
	assert_int_equal(ik_node_path("led0", p, sizeof(p)), 0);
	assert_string_equal(p, "/tmp/rt/nodes/led0");
	unsetenv("IKERNEL_RUNTIME_DIR");
	assert_int_equal(ik_node_path("led0", p, sizeof(p)), 0);
	assert_string_equal(p, "/run/ikernel/nodes/led0");
	assert_int_equal(ik_node_path("led0", p, 10), -ENAMETOOLONG);
}

static struct ik_ctl_welcome good_welcome(void)
{
	struct ik_ctl_welcome w;

	memset(&w, 0, sizeof(w));
	w.magic = IK_CTL_MAGIC;
	w.abi_version = IK_ABI_VERSION;
	w.chan = 3;
	w.geometry = ik_geometry_default();
	strcpy(w.driver, "led");
	w.node_count = 2;
	strcpy(w.nodes[0].name, "led0");
	w.nodes[0].node = 0;
	strcpy(w.nodes[1].name, "led1");
	w.nodes[1].node = 5;
	return w;
}

static int check(const struct ik_ctl_welcome *w)
{
	char why[160];
	return ik_welcome_check(w, sizeof(*w), why, sizeof(why));
}

static void test_welcome_good(void **state)
{
	(void)state;
	struct ik_ctl_welcome w = good_welcome();
	assert_int_equal(check(&w), 0);
	assert_int_equal(ik_welcome_node(&w, "led1"), 5);
	assert_int_equal(ik_welcome_node(&w, "led2"), -ENOENT);
}

static void test_welcome_bad(void **state)
{
	(void)state;
	struct ik_ctl_welcome w;
	char why[160];

#define REFUSED(stmt, expect)                          \
	do {                                           \
		w = good_welcome();                    \
		stmt;                                  \
		assert_int_equal(check(&w), expect);   \
	} while (0)

	REFUSED(w.magic = 0, -EPROTO);
	REFUSED(w.abi_version = IK_ABI_VERSION + 1, -EPROTO);
	REFUSED(w.status = -EBUSY, -EBUSY); /* a refusal is passed on as is */
	REFUSED(w.status = 5, -EPROTO);
	REFUSED(w.status = -100000, -EPROTO);
	REFUSED(w.chan = IK_MAX_CHANNELS, -EPROTO);
	REFUSED(w.geometry.sq_entries = 3, -EPROTO);
	REFUSED(w.geometry.size = IK_CHAN_STRIDE * 2, -EPROTO);
	REFUSED(memset(w.driver, 'x', sizeof(w.driver)), -EPROTO);
	REFUSED(w.node_count = IK_MAX_NODES + 1, -EPROTO);
	REFUSED(memset(w.nodes[1].name, 'x', sizeof(w.nodes[1].name)), -EPROTO);
	REFUSED(w.nodes[0].node = IK_MAX_NODES, -EPROTO);
#undef REFUSED
	w = good_welcome();
	assert_int_equal(ik_welcome_check(&w, sizeof(w) - 1, why, sizeof(why)), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_rules),
		cmocka_unit_test(test_open_refuses_bad_names),
		cmocka_unit_test(test_open_unknown_node),
		cmocka_unit_test(test_bad_handles),
		cmocka_unit_test(test_node_path),
		cmocka_unit_test(test_welcome_good),
		cmocka_unit_test(test_welcome_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
