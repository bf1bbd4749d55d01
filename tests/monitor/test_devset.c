/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the device registry behind a host that is not a VM (no KVM): the registry
 * reaches its monitor only through struct ik_dev_host, as the monitor-lite of
 * isolation=process uses it. Interrupts and log lines reach the host; accesses outside every
 * grant and accesses a model refuses come back as violations naming the port; the boot info's
 * port grants list every range of every grant.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "devmodel.h"

struct fake_host {
	uint64_t irqs;
	unsigned logs;
	char last_log[512];
	bool ended;
};

static void fake_raise_irq(void *ctx, unsigned line)
{
	((struct fake_host *)ctx)->irqs |= 1ull << line;
}

static void fake_log(void *ctx, const char *line)
{
	struct fake_host *h = ctx;

	h->logs++;
	snprintf(h->last_log, sizeof(h->last_log), "%s", line);
}

static bool fake_ended(void *ctx)
{
	return ((struct fake_host *)ctx)->ended;
}

static struct fake_host fake;
static struct ik_devset set;

static void grant(const char *const *specs, size_t n)
{
	const struct ik_dev_host host = {
		.ctx = &fake, .raise_irq = fake_raise_irq, .log = fake_log, .ended = fake_ended,
	};
	char err[256] = "";

	memset(&fake, 0, sizeof(fake));
	if (ik_devset_init(&set, &host, specs, n, err, sizeof(err)))
		fail_msg("grant: %s", err);
}

static int pio(uint16_t port, unsigned size, bool write, uint32_t *val, char *why)
{
	uint8_t data[4];
	int r;

	memcpy(data, val, sizeof(data));
	r = ik_devset_pio(&set, "drv", port, size, write, data, why, 256);
	memcpy(val, data, sizeof(data));
	return r;
}

static int teardown(void **state)
{
	(void)state;
	ik_devset_destroy(&set);
	return 0;
}

static void test_irq_reaches_the_host(void **state)
{
	const char *specs[] = {"testdev@0x500"};
	uint32_t v = 5;
	char why[256] = "";

	(void)state;
	grant(specs, 1);
	assert_int_equal(pio(0x500, 1, true, &v, why), 0);
	assert_int_equal(fake.irqs, 1ull << 5);
	v = 63;
	assert_int_equal(pio(0x500, 1, true, &v, why), 0);
	assert_int_equal(fake.irqs, (1ull << 5) | (1ull << 63));
	/* the scratch register round-trips, 4 bytes wide */
	v = 0xdeadbeef;
	assert_int_equal(pio(0x502, 4, true, &v, why), 0);
	v = 0;
	assert_int_equal(pio(0x502, 4, false, &v, why), 0);
	assert_int_equal(v, 0xdeadbeef);
}

static void test_outside_every_grant_names_the_port(void **state)
{
	const char *specs[] = {"testdev@0x500", "parport@0x378"};
	uint32_t v = 0;
	char why[256] = "";

	(void)state;
	grant(specs, 2);
	assert_int_equal(pio(0x2f8, 1, false, &v, why), -EPERM);
	assert_string_equal(why, "port 0x2f8 (1-byte read) is not granted to driver 'drv'");
	/* straddling the end of a grant is outside it */
	assert_int_equal(pio(0x506, 4, true, &v, why), -EPERM);
	assert_string_equal(why, "port 0x506 (4-byte write) is not granted to driver 'drv'");
	assert_int_equal(fake.irqs, 0);
}

static void test_model_refusal_is_a_violation(void **state)
{
	const char *specs[] = {"parport@0x378"};
	uint32_t v = 0xa5;
	char why[256] = "";

	(void)state;
	grant(specs, 1);
	assert_int_equal(pio(0x378, 1, true, &v, why), 0);
	/* the parport model draws the board through the host's log */
	assert_int_equal(fake.logs, 1);
	assert_non_null(strstr(fake.last_log, "led0: "));
	assert_non_null(strstr(fake.last_log, "(0xa5)"));
	assert_int_equal(pio(0x378, 2, false, &v, why), -EPERM);
	assert_non_null(strstr(why, "device parport@0x378 refused a 2-byte read of port 0x378"));
}

static void test_port_grants_list_every_range(void **state)
{
	/* sbc7240 decodes two scattered ports (0x443 and 0x043) */
	const char *specs[] = {"parport@0x378", "sbc7240@0x443"};
	uint32_t g[IK_DEV_MAX_RANGES * 2] = {0};
	unsigned n;

	(void)state;
	grant(specs, 2);
	n = ik_devset_port_grants(&set, g, sizeof(g) / sizeof(g[0]));
	assert_int_equal(n, 3);
	assert_int_equal(g[0], 0x378u | 3u << 16);
	assert_int_equal(g[1], 0x443u | 1u << 16);
	assert_int_equal(g[2], 0x043u | 1u << 16);
	/* more ranges than room: the first ones, in grant order */
	assert_int_equal(ik_devset_port_grants(&set, g, 1), 1);
	assert_int_equal(g[0], 0x378u | 3u << 16);
}

static void test_failed_init_is_destroyable(void **state)
{
	const struct ik_dev_host host = {
		.ctx = &fake, .raise_irq = fake_raise_irq, .log = fake_log, .ended = fake_ended,
	};
	const char *specs[] = {"wdt501@0x240,irq=99"};
	char err[256] = "";

	(void)state;
	assert_int_equal(ik_devset_init(&set, &host, specs, 1, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "device 'wdt501@0x240,irq=99': cannot initialise"));
	ik_devset_destroy(&set);
	assert_int_equal(set.ndevices, 0);
}

/* A string of accesses stops at the driver's end (here: ended from the start, so only the first
 * access is made): the old loop made all of them, which with testdev's sleep register held the
 * vCPU thread up to 1 s per access after the watchdog had ended the driver. */
static void test_string_stops_at_the_end(void **state)
{
	const char *specs[] = {"testdev@0x500"};
	uint8_t vals[4] = {1, 2, 3, 4};
	uint32_t v = 0;
	char why[256] = "";

	(void)state;
	grant(specs, 1);
	fake.ended = true;
	assert_int_equal(ik_devset_pio_string(&set, "drv", 0x502, 1, true, vals, 4, why, sizeof(why)), 0);
	fake.ended = false;
	assert_int_equal(pio(0x502, 1, false, &v, why), 0);
	assert_int_equal(v & 0xff, 1);
	/* while the driver runs, every access is made */
	assert_int_equal(ik_devset_pio_string(&set, "drv", 0x502, 1, true, vals, 4, why, sizeof(why)), 0);
	assert_int_equal(pio(0x502, 1, false, &v, why), 0);
	assert_int_equal(v & 0xff, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_irq_reaches_the_host, teardown),
		cmocka_unit_test_teardown(test_outside_every_grant_names_the_port, teardown),
		cmocka_unit_test_teardown(test_model_refusal_is_a_violation, teardown),
		cmocka_unit_test_teardown(test_port_grants_list_every_range, teardown),
		cmocka_unit_test_teardown(test_failed_init_is_destroyable, teardown),
		cmocka_unit_test_teardown(test_string_stops_at_the_end, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
