/* SPDX-License-Identifier: MIT */
/*
 * `ikernel run --isolation=vm|process|inproc` (docs/PERFORMANCE.md, "Isolation levels").
 *   vm       the default: the driver VM (run.c)
 *   process  the same runtime and driver as a jailed Linux process (<image>.proc next to the
 *            image) served by the monitor-lite: same socket, handshake and rings. WEAKER: the
 *            driver shares the host kernel. Also the fallback when /dev/kvm cannot be opened
 *            and no level was asked for; it says so on every start.
 *   inproc   the driver linked into the caller: a library-level baseline (ikernel bench); a
 *            separate `ikernel run` process cannot offer it.
 * Options are parsed once for both levels (run_opts.c); the process level takes all but --user
 * and --no-sandbox, its devices are the VM monitor's own models, served by the monitor-lite
 * (src/monitor/process/proc_devices.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "devmodel.h"
#include "drvhost.h"
#include "ikernel/abi.h"
#include "proc.h"
#include "run_opts.h"

static struct ik_proc *volatile running_proc;
static volatile sig_atomic_t stop_signalled; /* a signal came, maybe before running_proc was set */

static void on_signal(int sig)
{
	struct ik_proc *p = running_proc;

	(void)sig;
	stop_signalled = 1;
	if (p)
		ik_proc_stop(p); /* sets a flag and writes an eventfd: async-signal-safe */
}

/* build/drivers/nulldev.img -> build/drivers/nulldev.proc */
static int proc_path(const char *image, char *out, size_t len)
{
	const char *dot = strrchr(image, '.'), *slash = strrchr(image, '/');
	size_t stem = (dot && (!slash || dot > slash)) ? (size_t)(dot - image) : strlen(image);

	if (dot && !strcmp(dot, ".proc"))
		stem = strlen(image) - 5;
	if ((size_t)snprintf(out, len, "%.*s.proc", (int)stem, image) >= len)
		return -ENAMETOOLONG;
	return access(out, X_OK) == 0 ? 0 : -errno;
}

int ik_cmd_run_process(const struct ik_run_opts *o, struct ik_vm_result *res, char *err,
		       size_t errlen)
{
	static char exe[4096];
	struct ik_proc_config cfg = {
		.name = o->name,
		.mem_size = o->mem_size,
		.params = o->params,
		.runtime_dir = o->runtime_dir,
		.serve = true,
		.spin_ns = o->spin_ns,
		.cpu = -1,
		.hang_ms = o->hang_ms,
		.recovery = o->recovery, /* clients parse it; the supervisor checked it */
		.nodes = o->nodes,
		.nnodes = o->nnodes,
		.node_mode = o->node_mode,
		.netifs = o->netifs,
		.nnetifs = o->nnetifs,
		.devices = o->devices,
		.ndevices = o->ndevices,
		.log_budget = o->log_budget,
		.fallback_why = o->fallback_why[0] ? o->fallback_why : NULL,
	};
	struct ik_proc *p;
	int r;

	memset(res, 0, sizeof(*res));
	if (o->level == IK_RUN_LEVEL_INPROC) {
		cfg.inproc_main = ik_run_builtin_inproc; /* the driver linked into this binary */
		snprintf(exe, sizeof(exe), "%s", o->image); /* its name: the image's */
	} else if ((r = proc_path(o->image, exe, sizeof(exe)))) {
		snprintf(err, errlen, "no process build of %s (%s: %s)", o->image, exe, strerror(-r));
		fprintf(stderr, "ikernel run: %s\n", err);
		return 2;
	}
	cfg.exe_path = exe;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if ((r = ik_proc_create(&cfg, &p, err, errlen))) {
		fprintf(stderr, "ikernel: %s\n", err);
		return 1;
	}
	running_proc = p;
	if (stop_signalled) /* during start-up: the handler had no driver to stop yet */
		ik_proc_stop(p);
	ik_proc_wait(p, res);
	running_proc = NULL;
	/* The report and "ikernel: driver 'NAME' is gone (status N); its name is free" are the
	 * driver-host core's, said by the monitor-lite once the name is free (as in a VM). */
	ik_proc_destroy(p);
	return ik_dh_exit_status(res); /* the status the "is gone" line said */
}
