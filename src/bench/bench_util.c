/* SPDX-License-Identifier: MIT */
/* `ikernel bench`: clocks, pinning, images, percentiles and the row table. */
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_ROWS 256

static struct bench_row rows[MAX_ROWS];
static unsigned nrows;

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool bench_two_cpus(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN) >= 2;
}

int bench_driver_cpu(void)
{
	return bench_o->pin && bench_two_cpus() ? 1 : -1;
}

void bench_pin(int cpu)
{
	cpu_set_t set;

	if (!bench_two_cpus() || (!bench_o->pin && cpu >= 0))
		return;
	CPU_ZERO(&set);
	if (cpu < 0) {
		for (int i = 0; i < CPU_SETSIZE && i < sysconf(_SC_NPROCESSORS_ONLN); i++)
			CPU_SET(i, &set);
	} else {
		CPU_SET(cpu, &set);
	}
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* `name` in DIR/sub/ or directly in DIR. */
int bench_find_image(const char *sub, const char *name, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/%s/%s", bench_o->image_dir, sub, name);

	if (n > 0 && (size_t)n < len && access(out, R_OK) == 0)
		return 0;
	n = snprintf(out, len, "%s/%s", bench_o->image_dir, name);
	if (n > 0 && (size_t)n < len && access(out, R_OK) == 0)
		return 0;
	fprintf(stderr, "ikernel bench: %s not found in %s/%s or %s (use --image-dir)\n", name,
		bench_o->image_dir, sub, bench_o->image_dir);
	return -ENOENT;
}

const char *bench_level_name(enum bench_level l)
{
	return l == LVL_VM ? "vm" : l == LVL_PROCESS ? "process" : "inproc";
}

FILE *bench_quiet_log(void)
{
	static FILE *devnull;

	/* IKERNEL_BENCH_LOG=1 shows the monitors' logs (why a driver ended). */
	if (getenv("IKERNEL_BENCH_LOG"))
		return stderr;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	return devnull;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void write_samples(const struct bench_row *row, const uint64_t *s, long n)
{
	char path[PATH_MAX + 128];
	FILE *f;

	if (!bench_o->samples_dir[0])
		return;
	snprintf(path, sizeof(path), "%s/%s-%s-%s.dat", bench_o->samples_dir, row->workload, row->level,
		 row->notify[0] ? row->notify : "na");
	for (char *p = path + strlen(bench_o->samples_dir) + 1; *p; p++)
		if (*p == ' ' || *p == '/' || *p == '>')
			*p = '_';
	if (!(f = fopen(path, "w")))
		return;
	/* Every sample would be megabytes: keep 2000 evenly spaced quantiles of the sorted set. */
	long step = n > 2000 ? n / 2000 : 1;
	for (long i = 0; i < n; i += step)
		fprintf(f, "%.6f %.3f\n", (double)i / (double)n, (double)s[i] / 1e3);
	fclose(f);
}

void bench_latency(struct bench_row *row, uint64_t *s, long n)
{
	uint64_t total = 0;

	if (n <= 0)
		return;
	qsort(s, (size_t)n, sizeof(*s), cmp_u64);
	row->p50_ns = s[n / 2];
	row->p99_ns = s[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
	for (long i = 0; i < n; i++)
		total += s[i];
	row->ops_s = total ? (double)n * 1e9 / (double)total : 0;
	row->bytes_s = row->ops_s * row->size;
	write_samples(row, s, n);
}

/* --progress: the row being measured (or the workload announced before its row exists). */
static struct {
	bool open;
	int row;          /* -1: announced, no row yet */
	char workload[48], level[12];
	uint64_t t0;
	unsigned n;
} prog;

void bench_progress_end(void)
{
	char fig[96] = "no figure";

	if (!prog.open)
		return;
	prog.open = false;
	const struct bench_row *r = prog.row >= 0 ? &rows[prog.row] : NULL;
	if (r && r->note[0] && !r->p50_ns && !r->value)
		snprintf(fig, sizeof(fig), "%s", r->note);
	else if (r && r->unit[0])
		snprintf(fig, sizeof(fig), "%.3f %s", r->value, r->unit);
	else if (r && r->p50_ns)
		snprintf(fig, sizeof(fig), "p50 %.3f us, p99 %.3f us", r->p50_ns / 1e3, r->p99_ns / 1e3);
	fprintf(stderr, "ikernel bench: [%u] done  %s, %s%s%s: %s (%.1f s)\n", prog.n,
		r ? r->workload : prog.workload, r ? r->level : prog.level,
		r && r->notify[0] ? ", " : "", r ? r->notify : "", fig,
		(double)(bench_now_ns() - prog.t0) / 1e9);
}

static void progress_start(const char *workload, const char *level, const char *notify, int row)
{
	bench_progress_end();
	prog.open = true;
	prog.row = row;
	prog.n++;
	snprintf(prog.workload, sizeof(prog.workload), "%s", workload);
	snprintf(prog.level, sizeof(prog.level), "%s", level);
	prog.t0 = bench_now_ns();
	fprintf(stderr, "ikernel bench: [%u] start %s, %s%s%s\n", prog.n, workload, level,
		notify && notify[0] ? ", " : "", notify ? notify : "");
}

void bench_progress_begin(const char *workload, const char *level)
{
	if (bench_o->progress)
		progress_start(workload, level, NULL, -1);
}

static struct bench_row *new_row(const char *workload, const char *level, const char *notify)
{
	static struct bench_row spare;
	struct bench_row *r = nrows < MAX_ROWS ? &rows[nrows++] : &spare;

	if (bench_o->progress && r != &spare) {
		if (prog.open && prog.row < 0 && !strcmp(prog.workload, workload) &&
		    !strcmp(prog.level, level))
			prog.row = (int)(r - rows); /* announced before it was measured */
		else
			progress_start(workload, level, notify, (int)(r - rows));
	}

	memset(r, 0, sizeof(*r));
	snprintf(r->workload, sizeof(r->workload), "%s", workload);
	snprintf(r->level, sizeof(r->level), "%s", level);
	snprintf(r->notify, sizeof(r->notify), "%s", notify);
	r->clients = 1;
	return r;
}

struct bench_row *bench_add_row(const char *workload, enum bench_level lvl, enum bench_notify nt)
{
	return new_row(workload, bench_level_name(lvl),
		       nt == NOTIFY_SPIN ? "spin" : nt == NOTIFY_DEFAULT ? "default" : "sleep");
}

struct bench_row *bench_add_raw(const char *workload)
{
	return new_row(workload, "raw", "");
}

struct bench_row *bench_add_level(const char *workload, const char *level)
{
	return new_row(workload, level, "");
}

struct bench_row *bench_rows(unsigned *n)
{
	*n = nrows;
	return rows;
}

const struct bench_row *bench_find(const char *workload, const char *level, const char *notify)
{
	for (unsigned i = 0; i < nrows; i++)
		if (!strcmp(rows[i].workload, workload) && !strcmp(rows[i].level, level) &&
		    (!notify || !strcmp(rows[i].notify, notify)))
			return &rows[i];
	return NULL;
}

int bench_mkdir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/ikernel-bench-XXXXXX");
	return mkdtemp(dir) ? 0 : -errno;
}

void bench_rmdir(const char *dir)
{
	char nodes[PATH_MAX];

	/* The monitor removed its socket and links; remove what is left. */
	snprintf(nodes, sizeof(nodes), "%s/nodes", dir);
	rmdir(nodes);
	rmdir(dir);
}
