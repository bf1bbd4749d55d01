/* SPDX-License-Identifier: MIT */
/*
 * The status channel (include/ikernel/status.h): every record the monitor's sender makes
 * (src/monitor/status_send.c) passes the supervisor's check (src/super/monitor_status.c) with
 * its fields intact, over a real SOCK_SEQPACKET pair handed over as $IKERNEL_STATUS_FD; and a
 * record that breaks any rule is refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "monitor_status.h"
#include "status_send.h"

static int super_end = -1; /* the supervisor's end of the pair */

static int setup(void **state)
{
	int sv[2];
	char fd[16];

	(void)state;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return -1;
	super_end = sv[0];
	snprintf(fd, sizeof(fd), "%d", sv[1]);
	setenv(IK_STATUS_ENV, fd, 1);
	ik_status_attach();
	return ik_status_attached() && !getenv(IK_STATUS_ENV) ? 0 : -1;
}

/* The next record on the supervisor's end, checked: 0 with *r, or the parser's error. */
static int next(struct ik_status_rec *r, char *why, size_t whylen)
{
	struct ik_status_rec buf;
	ssize_t n = recv(super_end, &buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);

	assert_true(n > 0);
	return mst_parse(&buf, (size_t)n, r, why, whylen);
}

static void expect_ok(struct ik_status_rec *r, unsigned kind)
{
	char why[200] = "";
	int e = next(r, why, sizeof(why));

	if (e)
		fail_msg("%s refused: %s", mst_kind_name(kind), why);
	assert_int_equal(r->hdr.kind, kind);
}

static void test_roundtrip(void **state)
{
	struct ik_vm_result res = {.end = IK_END_PANIC};
	struct ik_status_rec r;

	(void)state;
	ik_status_starting("nulldev", IK_STATUS_LEVEL_VM);
	expect_ok(&r, IK_STATUS_STARTING);
	assert_string_equal(r.u.starting.name, "nulldev");
	assert_int_equal(r.u.starting.pid, getpid());
	assert_int_equal(r.u.starting.level, IK_STATUS_LEVEL_VM);

	ik_status_isolation(IK_STATUS_LEVEL_PROCESS, "/dev/kvm: No such file or directory");
	expect_ok(&r, IK_STATUS_ISOLATION);
	assert_int_equal(r.u.isolation.fallback, 1);
	assert_string_equal(r.u.isolation.why, "/dev/kvm: No such file or directory");
	ik_status_isolation(IK_STATUS_LEVEL_VM, NULL);
	expect_ok(&r, IK_STATUS_ISOLATION);
	assert_int_equal(r.u.isolation.fallback, 0);

	ik_status_node("null0", 3, 7);
	expect_ok(&r, IK_STATUS_NODE);
	assert_string_equal(r.u.node.name, "null0");
	assert_int_equal(r.u.node.node, 3);
	assert_int_equal(r.u.node.minor, 7);

	ik_status_ready(1234567, 1);
	expect_ok(&r, IK_STATUS_READY);
	assert_int_equal(r.u.ready.boot_ns, 1234567);
	assert_int_equal(r.u.ready.nodes, 1);

	/* a reason with what a driver might slip in: sent as printable ASCII, never refused */
	snprintf(res.reason, sizeof(res.reason), "driver 'x' BUG at a.c:3: \x1b[31mred\x7f\n");
	ik_status_report(&res);
	expect_ok(&r, IK_STATUS_CRASH);
	assert_int_equal(r.u.report.cause, IK_STATUS_CAUSE_PANIC);
	assert_string_equal(r.u.report.text, "driver 'x' BUG at a.c:3: ?[31mred??");

	res.end = IK_END_VIOLATION;
	memset(res.reason, 'v', sizeof(res.reason) - 1); /* the longest: cut, still terminated */
	res.reason[sizeof(res.reason) - 1] = '\0';
	ik_status_report(&res);
	expect_ok(&r, IK_STATUS_VIOLATION);
	assert_int_equal(strlen(r.u.report.text), IK_STATUS_TEXT_MAX - 1);

	res.end = IK_END_STOPPED; /* no report for a stop or an exit */
	ik_status_report(&res);
	snprintf(res.reason, sizeof(res.reason), "driver 'x' stopped");
	ik_status_gone(&res, 0, true);
	expect_ok(&r, IK_STATUS_GONE);
	assert_int_equal(r.u.gone.cause, IK_STATUS_CAUSE_STOPPED);
	assert_int_equal(r.u.gone.name_free, 1);
	assert_string_equal(r.u.gone.reason, "driver 'x' stopped");

	ik_status_end(NULL, 2, "no process build of x.img");
	expect_ok(&r, IK_STATUS_END);
	assert_int_equal(r.u.end.cause, IK_STATUS_CAUSE_NOT_STARTED);
	assert_int_equal(r.u.end.status, 2);
	assert_string_equal(r.u.end.reason, "no process build of x.img");
}

