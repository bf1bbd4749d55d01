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
#include "drvhost.h"
#include "heartbeat.h"
#include "ikernel/control.h"
#include "monitor.h"
#include "run_opts.h"
#include "status_send.h"

static struct ik_vm *volatile running_vm;
static volatile sig_atomic_t stop_signalled; /* a signal came, maybe before running_vm was set */

static void on_signal(int sig)
{
	struct ik_vm *vm = running_vm;

	(void)sig;
	stop_signalled = 1;
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
		.log_budget = o->log_budget,
		.nodes = o->nodes,
		.nnodes = o->nnodes,
		.node_mode = o->node_mode,
		.netifs = o->netifs,
		.nnetifs = o->nnetifs,
	};
}

/* The VM level: its exit status; *res says how the driver ended (IK_END_NONE: it never ran,
 * and err says why). */
static int run_vm(const struct ik_run_opts *o, struct ik_vm_result *res, char *err, size_t errlen)
{
	struct ik_vm_config cfg;
	struct ik_vm *vm;
	int r;

	memset(res, 0, sizeof(*res));
	if (install_signals() < 0) {
		snprintf(err, errlen, "sigaction: %s", strerror(errno));
		fprintf(stderr, "ikernel run: %s\n", err);
		return 1;
	}
	vm_config(o, &cfg);
	r = ik_vm_create(&cfg, &vm, err, errlen);
	if (r < 0) {
		fprintf(stderr, "ikernel: %s\n", err);
		return (r == -ENOEXEC || r == -ENOENT || r == -EINVAL || r == -E2BIG || r == -ERANGE ||
			r == -EBUSY) ? 2 : 1;
	}
	running_vm = vm;
	if (stop_signalled) /* during start-up: the handler had no VM to stop yet */
		ik_vm_stop(vm);
	/* Serving, ik_vm_run ends with the report and "ikernel: driver 'NAME' is gone (status N);
	 * its name is free" (the driver-host core's, as at isolation=process), and the status
	 * channel's GONE: a supervisor may start the replacement then instead of after this
	 * process's slow tear-down and exit. */
	ik_vm_run(vm, res);
	running_vm = NULL;
	ik_vm_destroy(vm);
	return ik_dh_exit_status(res); /* the status the "is gone" line said */
}

int ik_cmd_run(int argc, char **argv)
{
	static struct ik_run_opts o;
	struct ik_vm_result res;
	char err[1024] = "";
	int r;

	ik_heartbeat_attach(); /* under `ikernel up`: its liveness page, before any sandbox */
	ik_status_attach();    /* ...and its status channel (include/ikernel/status.h) */
	r = ik_run_opts_parse(&o, argc, argv);
	if (r) {
		ik_status_end(NULL, r == 1 ? 0 : r, r == 1 ? "" : "usage error (see the log)");
		return r == 1 ? 0 : r;
	}
	if (ik_run_netdevs_open(&o, err, sizeof(err))) {
		fprintf(stderr, "ikernel run: %s\n", err);
		ik_status_end(NULL, 1, err);
		return 1;
	}
	if (ik_run_level_resolve(&o) != IK_RUN_LEVEL_VM) /* asked for, or no /dev/kvm */
		r = ik_cmd_run_process(&o, &res, err, sizeof(err));
	else
		r = run_vm(&o, &res, err, sizeof(err));
	/* The last record, for both levels: how the run ended, or why it never started. */
	ik_status_end(res.end == IK_END_NONE ? NULL : &res, r, res.end == IK_END_NONE ? err : res.reason);
	return r;
}
