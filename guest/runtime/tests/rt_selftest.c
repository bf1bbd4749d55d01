/* SPDX-License-Identifier: MIT */
/*
 * Runtime self-test guest: exercises the runtime's API from inside a VM (formatting, heap,
 * strings, threads, wait queues, sleeps, timers, interrupts of sleeps, module init tables).
 * Exits 0 when every check holds; a failing check panics with GUEST_ASSERT (file:line).
 */
#include "ik/rt.h"

#define EINTR 4
#define ETIMEDOUT 110
#define ENODEV 19

/* ---- module tables: one init that works, one that fails (its exit must never run) ---- */

static int good_inits, good_exits, bad_exits;

static int good_init(void)
{
	good_inits++;
	return 0;
}

static void bad_exit(void)
{
	bad_exits++;
}

static int bad_init(void)
{
	return -ENODEV;
}

static const struct ik_initcall good_mod IK_REGISTRATION(".ik_initcalls") = { good_init, NULL, "good" };
static const struct ik_initcall bad_mod IK_REGISTRATION(".ik_initcalls") = { bad_init, NULL, "bad" };
static const struct ik_initcall bad_mod_exit IK_REGISTRATION(".ik_exitcalls") = { NULL, bad_exit, "bad" };

/* ---- formatting ---------------------------------------------------------------------- */

static void expect_fmt(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void expect_fmt(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ik_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want) != 0 || n != (int)strlen(want))
		ik_panic_at(IK_PANIC_ASSERT, __FILE__, __LINE__, "format \"%s\": got \"%s\" (%d), want \"%s\"",
			    fmt, buf, n, want);
}

