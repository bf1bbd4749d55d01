/* SPDX-License-Identifier: MIT */
/* Unit tests of device grant parsing (no KVM). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "devmodel.h"

static int parse(const char *const *specs, size_t n, struct ik_device *devs, char *err)
{
	memset(devs, 0, sizeof(struct ik_device) * IK_MAX_DEVICES);
	return ik_devices_parse(specs, n, devs, err, 256);
}

static void test_defaults_and_ports(void **state)
{
	const char *specs[] = {"parport", "testdev@0x2f8", "parport@632"};
	struct ik_device devs[IK_MAX_DEVICES];
	char err[256];

	(void)state;
	assert_int_equal(parse(specs, 3, devs, err), 0);
	assert_string_equal(devs[0].model->name, "parport");
	assert_int_equal(devs[0].port, 0x378);
	assert_int_equal(devs[1].port, 0x2f8);
	assert_int_equal(devs[2].port, 0x278);
	assert_int_equal(devs[0].index, 0);
	assert_int_equal(devs[2].index, 1);
}

static void expect_error(const char *spec1, const char *spec2, int code, const char *what)
{
	const char *specs[] = {spec1, spec2};
	struct ik_device devs[IK_MAX_DEVICES];
	char err[256];

	assert_int_equal(parse(specs, spec2 ? 2 : 1, devs, err), code);
	if (!strstr(err, what))
		fail_msg("message \"%s\" lacks \"%s\"", err, what);
}

static void test_errors(void **state)
{
	(void)state;
	char unknown[512], known[400];
	ik_devmodel_list(known, sizeof(known));
	snprintf(unknown, sizeof(unknown), "unknown device model 'floppy' (known: %s)", known);
	expect_error("floppy", NULL, -ENOENT, unknown);
	expect_error("parport@", NULL, -EINVAL, "bad port '' in device 'parport@'");
	expect_error("parport@0x37g", NULL, -EINVAL, "bad port '0x37g'");
	expect_error("parport@-1", NULL, -EINVAL, "bad port '-1'");
	expect_error("testdev@0xfffc", NULL, -ERANGE, "ports 0xfffc-0x10003 go past port 0xffff");
	expect_error("@0x378", NULL, -EINVAL, "expected MODEL[@PORT]");
	expect_error("testdev@0x376", "parport", -EBUSY,
		     "device 'parport' (ports 0x378-0x37a) overlaps device 'testdev@0x376' (ports 0x376-0x37d)");
}

/* The registry (devices.c) is the one list of models: each is found by its name, lists the
 * others in messages, has a summary, registers and port handlers. */
static void test_registry(void **state)
{
	char known[400];
	size_t n = 0;

	(void)state;
	ik_devmodel_list(known, sizeof(known));
	for (const struct ik_devmodel *m; (m = ik_devmodel_at(n)); n++) {
		assert_ptr_equal(ik_devmodel_find(m->name), m);
		assert_non_null(strstr(known, m->name));
		assert_true(m->summary && m->summary[0]);
		assert_true(m->nports > 0);
		assert_non_null(m->pio_read);
		assert_non_null(m->pio_write);
	}
	assert_true(n >= 2);
	assert_null(ik_devmodel_find("floppy"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_ports),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_registry),
	};
	return cmocka_run_group_tests_name("devices", tests, NULL, NULL);
}
