/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench`: the life of a driver at each isolation level:
 *   cold start        create -> the driver's IK_HC_READY (median)
 *   crash -> serving  a NULL dereference in crashtest, the client sees EIO, the driver is
 *                     restarted in the same runtime directory as soon as its socket name is
 *                     free (the rest of the old one's tear-down runs alongside), a new
 *                     ik_open succeeds (median)
 *   crash -> client served (supervisor)  the same crash under `ikernel up` with transparent
 *                     recovery: from the crashing call to the answer of the next call on
 *                     the same file (median; one supervisor per sample)
 *   memory per idle   host memory before/after N idle drivers, divided by N: our resident set,
 *                     the drivers' processes, the kernel's slab/stacks/page tables
 *   density           N drivers of 2 MiB at once, one null call each, all stopped
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "ikernel/control.h"
#include "ikernel/ikernel.h"
#include "crashtest_ioctl.h"
#include "nulldev_ioctl.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

int bench_cold_start(enum bench_level lvl, int runs)
{
	uint64_t t[64];
	struct bench_drv_cfg c = {.driver = "nulldev", .spin_ns = (uint64_t)-1};

	bench_progress_begin("cold start to ready", bench_level_name(lvl));
	for (int i = 0; i < runs; i++) {
		struct bench_drv d;
		int r = bench_drv_start(&d, lvl, &c);
		t[i] = d.boot_ns;
		bench_drv_stop(&d);
		if (r)
			return r;
	}
	struct bench_row *row = bench_add_row("cold start to ready", lvl, NOTIFY_SLEEP);
	row->notify[0] = '\0';
	row->value = (double)median(t, runs) / 1e6;
	snprintf(row->unit, sizeof(row->unit), "ms");
	return 0;
}

/* The old driver's slow part of tear-down (closing the VM's descriptors, unmapping its memory)
 * runs on a thread of its own, like a supervisor that restarts a driver without waiting for the
 * dead one to be reaped: the restart only waits until the driver's socket name is free. */
static void *teardown_main(void *arg)
{
	bench_drv_stop(arg);
	return NULL;
}

static int stop_in_background(struct bench_drv *d, const char *sock, pthread_t *t, struct bench_drv **copy)
{
	struct stat st;
	uint64_t give_up = bench_now_ns() + 5000000000ull;

	*copy = malloc(sizeof(**copy));
	if (!*copy) {
		bench_drv_stop(d);
		return 0;
	}
	**copy = *d;
	(*copy)->keep_dir = true;
	memset(d, 0, sizeof(*d));
	if (pthread_create(t, NULL, teardown_main, *copy)) {
		bench_drv_stop(*copy);
		free(*copy);
		*copy = NULL;
		return 0;
	}
	while (stat(sock, &st) == 0 && bench_now_ns() < give_up)
		sched_yield();
	return 0;
}

static int crash_serving(enum bench_level lvl, int runs)
{
	uint64_t t[16], parts[4] = {0};
	struct bench_drv_cfg c = {.driver = "crashtest", .spin_ns = (uint64_t)-1, .serve = true};
	struct bench_drv d, *old[16] = {0};
	pthread_t teardown[16];
	bench_progress_begin("crash -> serving again", bench_level_name(lvl));
	int r = bench_drv_start(&d, lvl, &c);
	char dir[64], sock[128];

	if (r)
		return r;
	snprintf(dir, sizeof(dir), "%s", d.dir);
	snprintf(sock, sizeof(sock), "%s/crashtest.sock", dir);
	bench_drv_use(&d);
	ik_set_spin_ns(20000);
	c.dir = dir;
	for (int i = 0; i < runs && !r; i++) {
		int h = ik_open("crash0", O_RDWR);
		if (h < 0) {
			r = h;
			break;
		}
		uint64_t t0 = bench_now_ns();
		long x = ik_ioctl(h, CRASH_NULL, NULL);
		uint64_t t_eio = bench_now_ns();
		ik_close(h);
		stop_in_background(&d, sock, &teardown[i], &old[i]);
		uint64_t t_gone = bench_now_ns();
		if (x != -EIO)
			fprintf(stderr, "ikernel bench: crash returned %ld, expected -EIO\n", x);
		if ((r = bench_drv_start(&d, lvl, &c)))
			break;
		uint64_t t_ready = bench_now_ns();
		h = ik_open("crash0", O_RDWR);
		t[i] = bench_now_ns() - t0;
		parts[0] += t_eio - t0, parts[1] += t_gone - t_eio, parts[2] += t_ready - t_gone;
		parts[3] += t0 + t[i] - t_ready;
		if (h < 0)
			r = h;
		else
			ik_close(h);
	}
	bench_drv_stop(&d);
	for (int i = 0; i < runs; i++) {
		if (old[i]) {
			pthread_join(teardown[i], NULL);
			free(old[i]);
		}
	}
	bench_rmdir(dir);
	if (r)
		return r;
	struct bench_row *row = bench_add_row("crash -> serving again", lvl, NOTIFY_SLEEP);
	row->notify[0] = '\0';
	row->value = (double)median(t, runs) / 1e6;
	snprintf(row->unit, sizeof(row->unit), "ms");
	/* Where the time goes (means): detect, tear down, start, first open. */
	static const char *const what[4] = {"crash: fault -> client EIO", "crash: name free again",
					    "crash: restart to ready", "crash: first open"};
	for (int k = 0; k < 4; k++) {
		row = bench_add_row(what[k], lvl, NOTIFY_SLEEP);
		row->notify[0] = '\0';
		row->value = (double)parts[k] / runs / 1e6;
		snprintf(row->unit, sizeof(row->unit), "ms");
	}
	return 0;
}

/* ---- crash -> a client served again, through the supervisor ------------------------------ */

/* `ikernel ARGS...` (this binary), quietly; its exit status, or -1. */
static int run_ikernel(const char *const *args)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *argv[12] = {exe};
	int status, k = 1;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (; args[k - 1] && k < 11; k++)
		argv[k] = args[k - 1];
	argv[k] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int write_crash_manifest(const char *dir, char *path, size_t len)
{
	char image[PATH_MAX];
	int r = bench_find_image("drivers", "crashtest.img", image, sizeof(image));
	FILE *f;

	if (r)
		return r;
	snprintf(path, len, "%s/crashtest.ini", dir);
	if (!(f = fopen(path, "w")))
		return -errno;
	fprintf(f, "[driver]\nname = crashtest\nimage = %s\nrestart = on-failure\n"
		   "recovery = transparent\n[node crash0]\nmode = 0600\n", image);
	return fclose(f) ? -errno : 0;
}

/* One sample: a supervisor of its own (so the crash is the first after a stable run, as in
 * life), a client of crashtest with transparent recovery; the time from the crashing call to
 * the end of the next call, which the restarted driver answers. Negative: no sample. */
static double supervised_crash_ms(void)
{
	char dir[64], ini[128];
	double ms = -1;

	if (bench_mkdir(dir, sizeof(dir)) || write_crash_manifest(dir, ini, sizeof(ini)))
		return -1;
	const char *up[] = {"up", "--detach", "--runtime-dir", dir, ini, NULL};
	const char *down[] = {"down", "--runtime-dir", dir, NULL};
	if (run_ikernel(up) == 0) {
		setenv(IK_RUNTIME_DIR_ENV, dir, 1);
		int h = ik_open("crash0", O_RDWR);
		if (h >= 0 && ik_ioctl(h, _IO('x', 9), NULL) == -ENOTTY) {
			uint64_t t0 = bench_now_ns();
			long x = ik_ioctl(h, CRASH_NULL, NULL);
			long y = ik_ioctl(h, _IO('x', 9), NULL); /* unknown: ENOTTY from the new driver */
			if (x == -EIO && y == -ENOTTY)
				ms = (double)(bench_now_ns() - t0) / 1e6;
			else
				fprintf(stderr, "ikernel bench: supervised crash: %ld, then %ld\n", x, y);
		}
		if (h >= 0)
			ik_close(h);
	}
	run_ikernel(down);
	char path[128];
	snprintf(path, sizeof(path), "%s/logs/crashtest.log", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/logs/supervisor.log", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/logs", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/dev", dir);
	rmdir(path);
	unlink(ini);
	/* `down` answers before the supervisor has removed its last files (pid, state): wait for
	 * it (at most 5 s) rather than leave an empty directory behind in /tmp. */
	for (int i = 0; i < 500; i++) {
		bench_rmdir(dir);
		if (access(dir, F_OK) < 0)
			break;
		usleep(10000);
	}
	return ms;
}

/* The whole path a program sees: fault, the supervisor's restart (a monitor process exec'd),
 * libikernel's reconnect and replay. Needs root and /dev/fuse (`ikernel up`): else no row. */
static void crash_supervised(int runs)
{
	uint64_t t[16];
	int n = 0;

	bench_progress_begin("crash -> client served (supervisor)", "vm");
	for (int i = 0; i < runs; i++) {
		double ms = supervised_crash_ms();
		if (ms < 0)
			continue;
		t[n++] = (uint64_t)(ms * 1e6);
	}
	if (n == 0) {
		fprintf(stderr, "ikernel bench: no supervised crash row ('ikernel up' needs root and "
				"/dev/fuse)\n");
		return;
	}
	struct bench_row *row = bench_add_row("crash -> client served (supervisor)", LVL_VM, NOTIFY_SLEEP);
	row->notify[0] = '\0';
	row->value = (double)median(t, n) / 1e6;
	snprintf(row->unit, sizeof(row->unit), "ms");
}

static long meminfo_kib(const char *path, const char *const *keys)
{
	FILE *f = fopen(path, "r");
	char line[256];
	long total = 0, v;

	while (f && fgets(line, sizeof(line), f))
		for (const char *const *k = keys; *k; k++)
			if (!strncmp(line, *k, strlen(*k)) && sscanf(line + strlen(*k), " %ld", &v) == 1)
				total += v;
	if (f)
		fclose(f);
	return total;
}

/*
 * Host memory attributable to drivers, in KiB: this process's resident set (VM guest RAM,
 * monitor threads), the proportional set of every driver process, and the kernel's slab, kernel
 * stacks and page tables (KVM's per-VM structures live there). The kernel part is machine-wide,
 * so other activity adds noise: divide by many drivers.
 */
static long host_kib(const struct bench_drv *d, int n)
{
	static const char *const self[] = {"VmRSS:", NULL}, *const pss[] = {"Pss:", NULL};
	static const char *const kernel[] = {"Slab:", "KernelStack:", "PageTables:", "SecPageTables:", NULL};
	long kib = meminfo_kib("/proc/self/status", self) + meminfo_kib("/proc/meminfo", kernel);

	for (int i = 0; i < n; i++) {
		char path[64];
		if (d[i].proc && ik_proc_pid(d[i].proc) > 0) {
			snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)ik_proc_pid(d[i].proc));
			kib += meminfo_kib(path, pss);
		}
	}
	return kib;
}

/* n drivers of 2 MiB at once; optionally one null call each. Fills memory per driver. */
static int many(enum bench_level lvl, int n, bool call, double *kib_each, double *secs)
{
	struct bench_drv *d = calloc((size_t)n, sizeof(*d));
	struct bench_drv_cfg c = {.driver = "nulldev", .spin_ns = 0, .mem_size = IK_MEM_MIN, .serve = call};
	int r = 0, started = 0;

	if (!d)
		return -ENOMEM;
	uint64_t t0 = bench_now_ns();
	usleep(300000); /* let deferred frees of earlier drivers (RCU, KVM teardown) finish */
	long before = host_kib(d, 0);
	for (; started < n && !r; started++)
		r = bench_drv_start(&d[started], lvl, &c);
	if (r)
		started--;
	usleep(200000); /* let every driver reach its idle sleep */
	long after = host_kib(d, started);
	*kib_each = (double)(after - before) / (started ? started : 1);
	if (getenv("IKERNEL_BENCH_LOG"))
		fprintf(stderr, "memory: %ld KiB before, %ld KiB after %d drivers\n", before, after, started);
	for (int i = 0; i < started && call && !r; i++) {
		bench_drv_use(&d[i]);
		int h = ik_open("null0", O_RDWR);
		if (h < 0 || ik_ioctl(h, NULLDEV_NOP, NULL)) {
			fprintf(stderr, "ikernel bench: density: driver %d does not answer\n", i);
			r = h < 0 ? h : -EIO;
		}
		if (h >= 0)
			ik_close(h);
	}
	for (int i = 0; i < started; i++)
		bench_drv_stop(&d[i]);
	*secs = (double)(bench_now_ns() - t0) / 1e9;
	free(d);
	return r;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int bench_life(void)
{
	int runs = bench_o->quick ? 3 : 20, crashes = bench_o->quick ? 2 : 7;
	int idle = bench_o->quick ? 4 : 50, density = bench_o->quick ? 10 : 1000;
	double kib, secs;

	raise_fd_limit();
	bench_pin(0);
	/* isolation=inproc: one driver per process (nulldev only, global runtime state), and a
	 * crash there takes the caller with it: cold start only. */
	if (bench_cold_start(LVL_INPROC, runs))
		return -1;
	for (int l = LVL_VM; l <= LVL_PROCESS; l++) {
		if (bench_cold_start(l, runs) || crash_serving(l, crashes))
			return -1;
		if (l == LVL_VM)
			crash_supervised(crashes);
		bench_progress_begin("memory per idle driver", bench_level_name(l));
		if (many(l, idle, false, &kib, &secs))
			return -1;
		struct bench_row *row = bench_add_row("memory per idle driver", l, NOTIFY_SLEEP);
		row->notify[0] = '\0';
		row->value = kib;
		snprintf(row->unit, sizeof(row->unit), "KiB");
	}
	for (int l = LVL_VM; l <= LVL_PROCESS; l++) {
		char name[48];
		snprintf(name, sizeof(name), "density %d x 2 MiB", density);
		bench_progress_begin(name, bench_level_name(l));
		int r = many(l, density, true, &kib, &secs);
		struct bench_row *row = bench_add_row(name, l, NOTIFY_SLEEP);
		row->notify[0] = '\0';
		row->clients = density;
		row->value = r ? -1 : kib;
		snprintf(row->unit, sizeof(row->unit), "KiB each");
		row->ops_s = r ? 0 : density / secs; /* drivers started+called+stopped per second */
	}
	return 0;
}
