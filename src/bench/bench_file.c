/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench`: the call workloads through the device files. The supervisor's FUSE front end
 * (src/super/fuse_front.c, the same code `ikernel up` mounts) runs in this process, mounted on a
 * private directory, serving nulldev's node null0; the driver runs at each isolation level as
 * for the other rows (bench_drv.c) and the front end reaches it through libikernel like any
 * client. The bench then uses the file with plain system calls, as a program would:
 *   file: null ioctl        ioctl(fd, NULLDEV_NOP)        (FUSE restricted ioctl)
 *   file: read/write N      pread/pwrite at offset 0      (direct I/O: each reaches the driver)
 *   file: open+close        open + close of the file      (lookup, open, flush; release is async)
 * Each call is two hand-offs through the kernel (the caller to a FUSE worker thread and back:
 * FUSE always sleeps there) around one libikernel call from the worker to the driver. That
 * inner call is measured three ways: "spin" and "sleep" as in bench_calls.c (both sides always
 * spin / always sleep), and "default", the budgets `ikernel up` runs with (the driver spins
 * 50 us after its last request, libikernel 20 us for a completion, then both sleep): back to
 * back calls find the driver still spinning. The target compares vm with inproc (the driver
 * linked into this process, the process that runs the front end).
 * The FUSE workers are started from the client thread and inherit its CPU (CPU 0 when pinning);
 * the driver is on CPU 1. Without /dev/fuse, or when the mount is refused (not root), the rows
 * are skipped and bench_file_note says why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench.h"
#include "ikernel/ikernel.h"
#include "super.h"
#include "nulldev_ioctl.h"

/* libikernel's own default (include/ikernel/ikernel.h), what the supervisor's front end uses. */
#define LIBIK_SPIN_DEFAULT 20000

char bench_file_note[160];

static char fbuf[65536];

/* What the front end knows of the driver: one node, always running (no supervisor here). */
static struct drv front_drv;

static void front_drv_init(void)
{
	memset(&front_drv, 0, sizeof(front_drv));
	snprintf(front_drv.m.name, sizeof(front_drv.m.name), "nulldev");
	front_drv.m.nnodes = 1;
	front_drv.m.nodes[0] = (struct ikm_node){.uid = getuid(), .gid = getgid(), .mode = 0600};
	snprintf(front_drv.m.nodes[0].name, sizeof(front_drv.m.nodes[0].name), "null0");
	front_drv.out_fd = front_drv.st_fd = -1;
	front_drv.state = DRV_RUNNING;
}

static long one_call(int fd, const char *path, const struct bench_workload *w)
{
	switch (w->call) {
	case CALL_NULL:
		return ioctl(fd, NULLDEV_NOP, 0) == 0 ? 0 : -errno;
	case CALL_READ:
		return pread(fd, fbuf, w->size, 0) == (ssize_t)w->size ? 0 : -EIO;
	case CALL_WRITE:
		return pwrite(fd, fbuf, w->size, 0) == (ssize_t)w->size ? 0 : -EIO;
	case CALL_OPENCLOSE: {
		int fd2 = open(path, O_RDWR | O_CLOEXEC);
		if (fd2 < 0)
			return -errno;
		return close(fd2) ? -errno : 0;
	}
	}
	return -EINVAL;
}

static int run_file_workload(const char *path, const struct bench_workload *w, long n,
			     struct bench_row *row)
{
	uint64_t *s = calloc((size_t)n, sizeof(*s));
	long warm = n / 10 < 1000 ? n / 10 : 1000;
	int fd = open(path, O_RDWR | O_CLOEXEC), r = 0;

	if (!s || fd < 0) {
		r = fd < 0 ? -errno : -ENOMEM;
		fprintf(stderr, "ikernel bench: open %s: %s\n", path, strerror(-r));
		free(s);
		if (fd >= 0)
			close(fd);
		return r;
	}
	for (long i = -warm; i < n; i++) {
		uint64_t t0 = bench_now_ns();
		long c = one_call(fd, path, w);
		uint64_t t1 = bench_now_ns();
		if (c) {
			fprintf(stderr, "ikernel bench: %s on %s failed: %s\n", w->name, path, strerror((int)-c));
			r = -EIO;
			break;
		}
		if (i >= 0)
			s[i] = t1 - t0;
	}
	close(fd);
	if (!r)
		bench_latency(row, s, n);
	free(s);
	return r;
}

/* The kernel releases a closed file asynchronously: unmount only once the last one has been
 * released (its ik_close done), so no release is cut off by the unmount. */
static void wait_released(void)
{
	for (int i = 0; i < 2000 && fuse_front_open_files(); i++)
		usleep(1000);
}

/* The workloads at one level and notification: driver up, front end mounted, measure, unmount,
 * driver down. 1: the front end could not be mounted (rows skipped, bench_file_note says why). */
static int level_files(enum bench_level lvl, enum bench_notify nt, const char *mnt)
{
	struct bench_drv d;
	uint64_t spin = nt == NOTIFY_SPIN ? BENCH_SPIN_ALWAYS : nt == NOTIFY_DEFAULT ? (uint64_t)-1 : 0;
	struct bench_drv_cfg c = {.driver = "nulldev", .spin_ns = spin, .serve = true};
	char path[PATH_MAX], err[256] = "";
	int r = bench_drv_start(&d, lvl, &c);

	if (r)
		return r;
	bench_drv_use(&d); /* the front end's libikernel calls go to this driver */
	ik_set_spin_ns(nt == NOTIFY_DEFAULT ? LIBIK_SPIN_DEFAULT : spin);
	front_drv_init();
	if ((r = fuse_front_start_one(&front_drv, mnt, err, sizeof(err)))) {
		snprintf(bench_file_note, sizeof(bench_file_note), "skipped: %s", err);
		fprintf(stderr, "ikernel bench: device-file rows %s\n", bench_file_note);
		bench_drv_stop(&d);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/null0", mnt);
	for (size_t i = 0; i < bench_nworkloads && !r; i++) {
		const struct bench_workload *w = &bench_workloads[i];
		long n = bench_o->iterations / (long)w->div; /* every file call costs wake-ups */
		char name[48];

		snprintf(name, sizeof(name), "file: %s", w->name);
		struct bench_row *row = bench_add_row(name, lvl, nt);

		row->size = w->size;
		r = run_file_workload(path, w, n < 20 ? 20 : n, row);
	}
	wait_released();
	fuse_front_stop();
	bench_drv_stop(&d);
	return r;
}

int bench_files(void)
{
	char mnt[64];
	int r = 0;

	if (access("/dev/fuse", R_OK | W_OK) != 0) {
		snprintf(bench_file_note, sizeof(bench_file_note), "skipped: /dev/fuse is not available (%s)",
			 strerror(errno));
		fprintf(stderr, "ikernel bench: device-file rows %s\n", bench_file_note);
		return 0;
	}
	if ((r = bench_mkdir(mnt, sizeof(mnt))))
		return r;
	bench_pin(0);
	for (int l = 0; l < LVL__COUNT && !r; l++)
		for (int nt = NOTIFY_SPIN; nt <= NOTIFY_DEFAULT && !r; nt++)
			r = level_files(l, nt, mnt);
	rmdir(mnt);
	return r == 1 ? 0 : r; /* a refused mount skips the rows, it does not fail the bench */
}
