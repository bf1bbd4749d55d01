/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench`: shared types of the bench_*.c files. Every measurement becomes one row
 * (workload, isolation level, notification) in one table, so ratios are taken within one run.
 */
#ifndef IKERNEL_BENCH_H
#define IKERNEL_BENCH_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "monitor.h"
#include "proc.h"

enum bench_level { LVL_VM = 0, LVL_PROCESS, LVL_INPROC, LVL__COUNT };
/* spin: both sides always spin; sleep: both always sleep; default: the budgets `ikernel up`
 * runs with (driver 50 us, libikernel 20 us, then sleep; the device-file rows only). */
enum bench_notify { NOTIFY_SPIN = 0, NOTIFY_SLEEP, NOTIFY_DEFAULT };

#define BENCH_SPIN_ALWAYS 1000000000ull /* 1 s: "always spin" for one call */
#define BENCH_READY_MS    10000
/* A vCPU descheduled for a second on a loaded host is not a hung driver. */
#define BENCH_HANG_MS     10000

struct bench_opts {
	bool json, quick;
	bool pin; /* client on CPU 0, driver on CPU 1 (off for quick: a shared machine) */
	bool progress; /* a line on stderr as each row starts and ends */
	long iterations;
	char image_dir[PATH_MAX];
	char what[32]; /* null | all | quick | file | net */
	char samples_dir[PATH_MAX]; /* "" or where to write latency samples (for plots) */
	/* net: TCP transfers per topology (the row is their median), and the cards and levels to
	 * measure (bit i: bench_net_cards()/bench_net_levels() name i; 0 = all) */
	int tcp_runs;
	unsigned net_cards, net_levels;
};

/* One row of the result table. Unused numbers are 0. */
struct bench_row {
	char workload[48];
	char level[12];  /* vm, process, inproc, raw */
	char notify[8];  /* spin, sleep, default, "" */
	uint64_t p50_ns, p99_ns;
	double ops_s, bytes_s;
	double value; /* for rows with a unit other than latency */
	char unit[12];   /* "" (latency) or ms, KiB, ... */
	int clients;
	uint32_t size;
	char note[96]; /* why a row has no figure ("skipped: ..."), or a remark on it */
};

extern const struct bench_opts *bench_o;

/* bench_util.c */
uint64_t bench_now_ns(void);
void bench_pin(int cpu);
int bench_driver_cpu(void); /* 1, or -1 when not pinning */
bool bench_two_cpus(void);
int bench_find_image(const char *sub, const char *name, char *out, size_t len);
const char *bench_level_name(enum bench_level l);
FILE *bench_quiet_log(void);
/* Sort samples; fill p50/p99 of a row; write them to samples_dir/<file>.dat if asked. */
void bench_latency(struct bench_row *row, uint64_t *s, long n);
struct bench_row *bench_add_row(const char *workload, enum bench_level lvl, enum bench_notify nt);
struct bench_row *bench_add_raw(const char *workload);
struct bench_row *bench_add_level(const char *workload, const char *level); /* any level name */
/* --progress: a row is announced when added (its end: when the next one starts, or at
 * bench_progress_end); a workload whose row is added only once measured announces itself
 * first with bench_progress_begin (level "raw" or bench_level_name()). */
void bench_progress_begin(const char *workload, const char *level);
void bench_progress_end(void);
struct bench_row *bench_rows(unsigned *n);
const struct bench_row *bench_find(const char *workload, const char *level, const char *notify);
/* Private runtime directories: create one, remove it again. */
int bench_mkdir(char *dir, size_t len);
void bench_rmdir(const char *dir);

/* bench_drv.c: one driver served at an isolation level, in its own runtime directory. */
struct bench_drv {
	enum bench_level level;
	struct ik_vm *vm;
	struct ik_proc *proc;
	pthread_t thread;
	bool running;
	struct ik_vm_result res;
	char dir[64];
	uint64_t boot_ns;
	bool keep_dir; /* stop leaves the runtime directory (a successor uses it) */
};
struct bench_drv_cfg {
	const char *driver;   /* nulldev, crashtest */
	uint64_t spin_ns;     /* guest spin */
	uint64_t mem_size;    /* 0 = default */
	bool serve;
	const char *dir;      /* NULL: a fresh private directory */
	const char *name;     /* NULL: the driver's */
};
int bench_drv_start(struct bench_drv *d, enum bench_level lvl, const struct bench_drv_cfg *c);
void bench_drv_stop(struct bench_drv *d);
/* Make libikernel in this process talk to this driver. */
void bench_drv_use(const struct bench_drv *d);

/* The call workloads (bench_calls.c): through libikernel, and as `file: NAME` through the
 * device files (bench_file.c). */
enum bench_call { CALL_NULL, CALL_READ, CALL_WRITE, CALL_OPENCLOSE };
struct bench_workload {
	const char *name;
	enum bench_call call;
	uint32_t size;
	unsigned div; /* fewer samples where each call costs wake-ups (sleeping, device files) */
};
extern const struct bench_workload bench_workloads[];
extern const size_t bench_nworkloads;

/* the workloads */
int bench_raw(void);        /* bench_raw.c */
int bench_calls(bool quick_null_only);  /* bench_calls.c */
int bench_concurrency(void);            /* bench_calls.c */
int bench_net(void);         /* bench_net.c: ping, TCP, frames/s between two namespaces */
/* bench_net.c: a comma-separated list of card (ne2000, e1000) or level (raw, vm, process,
 * inproc) names as a mask, or -EINVAL (`valid` then lists the names). */
int bench_net_cards(const char *list, unsigned *mask, char *valid, size_t len);
int bench_net_levels(const char *list, unsigned *mask, char *valid, size_t len);
int bench_files(void);       /* bench_file.c: the call workloads through the FUSE device files */
extern char bench_file_note[160]; /* why the device-file rows were skipped ("" if they ran) */
int bench_life(void);
int bench_cold_start(enum bench_level lvl, int runs); /* bench_life.c */       /* bench_life.c: cold start, crash -> serving, memory, density */
void bench_report(FILE *out, bool json); /* bench_report.c: table or JSON, targets */

#endif
