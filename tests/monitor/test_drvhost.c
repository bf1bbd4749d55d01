/* SPDX-License-Identifier: MIT */
/*
 * The driver-host core's configuration rules, at both isolation levels' libraries: the VM
 * monitor (ik_vm_create) and the monitor-lite (ik_proc_create) refuse the same things with the
 * same error and the same message, before anything runs (no KVM and no driver needed): a name
 * outside include/ikernel/names.h's rule, module parameters too long for the boot info (they
 * were silently truncated at isolation=process), a recovery spec too long, and, when serving,
 * a name whose socket a live monitor answers on, a memory size outside the one rule (size.c;
 * the process level took any page multiple). Plus the name rule itself (ik_name_valid).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "ikernel/control.h"
#include "ikernel/names.h"
#include "monitor.h"
#include "proc.h"

struct outcome {
	int r;
	char err[1024];
};

static uint64_t mem_size; /* of the next creations; 0 = the default */

static struct outcome vm_create(const char *name, const char *params, const char *recovery, const char *dir,
				bool serve)
{
	struct ik_vm_config cfg = {
		.image_path = "/nonexistent/contract.img", .name = name, .params = params,
		.recovery = recovery, .runtime_dir = dir, .serve = serve, .spin_ns = (uint64_t)-1,
		.vcpu_cpu = -1, .mem_size = mem_size,
	};
	struct outcome o = {0};
	struct ik_vm *vm = NULL;

	o.r = ik_vm_create(&cfg, &vm, o.err, sizeof(o.err));
	ik_vm_destroy(vm);
	return o;
}

static struct outcome proc_create(const char *name, const char *params, const char *recovery, const char *dir,
				  bool serve)
{
	struct ik_proc_config cfg = {
		.exe_path = "/nonexistent/contract.proc", .name = name, .params = params,
		.recovery = recovery, .runtime_dir = dir, .serve = serve, .spin_ns = (uint64_t)-1, .cpu = -1,
		.mem_size = mem_size,
	};
	struct outcome o = {0};
	struct ik_proc *p = NULL;

	o.r = ik_proc_create(&cfg, &p, o.err, sizeof(o.err));
	if (o.r == 0)
		ik_proc_destroy(p);
	return o;
}

/* Both levels refuse with `want` and the same message, which holds `text`. */
static void both_refuse(const char *name, const char *params, const char *recovery, const char *dir, bool serve,
			int want, const char *text)
{
	struct outcome v = vm_create(name, params, recovery, dir, serve);
	struct outcome p = proc_create(name, params, recovery, dir, serve);

	printf("vm:      %d %s\nprocess: %d %s\n", v.r, v.err, p.r, p.err);
	assert_int_equal(v.r, want);
	assert_int_equal(p.r, want);
	assert_string_equal(v.err, p.err);
	assert_non_null(strstr(v.err, text));
}

static void test_name_rule(void **state)
{
	(void)state;
	assert_true(ik_name_valid("led0"));
	assert_true(ik_name_valid("a.b-c_D9"));
	assert_true(ik_name_valid("abcdefghijklmnopqrstuvwxyz01234")); /* 31 */
	assert_false(ik_name_valid("abcdefghijklmnopqrstuvwxyz012345")); /* 32 */
	assert_false(ik_name_valid(NULL));
	assert_false(ik_name_valid(""));
	assert_false(ik_name_valid("."));
	assert_false(ik_name_valid(".."));
	assert_false(ik_name_valid(".hidden"));
	assert_false(ik_name_valid("-rf"));
	assert_false(ik_name_valid("a/b"));
	assert_false(ik_name_valid("a b"));
	assert_false(ik_name_valid("caf\xc3\xa9"));
	assert_false(ik_name_valid("tab\t"));
}

static void test_bad_names(void **state)
{
	(void)state;
	both_refuse("-x", NULL, NULL, NULL, false, -EINVAL, "invalid driver name '-x'");
	both_refuse(".x", NULL, NULL, NULL, false, -EINVAL, "invalid driver name '.x'");
	both_refuse("a/b", NULL, NULL, NULL, false, -EINVAL, "invalid driver name 'a/b'");
	both_refuse("", NULL, NULL, NULL, false, -EINVAL, "invalid driver name ''");
	both_refuse("abcdefghijklmnopqrstuvwxyz012345", NULL, NULL, NULL, false, -EINVAL, "not starting with");
}

static void test_params_too_long(void **state)
{
	char params[IK_PARAMS_MAX + 1];

	(void)state;
	memset(params, 'p', IK_PARAMS_MAX);
	params[IK_PARAMS_MAX] = '\0';
	both_refuse("contract", params, NULL, NULL, false, -E2BIG,
		    "module parameters are too long (512 bytes, at most 511)");
}

static void test_recovery_too_long(void **state)
{
	char spec[IK_INJECT_SPEC_MAX + 1];

	(void)state;
	memset(spec, 'r', IK_INJECT_SPEC_MAX);
	spec[IK_INJECT_SPEC_MAX] = '\0';
	both_refuse("contract", NULL, spec, NULL, false, -E2BIG, "the recovery spec is too long");
}

static void test_memory_size_rule(void **state)
{
	static const uint64_t bad[] = {3ull << 20, 1ull << 20, 0x201000, 512ull << 20, 1ull << 30};

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mem_size = bad[i];
		both_refuse("contract", NULL, NULL, NULL, false, -EINVAL, "must be a multiple of 2 MiB");
	}
	mem_size = 0;
}

static void test_live_socket(void **state)
{
	char dir[] = "/tmp/ikdh.XXXXXX", path[64];
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/busy.sock", dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 4), 0);
	both_refuse("busy", NULL, NULL, dir, true, -EADDRINUSE,
		    "driver 'busy' is already served by another monitor");
	close(fd);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_rule),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_params_too_long),
		cmocka_unit_test(test_recovery_too_long),
		cmocka_unit_test(test_memory_size_rule),
		cmocka_unit_test(test_live_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
