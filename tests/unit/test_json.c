/* SPDX-License-Identifier: MIT */
/* JSON output (src/super/ikjson.c, jansson): any bytes make valid JSON that reads back as what
 * was meant -- control characters escaped, each byte that is not valid UTF-8 as U+FFFD -- and
 * figures print without binary noise. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ikjson.h"

/* ikj_string(in) dumped and parsed back by jansson must be `want`; the text must be ASCII
 * control-free (every control character escaped). */
static void round_trip(const char *in, const char *want)
{
	json_t *o = json_object();
	ikj_set(o, "s", ikj_string(in));
	char *text = ikj_dump(o);
	json_decref(o);
	assert_non_null(text);
	size_t n = strlen(text);
	assert_true(n > 0 && text[n - 1] == '\n');
	for (size_t i = 0; i + 1 < n; i++)
		assert_true((unsigned char)text[i] >= 0x20);
	json_error_t err;
	json_t *back = json_loads(text, 0, &err);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "s")), want);
	json_decref(back);
	free(text);
}

static void test_control_characters(void **state)
{
	(void)state;
	round_trip("plain", "plain");
	round_trip("a\"b\\c/d", "a\"b\\c/d");
	round_trip("tab\there\nnew\rline\x01\x1f\x7f end", "tab\there\nnew\rline\x01\x1f\x7f end");
	round_trip("", "");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	/* valid: 2, 3 and 4 byte forms */
	round_trip("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* a stray byte, a truncated sequence, an overlong '/', a surrogate, above U+10FFFF */
	round_trip("a\xff" "b", "a\xef\xbf\xbd" "b");
	round_trip("x\xc3", "x\xef\xbf\xbd");
	round_trip("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	round_trip("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	round_trip("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* both at once, as a crash report naming a file could */
	round_trip("ikt-\x01\xfe/bad.img: \x1b[1mnot an ELF\xe2\x82",
		   "ikt-\x01\xef\xbf\xbd/bad.img: \x1b[1mnot an ELF\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_numbers(void **state)
{
	(void)state;
	json_t *o = json_object();
	ikj_set(o, "a", ikj_real(12.3456789, 3));
	ikj_set(o, "b", ikj_real(0.1, 3));
	ikj_set(o, "c", ikj_real(NAN, 3));
	ikj_set(o, "d", ikj_real(INFINITY, 1));
	ikj_set(o, "e", json_integer(18446744073709551LL));
	ikj_set(o, "f", ikj_string(NULL));
	char *text = ikj_dump(o);
	json_decref(o);
	assert_string_equal(text, "{\"a\": 12.346, \"b\": 0.1, \"c\": null, \"d\": null, "
				  "\"e\": 18446744073709551, \"f\": null}\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