/* A valid record of each kind, as a monitor would send it. */
static void valid(struct ik_status_rec *r, unsigned kind)
{
	memset(r, 0, sizeof(*r));
	r->hdr = (struct ik_status_hdr){.magic = IK_STATUS_MAGIC, .version = IK_STATUS_VERSION,
					.kind = (uint16_t)kind, .size = sizeof(*r)};
	switch (kind) {
	case IK_STATUS_STARTING:
		r->u.starting.pid = 42;
		r->u.starting.level = IK_STATUS_LEVEL_VM;
		strcpy(r->u.starting.name, "led");
		break;
	case IK_STATUS_ISOLATION:
		r->u.isolation.level = IK_STATUS_LEVEL_VM;
		break;
	case IK_STATUS_NODE:
		strcpy(r->u.node.name, "led0");
		break;
	case IK_STATUS_READY:
		r->u.ready.nodes = 1;
		break;
	case IK_STATUS_CRASH:
		r->u.report.cause = IK_STATUS_CAUSE_CRASH;
		strcpy(r->u.report.text, "driver 'led' crashed");
		break;
	case IK_STATUS_VIOLATION:
		r->u.report.cause = IK_STATUS_CAUSE_VIOLATION;
		strcpy(r->u.report.text, "driver 'led' violation: port 0x80");
		break;
	case IK_STATUS_GONE:
		r->u.gone.cause = IK_STATUS_CAUSE_CRASH;
		r->u.gone.status = 1;
		r->u.gone.name_free = 1;
		break;
	case IK_STATUS_END:
		r->u.end.cause = IK_STATUS_CAUSE_EXIT;
		break;
	}
}

static int check(const struct ik_status_rec *r)
{
	struct ik_status_rec out;
	char why[200];

	return mst_parse(r, sizeof(*r), &out, why, sizeof(why));
}

static void test_valid_kinds(void **state)
{
	struct ik_status_rec r;

	(void)state;
	for (unsigned k = 1; k < IK_STATUS__COUNT; k++) {
		valid(&r, k);
		assert_int_equal(check(&r), 0);
	}
}

