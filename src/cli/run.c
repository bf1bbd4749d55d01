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
#include "heartbeat.h"
#include "ikernel/control.h"
#include "monitor.h"
#include "run_opts.h"

static struct ik_vm *volatile running_vm;

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

/* The VM monitor's configuration from the options (all checked by ik_run_opts_parse). */
static void vm_config(const struct ik_run_opts *o, struct ik_vm_config *cfg)
{
	*cfg = (struct ik_vm_config){
		.image_path = o->image,
		.name = o->name,
		.mem_size = o->mem_size,
		.params = o->params,
		.runtime_dir = o->runtime_dir,
		.serve = true,
		.spin_ns = o->spin_ns,
		.hang_ms = o->hang_ms,
		.vcpu_cpu = -1,
		.devices = o->devices,
		.ndevices = o->ndevices,
		.sandbox = !o->no_sandbox, /* docs/THREAT-MODEL.md: the monitor process */
		.sandbox_user = o->user,
		.recovery = o->recovery,
	};
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
	static struct ik_run_opts o;
	struct ik_vm_config cfg;
	struct ik_vm_result res;
	struct ik_vm *vm;
	char err[1024];
	int r;

	ik_heartbeat_attach(); /* under `ikernel up`: its liveness page, before any sandbox */
	r = ik_run_opts_parse(&o, argc, argv);
	if (r)
		return r == 1 ? 0 : r;
	if (ik_run_level_resolve(&o) == IK_RUN_LEVEL_PROCESS) /* asked for, or no /dev/kvm */
		return ik_cmd_run_process(&o);
	if (install_signals() < 0) {
		perror("ikernel run: sigaction");
		return 1;
	}
	vm_config(&o, &cfg);
	r = ik_vm_create(&cfg, &vm, err, sizeof(err));
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
