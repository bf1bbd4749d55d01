/* SPDX-License-Identifier: MIT */
/*
 * The output budget (src/monitor/budget.c) on a simulated clock: a driver writing lines as
 * fast as it can for a minute gets exactly its budget (the burst plus the rate times the
 * minute, in bytes and in lines, never more and not much less), the host says so a bounded
 * number of times, and what it drops is counted; a quiet driver refills to the burst only.
 * The parser takes RATE,LINES,BURST and refuses everything else.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "budget.h"

#define S 1000000000ull

struct flood {
	uint64_t ok_bytes, ok_lines, starts, overs, so_far;
};

/* Lines of `len` bytes every `step` ns from t0 for `secs` seconds. */
static void flood_for(struct ik_budget *b, struct flood *f, uint64_t t0, size_t len, uint64_t step,
		      uint64_t secs)
{
	for (uint64_t t = t0; t < t0 + secs * S; t += step) {
		enum ik_budget_say say;
		uint64_t n;

		if (ik_budget_admit(b, len, t, &say, &n)) {
			f->ok_bytes += len;
			f->ok_lines++;
		}
		f->starts += say == IK_BUDGET_SAY_START;
		f->overs += say == IK_BUDGET_SAY_OVER;
		f->so_far += say == IK_BUDGET_SAY_SO_FAR;
	}
}

static void check_minute(size_t len, uint64_t step)
{
	struct ik_budget_cfg cfg = ik_budget_default();
	struct ik_budget b;
	struct flood f = {0};
	uint64_t lines, bytes, total = 60 * S / step;

	ik_budget_init(&b, &cfg);
	flood_for(&b, &f, S, len, step, 60);
	uint64_t max_bytes = cfg.rate * (cfg.burst + 60), max_lines = cfg.lines * (cfg.burst + 60);
	assert_true(f.ok_bytes <= max_bytes);
	assert_true(f.ok_lines <= max_lines);
	/* whichever runs out first is nearly all used (the hysteresis waits for a second's worth) */
	assert_true(f.ok_bytes * 10 >= max_bytes * 8 || f.ok_lines * 10 >= max_lines * 8);
	/* our notes: a start and an "over" at most once a second each (the hysteresis) */
	assert_true(f.starts >= 1 && f.starts <= 62 && f.overs <= f.starts);
	ik_budget_dropped(&b, &lines, &bytes);
	assert_int_equal(lines, total - f.ok_lines);
	assert_int_equal(bytes, (total - f.ok_lines) * len);
}

static void test_flood_small_lines(void **state)
{
	(void)state;
	check_minute(39, 1000); /* "[mal] \n" and its timestamp, every microsecond */
}

static void test_flood_big_lines(void **state)
{
	(void)state;
	check_minute(16000, 100000); /* escaped console lines, 10000 a second */
}

/* After an hour of quiet, a driver has its burst again, not an hour's worth. */
static void test_refill_to_burst_only(void **state)
{
	struct ik_budget_cfg cfg = {1024, 10, 2};
	struct ik_budget b;
	struct flood f = {0};

	(void)state;
	ik_budget_init(&b, &cfg);
	flood_for(&b, &f, S, 100, S / 1000, 1);
	f = (struct flood){0};
	flood_for(&b, &f, 3 * 3600 * S, 100, S / 100000, 1); /* 1 s in 10 us steps */
	assert_true(f.ok_lines <= 2 * 10 + 10);
	assert_true(f.ok_bytes <= 2 * 1024 + 1024);
}

/* A long flood is said to go on every IK_BUDGET_REPORT_S, not more often. */
static void test_so_far_rate(void **state)
{
	struct ik_budget_cfg cfg = {1024, 1, 1};
	struct ik_budget b;
	struct flood f = {0};

	(void)state;
	ik_budget_init(&b, &cfg);
	flood_for(&b, &f, S, 2000, S / 1000, 60); /* every line is over the whole budget */
	assert_int_equal(f.ok_lines, 0);
	assert_int_equal(f.starts, 1);
	assert_true(f.so_far >= 60 / IK_BUDGET_REPORT_S - 1 && f.so_far <= 60 / IK_BUDGET_REPORT_S);
}

static void test_parse(void **state)
{
	static const char *const bad[] = {"",        "16K",       "16K,200",      "16K,200,16s,1",
					  "512,1,1s", "65M,1,1s",  "16K,0,1s",     "16K,1000001,1s",
					  "16K,1,0s", "16K,1,3601s", "16K,1,1m",   "x,1,1s",
					  "-1K,1,1s", "16K,-1,1s", "16K, 1,1s",    "16K,1,1s "};
	struct ik_budget_cfg c;
	char err[256];

	(void)state;
	assert_int_equal(ik_budget_parse("16K,200,16s", &c, err, sizeof(err)), 0);
	assert_int_equal(c.rate, 16384);
	assert_int_equal(c.lines, 200);
	assert_int_equal(c.burst, 16);
	assert_int_equal(ik_budget_parse("1M,5,3", &c, err, sizeof(err)), 0);
	assert_int_equal(c.rate, 1 << 20);
	assert_int_equal(c.burst, 3);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ik_budget_parse(bad[i], &c, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(err, "RATE,LINES,BURST"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood_small_lines),
		cmocka_unit_test(test_flood_big_lines),
		cmocka_unit_test(test_refill_to_burst_only),
		cmocka_unit_test(test_so_far_rate),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
