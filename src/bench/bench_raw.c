/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench`: the raw limits of this machine, measured in the same run as the calls:
 *   shm ping-pong         two host threads on two CPUs, one cache line each way
 *   shm ring-shaped       the same with the payload on a second line each way, read after the
 *                         flag, as a ring's SQE/CQE after its tail: the floor for the rings
 *   ... + fences          the same plus each side's sleep-protocol fence after publishing and
 *                         a look at the other's sleep flag (ring.h): the floor for these rings
 *   eventfd round trip    two host threads, each blocked in read() on its eventfd
 *   host<->guest ping-pong  rawbench.img mode=pingpong: shared memory with the vCPU, no exits
 *   ioeventfd round trip  rawbench.img mode=ioeventfd: guest doorbell -> blocked host thread
 *   MMIO exit             rawbench.img mode=mmio: ping-pong plus one exit to the monitor
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "ikernel/abi.h"
#include "ikernel/ring.h"

#define RAW_CHANNEL    15 /* rawbench rings doorbell 15 in ioeventfd mode */
#define RAW_STOP       0xffffffffu
#define RAW_TIMEOUT_NS 30000000000ull /* a loaded shared machine can stall a vCPU for seconds */

/* The guest's `rawbench_shared` (guest/bench/rawbench.c): each word on its own cache line. */
struct rawbench_shared {
	_Alignas(64) uint32_t ping;
	_Alignas(64) uint32_t pong;
};

static long warmup(long n)
{
	return n / 10 < 1000 ? n / 10 : 1000;
}

/* ---- host only ------------------------------------------------------------------------------ */

struct hostpp {
	struct rawbench_shared sh;
	/* ring-shaped: the payload on its own line, read after the flag (like an SQE after
	 * sq_tail, a CQE after cq_tail) */
	_Alignas(64) uint64_t req[8];
	_Alignas(64) uint64_t resp[8];
	long n;
	int efd[2];
	bool use_eventfd, ring, fences;
	_Alignas(64) uint32_t idle[2]; /* the sleep flags each side checks after publishing */
};

static void *host_echo(void *arg)
{
	struct hostpp *h = arg;
	uint32_t last = 0;
	uint64_t v;

	bench_pin(1);
	for (;;) {
		if (h->use_eventfd) {
			if (read(h->efd[0], &v, sizeof(v)) != sizeof(v))
				return NULL;
			last = ik_load_acquire(&h->sh.ping);
			if (write(h->efd[1], &v, sizeof(v)) != sizeof(v))
				return NULL;
		} else {
			uint32_t p;
			while ((p = ik_load_acquire(&h->sh.ping)) == last)
				ik_cpu_relax();
			last = p;
			if (h->ring) /* read the request, write the response, then publish */
				h->resp[0] = h->req[0] + 1;
			ik_store_release(&h->sh.pong, p);
			if (h->fences) { /* publish, fence, look at the other side's sleep flag */
				ik_fence_seq_cst();
				(void)ik_load_relaxed(&h->idle[0]);
			}
		}
		if (last == RAW_STOP)
			return NULL;
	}
}

static int host_pingpong(bool use_eventfd, int ring, long n, struct bench_row *row)
{
	static struct hostpp h;

	h = (struct hostpp){.n = n, .use_eventfd = use_eventfd, .ring = ring > 0, .fences = ring > 1,
			    .efd = {-1, -1}};
	uint64_t *s = calloc((size_t)n, sizeof(*s)), v = 1;
	pthread_t t;
	int r = 0;

	if (!s)
		return -ENOMEM;
	if (use_eventfd && ((h.efd[0] = eventfd(0, EFD_CLOEXEC)) < 0 || (h.efd[1] = eventfd(0, EFD_CLOEXEC)) < 0)) {
		free(s);
		return -errno;
	}
	pthread_create(&t, NULL, host_echo, &h);
	for (long i = -warmup(n); i < n && !r; i++) {
		uint32_t seq = (uint32_t)(i + warmup(n) + 1);
		uint64_t t0 = bench_now_ns();
		if (ring)
			h.req[0] = seq;
		ik_store_release(&h.sh.ping, seq);
		if (h.fences) {
			ik_fence_seq_cst();
			(void)ik_load_relaxed(&h.idle[1]);
		}
		if (use_eventfd) {
			if (write(h.efd[0], &v, sizeof(v)) != sizeof(v) || read(h.efd[1], &v, sizeof(v)) != sizeof(v))
				r = -errno;
		} else {
			while (ik_load_acquire(&h.sh.pong) != seq)
				ik_cpu_relax();
			if (ring && *(volatile uint64_t *)&h.resp[0] != (uint64_t)seq + 1)
				r = -EPROTO;
		}
		if (i >= 0)
			s[i] = bench_now_ns() - t0;
	}
	ik_store_release(&h.sh.ping, RAW_STOP);
	if (use_eventfd)
		(void)!write(h.efd[0], &v, sizeof(v));
	pthread_join(t, NULL);
	if (!r)
		bench_latency(row, s, n);
	for (int i = 0; i < 2; i++)
		if (h.efd[i] >= 0)
			close(h.efd[i]);
	free(s);
	return r;
}

/* ---- host <-> guest with rawbench.img ------------------------------------------------------ */

struct rawvm {
	struct ik_vm *vm;
	pthread_t t;
	struct ik_vm_result res;
	int wake_fd;
};

static void *raw_vcpu(void *arg)
{
	struct rawvm *b = arg;
	uint64_t one = 1;

	ik_vm_run(b->vm, &b->res);
	if (b->wake_fd >= 0)
		(void)!write(b->wake_fd, &one, sizeof(one));
	return NULL;
}

static int wait_pong(struct rawbench_shared *sh, uint32_t seq, uint64_t deadline)
{
	for (unsigned i = 1;; i++) {
		if (ik_load_acquire(&sh->pong) == seq)
			return 0;
		if ((i & 0xfff) == 0 && bench_now_ns() > deadline)
			return -ETIMEDOUT;
		ik_cpu_relax();
	}
}

/* The guest samples the ping word once when it starts: ping until one is answered. */
static int64_t raw_sync(struct rawbench_shared *sh)
{
	uint64_t give_up = bench_now_ns() + RAW_TIMEOUT_NS;

	for (uint32_t seq = 1; bench_now_ns() < give_up; seq++) {
		ik_store_release(&sh->ping, seq);
		if (wait_pong(sh, seq, bench_now_ns() + 20000000ull) == 0)
			return seq;
	}
	fprintf(stderr, "ikernel bench: rawbench never answered a ping\n");
	return -ETIMEDOUT;
}

static int raw_loop(struct rawbench_shared *sh, uint32_t seq, int efd, long n, uint64_t *s)
{
	uint64_t v;

	if (efd >= 0) {
		struct timespec settle = {0, 1000000};
		/* Let the doorbells of the synchronising pings land, then start from zero. */
		nanosleep(&settle, NULL);
		if (read(efd, &v, sizeof(v)) != sizeof(v))
			return -errno;
	}
	for (long i = -warmup(n); i < n; i++) {
		seq++;
		uint64_t t0 = bench_now_ns();
		ik_store_release(&sh->ping, seq);
		if (efd >= 0) {
			/* A plain blocking read; raw_vcpu() writes the eventfd if the VM ends. */
			if (read(efd, &v, sizeof(v)) != sizeof(v))
				return -errno;
			/* A doorbell of an earlier ping can land late (a descheduled vCPU on a busy
			 * host): wait for the one that goes with this pong. */
			while (ik_load_acquire(&sh->pong) != seq)
				if (read(efd, &v, sizeof(v)) != sizeof(v))
					return -errno;
		} else if (wait_pong(sh, seq, t0 + RAW_TIMEOUT_NS)) {
			fprintf(stderr, "ikernel bench: rawbench did not answer ping %u\n", seq);
			return -ETIMEDOUT;
		}
		if (i >= 0)
			s[i] = bench_now_ns() - t0;
	}
	return 0;
}

static int raw_vm(const char *mode, long n, struct bench_row *row)
{
	char image[PATH_MAX], params[32];
	struct rawvm b = {.wake_fd = -1};
	bool doorbell = !strcmp(mode, "ioeventfd");
	uint64_t *s = calloc((size_t)n, sizeof(*s));
	char err[256] = "";
	int r;

	if (!s || (r = bench_find_image("guest", "rawbench.img", image, sizeof(image)))) {
		free(s);
		return s ? -ENOENT : -ENOMEM;
	}
	snprintf(params, sizeof(params), "mode=%s", mode);
	struct ik_vm_config cfg = {.image_path = image, .params = params, .spin_ns = (uint64_t)-1,
				   .log = bench_quiet_log(), .vcpu_cpu = bench_driver_cpu(),
				   .hang_ms = BENCH_HANG_MS};
	if ((r = ik_vm_create(&cfg, &b.vm, err, sizeof(err)))) {
		fprintf(stderr, "ikernel bench: rawbench: %s\n", err);
		free(s);
		return r;
	}
	uint64_t gpa = ik_vm_symbol(b.vm, "rawbench_shared");
	struct rawbench_shared *sh = gpa ? ik_vm_gpa(b.vm, gpa, sizeof(*sh), true) : NULL;
	if (!sh) {
		r = -ENOENT;
		goto out;
	}
	if (doorbell) {
		b.wake_fd = eventfd(0, EFD_CLOEXEC);
		if (b.wake_fd < 0 || (r = ik_vm_add_ioeventfd(b.vm, IK_GPA_DOORBELL + 8 * RAW_CHANNEL, b.wake_fd))) {
			r = b.wake_fd < 0 ? -errno : r;
			goto out;
		}
	}
	if ((r = -pthread_create(&b.t, NULL, raw_vcpu, &b)))
		goto out;
	int64_t seq = raw_sync(sh);
	r = seq < 0 ? (int)seq : raw_loop(sh, (uint32_t)seq, b.wake_fd, n, s);
	if (!r)
		bench_latency(row, s, n);
	ik_store_release(&sh->ping, RAW_STOP);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	if (r || pthread_timedjoin_np(b.t, NULL, &until)) {
		ik_vm_stop(b.vm);
		pthread_join(b.t, NULL);
	}
	if (r)
		ik_vm_format_result(b.vm, &b.res, stderr);
out:
	ik_vm_destroy(b.vm);
	if (b.wake_fd >= 0)
		close(b.wake_fd);
	free(s);
	if (r)
		fprintf(stderr, "ikernel bench: rawbench mode=%s: %s\n", mode, strerror(-r));
	return r;
}

int bench_raw(void)
{
	long n = bench_o->iterations, nsleep = n / 4 > 20 ? n / 4 : 20;

	bench_pin(0);
	if (host_pingpong(false, 0, n, bench_add_raw("shm ping-pong (2 threads)")) ||
	    host_pingpong(false, 1, n, bench_add_raw("shm ring-shaped round trip")) ||
	    host_pingpong(false, 2, n, bench_add_raw("shm ring-shaped + fences")) ||
	    host_pingpong(true, 0, nsleep, bench_add_raw("eventfd round trip")) ||
	    raw_vm("pingpong", n, bench_add_raw("host<->guest ping-pong")) ||
	    raw_vm("ioeventfd", nsleep, bench_add_raw("ioeventfd round trip")) ||
	    raw_vm("mmio", nsleep, bench_add_raw("MMIO exit + ping-pong")))
		return -1;
	return 0;
}
