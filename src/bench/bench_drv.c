/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench`: one driver served at an isolation level, inside this process's control:
 *   vm       libikmon in this process (the vCPU on its own thread, pinned to CPU 1)
 *   process  the monitor-lite (src/monitor/process/proc.c) and the jailed driver process (CPU 1)
 *   inproc   the same monitor-lite running the driver linked into this binary (src/inproc) on
 *            a thread (CPU 1): only nulldev is linked in
 * Each gets its own runtime directory so that drivers of the same name never meet.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "ikernel/control.h"

static void *vcpu_main(void *arg)
{
	struct bench_drv *d = arg;

	ik_vm_run(d->vm, &d->res);
	return NULL;
}

/* wait_ready said r: -EIO means the driver ended first (reason says why), else a timeout. */
static int not_ready(const char *image, int r, const char *reason)
{
	if (r == -EIO)
		fprintf(stderr, "ikernel bench: %s never became ready: %s\n", image, reason);
	else
		fprintf(stderr, "ikernel bench: %s never became ready (%s)\n", image, strerror(-r));
	return r;
}

static int start_vm(struct bench_drv *d, const struct bench_drv_cfg *c, const char *image)
{
	struct ik_vm_config cfg = {
		.image_path = image,
		.name = c->name,
		.mem_size = c->mem_size,
		.runtime_dir = d->dir,
		.serve = c->serve,
		.spin_ns = c->spin_ns,
		.log = bench_quiet_log(),
		.vcpu_cpu = bench_driver_cpu(),
		.hang_ms = BENCH_HANG_MS,
	};
	char err[256] = "";
	int r = ik_vm_create(&cfg, &d->vm, err, sizeof(err));

	if (r) {
		fprintf(stderr, "ikernel bench: cannot create a VM from %s: %s\n", image, err[0] ? err : strerror(-r));
		return r;
	}
	if ((r = -pthread_create(&d->thread, NULL, vcpu_main, d)))
		return r;
	d->running = true;
	if ((r = ik_vm_wait_ready(d->vm, BENCH_READY_MS))) {
		if (r == -EIO) { /* it ended: its result says why */
			pthread_join(d->thread, NULL);
			d->running = false;
		}
		return not_ready(image, r, d->res.reason);
	}
	d->boot_ns = ik_vm_boot_ns(d->vm);
	return 0;
}

/* src/inproc: nulldev linked into this binary, its writable data in one section. */
void ik_inproc_nulldev_main(int ctl, int kick, int boot);
extern char __start_ik_inproc_state[], __stop_ik_inproc_state[];

/* The driver's data as loaded: restored before every start, so each start is a fresh driver. */
static void inproc_fresh_state(void)
{
	static char *pristine;
	size_t len = (size_t)(__stop_ik_inproc_state - __start_ik_inproc_state);

	if (!pristine && (pristine = malloc(len ? len : 1)))
		memcpy(pristine, __start_ik_inproc_state, len);
	else if (pristine)
		memcpy(__start_ik_inproc_state, pristine, len);
}

static int start_proc(struct bench_drv *d, const struct bench_drv_cfg *c, const char *exe)
{
	struct ik_proc_config cfg = {
		.exe_path = exe,
		.name = c->name,
		.mem_size = c->mem_size,
		.runtime_dir = d->dir,
		.serve = c->serve,
		.spin_ns = c->spin_ns,
		.log = bench_quiet_log(),
		.cpu = bench_driver_cpu(),
	};
	char err[256] = "";
	int r;

	if (d->level == LVL_INPROC) {
		if (strcmp(c->driver, "nulldev")) {
			fprintf(stderr, "ikernel bench: only nulldev is linked in for isolation=inproc\n");
			return -ENOENT;
		}
		inproc_fresh_state();
		cfg.inproc_main = ik_inproc_nulldev_main;
		cfg.name = c->name ? c->name : "nulldev";
	}
	r = ik_proc_create(&cfg, &d->proc, err, sizeof(err));

	if (r) {
		fprintf(stderr, "ikernel bench: cannot start %s: %s\n", exe, err[0] ? err : strerror(-r));
		return r;
	}
	if ((r = ik_proc_wait_ready(d->proc, BENCH_READY_MS))) {
		if (r == -EIO) /* it ended: its result says why */
			ik_proc_wait(d->proc, &d->res);
		return not_ready(exe, r, d->res.reason);
	}
	d->boot_ns = ik_proc_boot_ns(d->proc);
	return 0;
}

int bench_drv_start(struct bench_drv *d, enum bench_level lvl, const struct bench_drv_cfg *c)
{
	char image[PATH_MAX], file[64];
	int r;

	memset(d, 0, sizeof(*d));
	d->level = lvl;
	snprintf(file, sizeof(file), "%s.%s", c->driver, lvl == LVL_VM ? "img" : "proc");
	if (lvl == LVL_INPROC)
		snprintf(image, sizeof(image), "%s (linked in)", c->driver);
	else if ((r = bench_find_image("drivers", file, image, sizeof(image))))
		return r;
	if (c->dir)
		snprintf(d->dir, sizeof(d->dir), "%s", c->dir);
	else if ((r = bench_mkdir(d->dir, sizeof(d->dir))))
		return r;
	r = lvl == LVL_VM ? start_vm(d, c, image) : start_proc(d, c, image);
	if (r)
		bench_drv_stop(d);
	return r;
}

void bench_drv_stop(struct bench_drv *d)
{
	if (d->vm) {
		if (d->running) {
			ik_vm_stop(d->vm);
			pthread_join(d->thread, NULL);
		}
		ik_vm_destroy(d->vm);
		d->vm = NULL;
	}
	if (d->proc) {
		ik_proc_destroy(d->proc);
		d->proc = NULL;
	}
	d->running = false;
	if (d->dir[0] && !d->keep_dir && !strncmp(d->dir, "/tmp/ikernel-bench-", 19))
		bench_rmdir(d->dir);
	d->dir[0] = '\0';
}

void bench_drv_use(const struct bench_drv *d)
{
	setenv(IK_RUNTIME_DIR_ENV, d->dir, 1);
}
