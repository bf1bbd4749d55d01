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
 * The process level takes --name, --mem, --param, --spin-ns, --runtime-dir and --device: the
 * VM monitor's own device models, served by the monitor-lite (src/monitor/proc_devices.c).
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
#include "ikernel/abi.h"
#include "proc.h"

static struct ik_proc *volatile running_proc;

static void on_signal(int sig)
{
	struct ik_proc *p = running_proc;

	(void)sig;
	if (p)
		ik_proc_stop(p); /* sets a flag and writes an eventfd: async-signal-safe */
}

/* The level asked for with --isolation[=]LEVEL, or NULL. */
static const char *asked_level(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--isolation=", 12))
			return argv[i] + 12;
		if (!strcmp(argv[i], "--isolation") && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

bool ik_run_wants_process(int argc, char **argv)
{
	const char *lvl = asked_level(argc, argv);
	int kvm;

	if (lvl)
		return strcmp(lvl, "vm") != 0;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm >= 0) {
		close(kvm);
		return false;
	}
	fprintf(stderr, "ikernel: /dev/kvm cannot be opened (%s): falling back to " IK_PROC_ISOLATION_LABEL "\n",
		strerror(errno));
	return true;
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

static const char *devices[IK_MAX_DEVICES];

static int parse(int argc, char **argv, struct ik_proc_config *cfg, char *params, size_t plen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strncmp(a, "--isolation=", 12))
			continue;
		if (a[0] != '-') {
			cfg->exe_path = a;
			continue;
		}
		if (!strcmp(a, "--no-sandbox"))
			continue; /* a VM monitor's flag, without a value: the driver process is jailed anyway */
		if (!v) {
			fprintf(stderr, "ikernel run: option '%s' needs a value\n", a);
			return 2;
		}
		i++;
		if (!strcmp(a, "--isolation"))
			continue;
		if (!strcmp(a, "--name"))
			cfg->name = v;
		else if (!strcmp(a, "--mem"))
			cfg->mem_size = strtoull(v, NULL, 0) << (strchr(v, 'M') ? 20 : 0);
		else if (!strcmp(a, "--runtime-dir"))
			cfg->runtime_dir = v;
		else if (!strcmp(a, "--spin-ns"))
			cfg->spin_ns = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--param")) {
			size_t n = strlen(params);
			snprintf(params + n, plen - n, "%s%s", n ? " " : "", v);
			cfg->params = params;
		} else if (!strcmp(a, "--device")) {
			if (cfg->ndevices == IK_MAX_DEVICES) {
				fprintf(stderr, "ikernel run: too many devices (at most %u)\n",
					IK_MAX_DEVICES);
				return 2;
			}
			devices[cfg->ndevices++] = v;
			cfg->devices = devices;
		} else if (!strcmp(a, "--hang-ms")) {
			char *end;
			unsigned long ms = strtoul(v, &end, 10);
			if (*end || ms == 0 || ms > 3600000) {
				fprintf(stderr, "ikernel run: --hang-ms wants 1..3600000, not '%s'\n", v);
				return 2;
			}
			cfg->hang_ms = (unsigned)ms;
		} else if (!strcmp(a, "--recovery")) {
			cfg->recovery = v; /* clients parse it; the supervisor checked it */
		} else if (strcmp(a, "--user")) {
			fprintf(stderr, "ikernel run: unknown option '%s'\n", a);
			return 2;
		}
	}
	return cfg->exe_path ? 0 : 2;
}

int ik_cmd_run_process(int argc, char **argv)
{
	const char *lvl = asked_level(argc, argv);
	static char params[IK_PARAMS_MAX], exe[4096];
	struct ik_proc_config cfg = {.spin_ns = (uint64_t)-1, .serve = true, .cpu = -1};
	struct ik_vm_result res;
	struct ik_proc *p;
	char err[1024] = "";
	int r;

	if (lvl && strcmp(lvl, "process")) {
		fprintf(stderr, "ikernel run: --isolation=%s: %s\n", lvl,
			!strcmp(lvl, "inproc") ? "inproc links the driver into its caller; only "
						 "`ikernel bench` offers it" : "levels are vm, process, inproc");
		return 2;
	}
	if ((r = parse(argc, argv, &cfg, params, sizeof(params))))
		return r;
	if ((r = proc_path(cfg.exe_path, exe, sizeof(exe)))) {
		fprintf(stderr, "ikernel run: no process build of %s (%s: %s)\n", cfg.exe_path, exe, strerror(-r));
		return 2;
	}
	cfg.exe_path = exe;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if ((r = ik_proc_create(&cfg, &p, err, sizeof(err)))) {
		fprintf(stderr, "ikernel: %s\n", err);
		return 1;
	}
	running_proc = p;
	ik_proc_wait(p, &res);
	running_proc = NULL;
	if (res.end == IK_END_STOPPED || res.end == IK_END_EXIT) /* the others are logged as they happen */
		fprintf(stderr, "ikernel: %s\n", res.reason);
	ik_proc_destroy(p);
	return res.end == IK_END_STOPPED || (res.end == IK_END_EXIT && res.exit_code == 0) ? 0 : 1;
}