static void test_format(void)
{
	char small[5];

	expect_fmt("42 -7 0", "%d %i %u", 42, -7, 0u);
	expect_fmt("ff FF 0xff 17", "%x %X %#x %o", 255u, 255u, 255u, 15u);
	expect_fmt("[   42] [42   ] [00042] [+42] [ 42]", "[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	static const char *volatile null_str; /* volatile: hide the NULL from -Wformat-overflow */

	expect_fmt("[  abc] [ab] [(null)]", "[%5s] [%.2s] [%s]", "abc", "abcdef", null_str);
	expect_fmt("-9223372036854775808 18446744073709551615", "%lld %llu", (long long)INT64_MIN,
		   (unsigned long long)UINT64_MAX);
	expect_fmt("x 100% 7", "%c %d%% %zu", 'x', 100, (size_t)7);
	expect_fmt("0x1000", "%p", (void *)0x1000);
	expect_fmt("0x1000 after", "%pS after", (void *)0x1000);
	expect_fmt("[ 007]", "[%*.*d]", 4, 3, 7);
	expect_fmt("-1 255 65535", "%hhd %hhu %hu", -1, 255, 65535);
	GUEST_ASSERT(ik_snprintf(small, sizeof(small), "%s", "abcdefgh") == 8);
	GUEST_ASSERT(strcmp(small, "abcd") == 0);
}

/* ---- heap and strings -------------------------------------------------------------------- */

static void test_heap(void)
{
	size_t before = ik_heap_free_bytes();
	void *p[16];
	char *s;

	for (int i = 0; i < 16; i++) {
		p[i] = ik_malloc((size_t)(i * 37 + 1));
		GUEST_ASSERT(p[i] != NULL);
		GUEST_ASSERT(((uintptr_t)p[i] & 15) == 0);
		memset(p[i], i, (size_t)(i * 37 + 1));
	}
	for (int i = 0; i < 16; i += 2)
		ik_free(p[i]);
	for (int i = 1; i < 16; i += 2) {
		GUEST_ASSERT(((unsigned char *)p[i])[i * 37] == i); /* neighbours intact */
		ik_free(p[i]);
	}
	GUEST_ASSERT(ik_heap_free_bytes() == before); /* everything coalesced back */
	GUEST_ASSERT(ik_malloc(before) == NULL);      /* headers count: never fits */

	s = ik_zalloc(10);
	GUEST_ASSERT(s && s[9] == 0);
	strcpy(s, "hello");
	s = ik_realloc(s, 100);
	GUEST_ASSERT(s && strcmp(s, "hello") == 0);
	strcat(s, " world");
	GUEST_ASSERT(strlen(s) == 11 && strchr(s, 'w') == s + 6 && strrchr(s, 'o') == s + 7);
	GUEST_ASSERT(strncmp(s, "help", 3) == 0 && strcmp(s, "help") < 0);
	ik_free(s);
	GUEST_ASSERT(ik_heap_free_bytes() == before);

	GUEST_ASSERT(ik_strtoul("0x1f", NULL, 0) == 31);
	GUEST_ASSERT(ik_strtoul("017", NULL, 0) == 15);
	GUEST_ASSERT(ik_strtol("-42z", &s, 10) == -42 && *s == 'z');
}

/* ---- threads, wait queues, sleeps, timers ---------------------------------------------------- */

static struct ik_waitq q = IK_WAITQ_INIT;
static int flag, order[8], norder;

static void waiter_fn(void *arg)
{
	struct ik_waiter w;

	for (;;) {
		ik_waitq_add(&q, &w);
		if (flag)
			break;
		ik_sleep_until(IK_WAIT_FOREVER, false);
	}
	ik_waitq_remove(&q, &w);
	order[norder++] = (int)(intptr_t)arg;
}

static void yielder_fn(void *arg)
{
	for (int i = 0; i < 3; i++) {
		order[norder++] = (int)(intptr_t)arg * 10 + i;
		ik_yield();
	}
}

static int sleep_result;

static void sleeper_fn(void *arg)
{
	(void)arg;
	sleep_result = ik_sleep_ns(10ull * 1000000000ull, true); /* interrupted long before */
}

static int timer_fired;

static void timer_fn(struct ik_timer *t)
{
	(void)t;
	timer_fired++;
	ik_waitq_wake(&q, 0);
}

static void test_threads(void)
{
	struct ik_thread *t;
	struct ik_timer tm = { 0 };
	uint64_t t0;

	/* two yielders interleave */
	norder = 0;
	ik_thread_spawn(yielder_fn, (void *)1, "y1");
	ik_thread_spawn(yielder_fn, (void *)2, "y2");
	ik_sleep_ns(1000000, false);
	GUEST_ASSERT(norder == 6);
	GUEST_ASSERT(order[0] == 10 && order[1] == 20 && order[2] == 11 && order[3] == 21);

	/* waiters sleep until flag + wake */
	norder = 0;
	flag = 0;
	ik_thread_spawn(waiter_fn, (void *)1, "w1");
	ik_thread_spawn(waiter_fn, (void *)2, "w2");
	ik_sleep_ns(1000000, false);
	GUEST_ASSERT(norder == 0);
	flag = 1;
	GUEST_ASSERT(ik_waitq_wake(&q, 0) == 2);
	ik_sleep_ns(1000000, false);
	GUEST_ASSERT(norder == 2);

	/* sleep with a deadline */
	t0 = ik_now_ns();
	GUEST_ASSERT(ik_sleep_ns(5000000, false) == 0);
	GUEST_ASSERT(ik_now_ns() - t0 >= 5000000);
	GUEST_ASSERT(ik_sleep_until(ik_now_ns() + 1000000, false) == -ETIMEDOUT);

	/* a timer wakes a waiter */
	{
		struct ik_waiter w;

		ik_timer_arm(&tm, ik_now_ns() + 2000000);
		tm.fn = timer_fn;
		ik_waitq_add(&q, &w);
		GUEST_ASSERT(ik_sleep_until(ik_now_ns() + 1000000000ull, false) == 0);
		ik_waitq_remove(&q, &w);
		GUEST_ASSERT(timer_fired == 1 && w.woken);
	}
	GUEST_ASSERT(!ik_timer_cancel(&tm));
	ik_timer_arm(&tm, ik_now_ns() + 1000000000ull);
	GUEST_ASSERT(ik_timer_cancel(&tm));

	/* interrupting an interruptible sleep */
	t = ik_thread_spawn(sleeper_fn, NULL, "sleeper");
	GUEST_ASSERT(t != NULL);
	ik_sleep_ns(1000000, false);
	ik_thread_interrupt(t);
	ik_sleep_ns(1000000, false);
	GUEST_ASSERT(sleep_result == -EINTR);
	GUEST_ASSERT(!ik_signal_pending());
}

int ik_guest_test(void)
{
	GUEST_ASSERT(good_inits == 1);
	GUEST_ASSERT(ik_param("selftest") && strcmp(ik_param("selftest"), "yes") == 0);
	GUEST_ASSERT(ik_param("missing") == NULL);
	test_format();
	test_heap();
	test_threads();
	GUEST_ASSERT(bad_exits == 0 && good_exits == 0);
	ik_printf("rt_selftest: all checks passed (%zu heap bytes free)\n", ik_heap_free_bytes());
	return 0;
}