static void test_refused(void **state)
{
	struct ik_status_rec r, out;
	char why[200], big[sizeof(r) + 1] = {0};

	(void)state;
	valid(&r, IK_STATUS_READY);
	assert_int_equal(mst_parse(&r, sizeof(r) - 1, &out, why, sizeof(why)), -EMSGSIZE);
	memcpy(big, &r, sizeof(r));
	assert_int_equal(mst_parse(big, sizeof(big), &out, why, sizeof(why)), -EMSGSIZE);
	assert_int_equal(mst_parse(&r, 0, &out, why, sizeof(why)), -EMSGSIZE);

#define REFUSED(kind, change)                      \
	do {                                       \
		valid(&r, kind);                   \
		change;                            \
		assert_int_equal(check(&r), -EINVAL); \
	} while (0)
	/* the header */
	REFUSED(IK_STATUS_READY, r.hdr.magic ^= 1);
	REFUSED(IK_STATUS_READY, r.hdr.version = IK_STATUS_VERSION + 1);
	REFUSED(IK_STATUS_READY, r.hdr.size = 64);
	REFUSED(IK_STATUS_READY, r.hdr.reserved = 1);
	REFUSED(IK_STATUS_READY, r.hdr.kind = 0);
	REFUSED(IK_STATUS_READY, r.hdr.kind = IK_STATUS__COUNT);
	REFUSED(IK_STATUS_READY, r.hdr.kind = 0xffff);
	/* strings: unterminated, non-printable, bytes after the NUL, invalid names */
	REFUSED(IK_STATUS_STARTING, memset(r.u.starting.name, 'a', IK_NAME_MAX));
	REFUSED(IK_STATUS_STARTING, strcpy(r.u.starting.name, "le\nd"));
	REFUSED(IK_STATUS_STARTING, strcpy(r.u.starting.name, ""));
	REFUSED(IK_STATUS_STARTING, strcpy(r.u.starting.name, "../x"));
	REFUSED(IK_STATUS_STARTING, r.u.starting.name[IK_NAME_MAX - 1] = 'x');
	REFUSED(IK_STATUS_NODE, strcpy(r.u.node.name, "-rf"));
	REFUSED(IK_STATUS_CRASH, memset(r.u.report.text, 'a', IK_STATUS_TEXT_MAX));
	REFUSED(IK_STATUS_CRASH, r.u.report.text[3] = '\x1b');
	REFUSED(IK_STATUS_CRASH, r.u.report.text[3] = (char)0xc3);
	REFUSED(IK_STATUS_CRASH, r.u.report.text[0] = '\0');
	REFUSED(IK_STATUS_END, r.u.end.reason[100] = 'x');
	REFUSED(IK_STATUS_GONE, memset(r.u.gone.reason, 'a', IK_STATUS_TEXT_MAX));
	REFUSED(IK_STATUS_ISOLATION, r.u.isolation.why[0] = 'x'); /* a reason without a fallback */
	/* ranges */
	REFUSED(IK_STATUS_STARTING, r.u.starting.pid = 0);
	REFUSED(IK_STATUS_STARTING, r.u.starting.level = 0);
	REFUSED(IK_STATUS_STARTING, r.u.starting.level = 4);
	REFUSED(IK_STATUS_ISOLATION, r.u.isolation.fallback = 2);
	REFUSED(IK_STATUS_ISOLATION, r.u.isolation.fallback = 1); /* a fallback to vm */
	REFUSED(IK_STATUS_NODE, r.u.node.node = IK_MAX_NODES);
	REFUSED(IK_STATUS_READY, r.u.ready.nodes = IK_MAX_NODES + 1);
	REFUSED(IK_STATUS_CRASH, r.u.report.cause = IK_STATUS_CAUSE_VIOLATION);
	REFUSED(IK_STATUS_CRASH, r.u.report.cause = IK_STATUS_CAUSE_EXIT);
	REFUSED(IK_STATUS_VIOLATION, r.u.report.cause = IK_STATUS_CAUSE_CRASH);
	REFUSED(IK_STATUS_GONE, r.u.gone.cause = IK_STATUS_CAUSE_NONE);
	REFUSED(IK_STATUS_GONE, r.u.gone.cause = IK_STATUS_CAUSE_NOT_STARTED);
	REFUSED(IK_STATUS_GONE, r.u.gone.status = 256);
	REFUSED(IK_STATUS_GONE, r.u.gone.status = -1);
	REFUSED(IK_STATUS_GONE, r.u.gone.name_free = 2);
	REFUSED(IK_STATUS_END, r.u.end.cause = IK_STATUS_CAUSE__COUNT);
	REFUSED(IK_STATUS_END, r.u.end.status = 1000);
	/* reserved fields and bytes past a kind's fields */
	REFUSED(IK_STATUS_STARTING, r.u.starting.reserved[3] = 1);
	REFUSED(IK_STATUS_NODE, r.u.node.reserved[0] = 1);
	REFUSED(IK_STATUS_READY, r.u.ready.reserved = 1);
	REFUSED(IK_STATUS_CRASH, r.u.report.reserved = 1);
	REFUSED(IK_STATUS_GONE, r.u.gone.reserved = 1);
	REFUSED(IK_STATUS_READY, r.u.raw[sizeof(r.u.ready)] = 1);
	REFUSED(IK_STATUS_STARTING, r.u.raw[IK_STATUS_BODY_SIZE - 1] = 1);
#undef REFUSED
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_valid_kinds),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
