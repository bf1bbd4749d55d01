/* SPDX-License-Identifier: MIT */
/*
 * `ikernel run`: run one driver VM in the foreground, serve its clients, and print how it
 * ended. SIGINT/SIGTERM stop it cleanly.
 * Exit status: 0 clean stop or guest exit 0; 1 crash, panic, hang, violation, non-zero guest
 * exit or a runtime failure; 2 usage or image errors.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ikernel/control.h"
#include "monitor.h"

#define RUN_MAX_DEVICES 16

static struct ik_vm *volatile running_vm;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ikernel run IMAGE [OPTIONS]\n\n"
		"Run the driver image IMAGE in its own VM in the foreground and serve its device nodes\n"
		"to clients. Ctrl-C (SIGINT) or SIGTERM stops it.\n\n"
		"options:\n"
		"  --mem SIZE            guest memory, multiple of 2M, 2M..256M (K/M/G suffixes; default 4M)\n"
		"  --name NAME           driver name (default: IMAGE's file name without extension)\n"
		"  --device MODEL[@PORT][,KEY=VALUE...]\n"
		"                        grant a device model, e.g. parport@0x378 or\n"
		"                        cmos@0x70,file=nvram.bin (repeatable; models: parport,\n"
		"                        testdev, cmos, wdt501, dtlk, sbc7240, sbc_epx_c3, wafer5823;\n"
		"                        options: docs/DRIVERS.md)\n"
		"  --param K=V           module parameter (repeatable)\n"
		"  --spin-ns N           guest idle spin before sleeping (default 50000)\n"
		"  --hang-ms N           no progress for N ms ends the VM as hung (default 1000)\n"
		"  --recovery SPEC       recovery policy for clients (ikernel(1), RECOVERY), e.g.\n"
		"                        'policy=transparent state=ioctl:0x40044c02 idem=read'\n"
		"  --runtime-dir DIR     rendezvous directory (default $IKERNEL_RUNTIME_DIR or /run/ikernel)\n"
		"  --user USER           started as root: run the VM as USER (the runtime directory must\n"
		"                        be writable by USER)\n"
		"  --no-sandbox          no seccomp filter, capabilities kept (debugging only)\n"
		"  --isolation LEVEL     vm (default) or process: the same driver as a jailed Linux\n"
		"                        process (IMAGE.proc), WEAKER isolation; the fallback without\n"
		"                        /dev/kvm\n"
		"  --help                this text\n\n"
		"exit status: 0 clean stop or exit 0; 1 crash, panic, hang, violation or failure;\n"
		"2 usage or image error\n");
}

static void on_signal(int sig)
{
	struct ik_vm *vm = running_vm;

	(void)sig;
	if (vm)
		ik_vm_stop(vm);
}

static int install_signals(void)
{
	struct sigaction sa = {0};

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -errno;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return (!*s || *s == '-' || *end || errno) ? -EINVAL : 0;
}

struct run_args {
	struct ik_vm_config cfg;
	const char *devices[RUN_MAX_DEVICES];
	char params[IK_PARAMS_MAX];
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "ikernel run: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see 'ikernel run --help')\n");
	return 2;
}

static int parse_option(struct run_args *a, const char *opt, const char *val)
{
	struct ik_vm_config *cfg = &a->cfg;
	uint64_t n;

	if (!strcmp(opt, "--mem")) {
		if (ik_parse_size(val, &cfg->mem_size))
			cfg->mem_size = 0; /* invalid: refused below */
		if (!cfg->mem_size)
			return bad("bad memory size '%s' (e.g. 4M, 64M)", val);
	} else if (!strcmp(opt, "--name")) {
		cfg->name = val;
	} else if (!strcmp(opt, "--device")) {
		if (cfg->ndevices >= RUN_MAX_DEVICES)
			return bad("too many devices (at most 16)%s", "");
		a->devices[cfg->ndevices++] = val;
	} else if (!strcmp(opt, "--param")) {
		size_t len = strlen(a->params);

		if (!strchr(val, '=') || strchr(val, ' '))
			return bad("bad module parameter '%s' (expected K=V without spaces)", val);
		if (len + strlen(val) + 2 > sizeof(a->params))
			return bad("module parameters too long at '%s'", val);
		snprintf(a->params + len, sizeof(a->params) - len, "%s%s", len ? " " : "", val);
		cfg->params = a->params;
	} else if (!strcmp(opt, "--spin-ns")) {
		if (parse_u64(val, &n) || n == (uint64_t)-1)
			return bad("bad --spin-ns value '%s'", val);
		cfg->spin_ns = n;
	} else if (!strcmp(opt, "--hang-ms")) {
		if (parse_u64(val, &n) || n == 0 || n > 3600000)
			return bad("bad --hang-ms value '%s' (1..3600000)", val);
		cfg->hang_ms = (unsigned)n;
	} else if (!strcmp(opt, "--user")) {
		cfg->sandbox_user = val;
	} else if (!strcmp(opt, "--isolation")) {
		/* vm here; run_isolation.c has the others */
	} else if (!strcmp(opt, "--runtime-dir")) {
		cfg->runtime_dir = val;
	} else if (!strcmp(opt, "--recovery")) {
		if (strlen(val) >= IK_INJECT_SPEC_MAX)
			return bad("recovery spec too long: '%s'", val);
		cfg->recovery = val; /* clients parse it; the supervisor checked it */
	} else {
		return bad("unknown option '%s'", opt);
	}
	return 0;
}

