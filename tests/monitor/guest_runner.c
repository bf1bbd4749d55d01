/* SPDX-License-Identifier: MIT */
/*
 * guest-runner: run one guest image with libikmon (no serving) and check how it ended.
 *
 *   guest-runner IMAGE [--expect-exit N | --expect-panic FILE:LINE | --expect-crash VECTOR |
 *                       --expect-hang | --expect-violation SUBSTRING] [--expect-reason SUBSTRING]
 *                      [--device M@P]... [--param K=V]... [--mem SIZE] [--hang-ms N]
 *                      [--sandbox] [--print-exits]
 *
 * Default expectation: exit status 0. Prints the report either way; exits 0 iff the VM ended
 * as expected, 1 if not, 2 on usage errors, 77 (skip) without /dev/kvm.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iktest.h"
#include "monitor.h"

#define MAX_ARGS 32

struct expectation {
	enum ik_vm_end end;
	long long code;     /* exit status or vector */
	const char *text;   /* panic FILE or violation substring */
	unsigned line;
	const char *reason; /* --expect-reason */
};

static int usage(void)
{
	fprintf(stderr, "usage: guest-runner IMAGE [--expect-exit N | --expect-panic FILE:LINE | "
			"--expect-crash VECTOR | --expect-hang | --expect-violation SUBSTRING] "
			"[--expect-reason SUBSTRING] [--device M@P]... [--param K=V]... [--mem SIZE] "
			"[--hang-ms N] [--sandbox] [--print-exits]\n");
	return 2;
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K': return v << 10;
	case 'm': case 'M': return v << 20;
	case 'g': case 'G': return v << 30;
	default: return *end ? 0 : v;
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static bool matches(const struct expectation *ex, const struct ik_vm_result *r)
{
	if (r->end != ex->end)
		return false;
	if (ex->reason && !strstr(r->reason, ex->reason))
		return false;
	switch (ex->end) {
	case IK_END_EXIT:
		return r->exit_code == ex->code;
	case IK_END_CRASH:
		return r->vector == ex->code;
	case IK_END_PANIC:
		return ends_with(r->file, ex->text) && r->line == ex->line;
	case IK_END_VIOLATION:
		return strstr(r->reason, ex->text) != NULL;
	default:
		return true;
	}
}

static int parse_expect_panic(struct expectation *ex, const char *arg)
{
	static char file[256];
	const char *colon = strrchr(arg, ':');

	if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof(file))
		return -1;
	memcpy(file, arg, (size_t)(colon - arg));
	file[colon - arg] = '\0';
	ex->end = IK_END_PANIC;
	ex->text = file;
	ex->line = (unsigned)strtoul(colon + 1, NULL, 10);
	return 0;
}

int main(int argc, char **argv)
{
	struct ik_vm_config cfg = {.spin_ns = (uint64_t)-1, .vcpu_cpu = -1};
	struct expectation ex = {.end = IK_END_EXIT, .code = 0};
	const char *devices[MAX_ARGS];
	static char params[IK_PARAMS_MAX];
	struct ik_vm_result res;
	struct ik_vm *vm;
	char err[512];
	size_t ndev = 0;
	bool print_exits = false;

	if (argc < 2 || argv[1][0] == '-')
		return usage();
	cfg.image_path = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "--expect-hang")) {
			ex.end = IK_END_HANG;
			continue;
		}
		if (!strcmp(opt, "--print-exits")) { /* the cost figure, for tests that count it */
			print_exits = true;
			continue;
		}
		if (!strcmp(opt, "--sandbox")) { /* the filter `ikernel run` installs, on this process */
			cfg.sandbox = true;
			continue;
		}
		if (!val)
			return usage();
		i++;
		if (!strcmp(opt, "--expect-exit")) {
			ex.end = IK_END_EXIT;
			ex.code = strtoll(val, NULL, 0);
		} else if (!strcmp(opt, "--expect-crash")) {
			ex.end = IK_END_CRASH;
			ex.code = strtoll(val, NULL, 0);
		} else if (!strcmp(opt, "--expect-panic")) {
			if (parse_expect_panic(&ex, val))
				return usage();
		} else if (!strcmp(opt, "--expect-violation")) {
			ex.end = IK_END_VIOLATION;
			ex.text = val;
		} else if (!strcmp(opt, "--expect-reason")) {
			ex.reason = val;
		} else if (!strcmp(opt, "--device") && ndev < MAX_ARGS) {
			devices[ndev++] = val;
		} else if (!strcmp(opt, "--param")) {
			size_t n = strlen(params);

			snprintf(params + n, sizeof(params) - n, "%s%s", n ? " " : "", val);
		} else if (!strcmp(opt, "--mem")) {
			cfg.mem_size = parse_size(val);
			if (!cfg.mem_size)
				return usage();
		} else if (!strcmp(opt, "--hang-ms")) {
			cfg.hang_ms = (unsigned)strtoul(val, NULL, 0);
		} else {
			return usage();
		}
	}
	TEST_REQUIRE_KVM();
	cfg.devices = devices;
	cfg.ndevices = ndev;
	cfg.params = params[0] ? params : NULL;
	if (ik_vm_create(&cfg, &vm, err, sizeof(err)) < 0) {
		fprintf(stderr, "guest-runner: %s\n", err);
		return 1;
	}
	ik_vm_run(vm, &res);
	ik_vm_format_result(vm, &res, stdout);
	if (print_exits)
		printf("guest-runner: exits %llu\n", (unsigned long long)res.exits);
	ik_vm_destroy(vm);
	if (!matches(&ex, &res)) {
		printf("guest-runner: FAIL: the VM did not end as expected\n");
		return 1;
	}
	printf("guest-runner: ok\n");
	return 0;
}
