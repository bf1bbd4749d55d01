/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench`: calls through libikernel to nulldev (a RAM-backed driver) at every
 * isolation level, both sides spinning or both sleeping between calls:
 *   null      NULLDEV_NOP ioctl
 *   read/write of 64 B, 4 KiB and 64 KiB (pread/pwrite at offset 0)
 *   open+close
 *   concurrency: 1, 2, 4, 16 client threads on CPU 0, each with its own open file, null calls
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ikernel/ikernel.h"
#include "nulldev_ioctl.h"

const struct bench_workload bench_workloads[] = {
	{"null ioctl", CALL_NULL, 0, 4},
	{"read 64 B", CALL_READ, 64, 4},
	{"write 64 B", CALL_WRITE, 64, 4},
	{"read 4 KiB", CALL_READ, 4096, 4},
	{"write 4 KiB", CALL_WRITE, 4096, 4},
	{"read 64 KiB", CALL_READ, 65536, 8},
	{"write 64 KiB", CALL_WRITE, 65536, 8},
	{"open+close", CALL_OPENCLOSE, 0, 8},
};
const size_t bench_nworkloads = sizeof(bench_workloads) / sizeof(bench_workloads[0]);

static char iobuf[65536];

static long one_call(int h, const struct bench_workload *w)
{
	switch (w->call) {
	case CALL_NULL:
		return ik_ioctl(h, NULLDEV_NOP, NULL);
	case CALL_READ:
		return ik_pread(h, iobuf, w->size, 0) == (ssize_t)w->size ? 0 : -EIO;
	case CALL_WRITE:
		return ik_pwrite(h, iobuf, w->size, 0) == (ssize_t)w->size ? 0 : -EIO;
	case CALL_OPENCLOSE: {
		int h2 = ik_open("null0", O_RDWR);
		return h2 < 0 ? h2 : ik_close(h2);
	}
	}
	return -EINVAL;
}

static int run_workload(const struct bench_workload *w, long n, struct bench_row *row)
{
	uint64_t *s = calloc((size_t)n, sizeof(*s));
	long warm = n / 10 < 1000 ? n / 10 : 1000;
	int h = ik_open("null0", O_RDWR), r = 0;

	if (!s || h < 0) {
		fprintf(stderr, "ikernel bench: ik_open(null0): %s\n", strerror(h < 0 ? -h : ENOMEM));
		free(s);
		return h < 0 ? h : -ENOMEM;
	}
	for (long i = -warm; i < n; i++) {
		uint64_t t0 = bench_now_ns();
		long c = one_call(h, w);
		uint64_t t1 = bench_now_ns();
		if (c) {
			fprintf(stderr, "ikernel bench: %s failed: %ld\n", w->name, c);
			r = -EIO;
			break;
		}
		if (i >= 0)
			s[i] = t1 - t0;
	}
	ik_close(h);
	if (!r)
		bench_latency(row, s, n);
	free(s);
	return r;
}

static int level_calls(enum bench_level lvl, enum bench_notify nt, bool null_only)
{
	struct bench_drv d;
	uint64_t spin = nt == NOTIFY_SPIN ? BENCH_SPIN_ALWAYS : 0;
	struct bench_drv_cfg c = {.driver = "nulldev", .spin_ns = spin, .serve = true};
	int r = bench_drv_start(&d, lvl, &c);

	if (r)
		return r;
	bench_drv_use(&d);
	ik_set_spin_ns(spin);
	for (size_t i = 0; i < bench_nworkloads && !r; i++) {
		const struct bench_workload *w = &bench_workloads[i];
		long n = bench_o->iterations / (nt == NOTIFY_SPIN ? 1 : (long)w->div);
		struct bench_row *row = bench_add_row(w->name, lvl, nt);

		row->size = w->size;
		r = run_workload(w, n < 20 ? 20 : n, row);
		if (null_only)
			break;
	}
	bench_drv_stop(&d);
	return r;
}

int bench_calls(bool null_only)
{
	bench_pin(0);
	for (int l = 0; l < LVL__COUNT; l++)
		for (int nt = NOTIFY_SPIN; nt <= NOTIFY_SLEEP; nt++)
			if (level_calls(l, nt, null_only))
				return -1;
	return 0;
}

/* ---- concurrency ------------------------------------------------------------------------- */

struct client {
	pthread_t t;
	long n;
	uint64_t *s;
	int r;
	pthread_barrier_t *go; /* every client opened its file: the clock starts */
	uint64_t t_start, t_end;
};

static void *client_main(void *arg)
{
	struct client *c = arg;
	int h;

	bench_pin(0); /* CPU 1 is the driver's: a client there would take turns with it */
	h = ik_open("null0", O_RDWR);

	c->r = h < 0 ? h : 0;
	pthread_barrier_wait(c->go);
	c->t_start = bench_now_ns();
	for (long i = 0; i < c->n && !c->r; i++) {
		uint64_t t0 = bench_now_ns();
		if (ik_ioctl(h, NULLDEV_NOP, NULL))
			c->r = -EIO;
		c->s[i] = bench_now_ns() - t0;
	}
	c->t_end = bench_now_ns();
	if (h >= 0)
		ik_close(h);
	return NULL;
}

static int clients_run(enum bench_level lvl, enum bench_notify nt, int nclients, long per)
{
	struct client cl[16];
	uint64_t *all = calloc((size_t)(nclients * per), sizeof(*all));
	char name[32];
	int r = 0;

	if (!all)
		return -ENOMEM;
	snprintf(name, sizeof(name), "null ioctl x%d clients", nclients);
	struct bench_row *row = bench_add_row(name, lvl, nt);
	pthread_barrier_t go;
	uint64_t first = UINT64_MAX, last = 0;

	row->clients = nclients;
	pthread_barrier_init(&go, NULL, (unsigned)nclients);
	for (int i = 0; i < nclients; i++) {
		cl[i] = (struct client){.n = per, .s = all + i * per, .go = &go};
		if (pthread_create(&cl[i].t, NULL, client_main, &cl[i])) {
			fprintf(stderr, "ikernel bench: cannot start client thread %d\n", i);
			exit(1); /* the others would wait at the barrier for ever */
		}
	}
	for (int i = 0; i < nclients; i++) {
		pthread_join(cl[i].t, NULL);
		if (cl[i].r)
			r = cl[i].r;
		first = cl[i].t_start < first ? cl[i].t_start : first;
		last = cl[i].t_end > last ? cl[i].t_end : last;
	}
	pthread_barrier_destroy(&go);
	uint64_t wall = last > first ? last - first : 1;
	if (!r) {
		bench_latency(row, all, nclients * per);
		row->ops_s = (double)(nclients * per) * 1e9 / (double)wall; /* aggregate */
	} else {
		fprintf(stderr, "ikernel bench: %s at %s: %s\n", name, row->level, strerror(-r));
	}
	free(all);
	return r;
}

int bench_concurrency(void)
{
	static const int counts[] = {1, 2, 4, 16};

	for (int l = 0; l < LVL__COUNT; l++) {
		for (int nt = NOTIFY_SPIN; nt <= NOTIFY_SLEEP; nt++) {
			struct bench_drv d;
			/* Spinning: the driver spins 1 ms, each client 20 us (clients share CPU 0: one
			 * spinning for long would keep the others from submitting). */
			uint64_t spin = nt == NOTIFY_SPIN ? BENCH_SPIN_ALWAYS / 1000 : 0;
			struct bench_drv_cfg c = {.driver = "nulldev", .spin_ns = spin, .serve = true};
			int r = bench_drv_start(&d, l, &c);

			if (r)
				return r;
			bench_drv_use(&d);
			ik_set_spin_ns(nt == NOTIFY_SPIN ? 20000 : 0);
			for (size_t i = 0; i < 4 && !r; i++) {
				long per = bench_o->iterations / 4 / counts[i];
				r = clients_run(l, nt, counts[i], per < 10 ? 10 : per);
			}
			bench_drv_stop(&d);
			if (r)
				return r;
		}
	}
	return 0;
}