static int parse_args(struct run_args *a, int argc, char **argv)
{
	a->cfg.spin_ns = (uint64_t)-1;
	a->cfg.vcpu_cpu = -1;
	a->cfg.serve = true;
	a->cfg.sandbox = true; /* docs/THREAT-MODEL.md: the monitor process */
	a->cfg.devices = a->devices;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			usage(stdout);
			return 1;
		}
		if (arg[0] != '-') {
			if (a->cfg.image_path)
				return bad("more than one image given ('%s')", arg);
			a->cfg.image_path = arg;
			continue;
		}
		if (!strncmp(arg, "--isolation=", 12)) /* vm here; run_isolation.c has the others */
			continue;
		if (!strcmp(arg, "--no-sandbox")) {
			a->cfg.sandbox = false;
			continue;
		}
		if (i + 1 >= argc)
			return bad("option '%s' needs a value", arg);
		int r = parse_option(a, arg, argv[++i]);
		if (r)
			return r;
	}
	if (!a->cfg.image_path)
		return bad("no image given%s", "");
	return 0;
}

static int exit_status(const struct ik_vm_result *res)
{
	switch (res->end) {
	case IK_END_STOPPED:
		return 0;
	case IK_END_EXIT:
		return res->exit_code == 0 ? 0 : 1;
	default:
		return 1;
	}
}

int ik_cmd_run(int argc, char **argv)
{
	static struct run_args a;
	struct ik_vm_result res;
	struct ik_vm *vm;
	char err[1024];
	int r;

	if (ik_run_wants_process(argc, argv)) /* --isolation=process, or no /dev/kvm */
		return ik_cmd_run_process(argc, argv);
	memset(&a, 0, sizeof(a));
	r = parse_args(&a, argc, argv);
	if (r)
		return r == 1 ? 0 : r;
	if (install_signals() < 0) {
		perror("ikernel run: sigaction");
		return 1;
	}
	r = ik_vm_create(&a.cfg, &vm, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "ikernel: %s\n", err);
		return (r == -ENOEXEC || r == -ENOENT || r == -EINVAL || r == -E2BIG || r == -ERANGE ||
			r == -EBUSY) ? 2 : 1;
	}
	running_vm = vm;
	ik_vm_run(vm, &res);
	running_vm = NULL;
	ik_vm_format_result(vm, &res, stderr);
	/* The VM is over and its name already free (ik_vm_run): a supervisor may start the
	 * replacement now instead of after this process's slow tear-down and exit (~5 ms here). */
	fprintf(stderr, "ikernel: driver '%s' is gone (status %d); its name is free\n", ik_vm_name(vm),
		exit_status(&res));
	fflush(stderr);
	ik_vm_destroy(vm);
	return exit_status(&res);
}
