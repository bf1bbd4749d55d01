/* SPDX-License-Identifier: MIT */
/* ioctl marshalling: direction and size decoding, oversized and wide commands refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <cmocka.h>

#include "ikernel/ikernel.h"
#include "marshal.h"

struct big { char b[200]; };

static void test_io_is_raw(void **state)
{
	(void)state;
	struct ik_ioctl_plan p;
	assert_int_equal(ik_ioctl_plan(_IO('N', 0), 65536, &p), 0);
	assert_int_equal(p.size, 0);
	assert_false(p.copy_in);
	assert_false(p.copy_out);
	assert_int_equal(p.cmd, _IO('N', 0));
}

/* _IOR copies out, and the data buffer starts as the caller's bytes (no earlier call's bytes
 * can come back from a driver that leaves part of the argument unwritten). */
static void test_ior_copies_out(void **state)
{
	(void)state;
	struct ik_ioctl_plan p;
	assert_int_equal(ik_ioctl_plan(_IOR('L', 1, unsigned int), 65536, &p), 0);
	assert_int_equal(p.size, sizeof(unsigned int));
	assert_true(p.copy_in);
	assert_true(p.copy_out);
}

static void test_iow_copies_in(void **state)
{
	(void)state;
	struct ik_ioctl_plan p;
	assert_int_equal(ik_ioctl_plan(_IOW('L', 2, unsigned int), 65536, &p), 0);
	assert_int_equal(p.size, 4);
	assert_true(p.copy_in);
	assert_false(p.copy_out);
}

static void test_iowr_copies_both(void **state)
{
	(void)state;
	struct ik_ioctl_plan p;
	assert_int_equal(ik_ioctl_plan(_IOWR('X', 7, struct big), 65536, &p), 0);
	assert_int_equal(p.size, 200);
	assert_true(p.copy_in);
	assert_true(p.copy_out);
}

static void test_oversized_refused(void **state)
{
	(void)state;
	struct ik_ioctl_plan p;
	assert_int_equal(ik_ioctl_plan(_IOWR('X', 7, struct big), 199, &p), -EINVAL);
	assert_int_equal(ik_ioctl_plan(_IOWR('X', 7, struct big), 200, &p), 0);
	/* The largest size the encoding allows (16383) against a 4 KiB buffer. */
	assert_int_equal(ik_ioctl_plan(_IOC(_IOC_READ, 'X', 1, 16383), 4096, &p), -EINVAL);
}

static void test_size_without_direction_is_raw(void **state)
{
	(void)state;
	struct ik_ioctl_plan p;
	assert_int_equal(ik_ioctl_plan(_IOC(_IOC_NONE, 'X', 3, 8), 65536, &p), 0);
	assert_int_equal(p.size, 0);
	assert_false(p.copy_in || p.copy_out);
}

static void test_wide_command_refused(void **state)
{
	(void)state;
	struct ik_ioctl_plan p;
	assert_int_equal(ik_ioctl_plan(0x100000000ul | _IO('N', 0), 65536, &p), -EINVAL);
}

/* A legacy command (no _IOC size) sized by the caller travels in the data buffer. */
static void test_sized_legacy_command(void **state)
{
	struct ik_ioctl_plan p;

	(void)state;
	assert_int_equal(ik_ioctl_plan_sized(0xa390, 42, IK_IOCTL_OUT, 65536, &p), 0);
	assert_int_equal(p.cmd, 0xa390);
	assert_int_equal(p.size, 42);
	assert_true(p.copy_in); /* from the caller: see test_ior_copies_out */
	assert_true(p.copy_out);
	assert_int_equal(ik_ioctl_plan_sized(0xa391, 1, IK_IOCTL_IN | IK_IOCTL_OUT, 65536, &p), 0);
	assert_true(p.copy_in && p.copy_out);
}

/* The explicit size may not contradict the number, be empty, oversized or without direction. */
static void test_sized_refusals(void **state)
{
	struct ik_ioctl_plan p;

	(void)state;
	assert_int_equal(ik_ioctl_plan_sized(_IOR('L', 1, int), 4, IK_IOCTL_OUT, 65536, &p), -EINVAL);
	assert_int_equal(ik_ioctl_plan_sized(0xa390, 0, IK_IOCTL_OUT, 65536, &p), -EINVAL);
	assert_int_equal(ik_ioctl_plan_sized(0xa390, 65537, IK_IOCTL_OUT, 65536, &p), -EINVAL);
	assert_int_equal(ik_ioctl_plan_sized(0xa390, 42, 0, 65536, &p), -EINVAL);
	assert_int_equal(ik_ioctl_plan_sized(0xa390, 42, 4, 65536, &p), -EINVAL);
	assert_int_equal(ik_ioctl_plan_sized(0x1ffffffffUL, 42, IK_IOCTL_OUT, 65536, &p), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io_is_raw),
		cmocka_unit_test(test_ior_copies_out),
		cmocka_unit_test(test_iow_copies_in),
		cmocka_unit_test(test_iowr_copies_both),
		cmocka_unit_test(test_oversized_refused),
		cmocka_unit_test(test_size_without_direction_is_raw),
		cmocka_unit_test(test_wide_command_refused),
		cmocka_unit_test(test_sized_legacy_command),
		cmocka_unit_test(test_sized_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
