/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench null`: the cost of isolation, measured in one run against the raw limits of
 * the machine, so the ratios hold even though absolute timings drift between machines.
 *   null call  NULLDEV_NOP through libikernel to an in-process nulldev VM, (a) both sides
 *              spinning, (b) both sides sleeping between calls;
 *   raw        rawbench.img: host<->guest shared-memory ping-pong, and the ioeventfd round trip
 *              (guest doorbell -> blocked host thread -> guest);
 *   boot       nulldev create -> IK_HC_READY, median of 20 cold starts.
 * The vCPU runs on CPU 1, the client on CPU 0 (when the machine has two).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ikernel/control.h"
#include "ikernel/ikernel.h"
#include "ikernel/ring.h"
#include "monitor.h"
#include "../../drivers/nulldev/nulldev_ioctl.h"

#define BENCH_ITER_DEFAULT  20000
#define BENCH_WARMUP        1000
#define BENCH_BOOTS         20
#define BENCH_SPIN_LARGE_NS 1000000000ull /* 1 s: "always spin" for one call */
#define BENCH_READY_MS      10000
#define BENCH_RAW_CHANNEL   15 /* rawbench rings doorbell 15 in ioeventfd mode */
#define BENCH_RAW_STOP      0xffffffffu
#define BENCH_RAW_TIMEOUT_NS 5000000000ull

/* Targets (docs/ARCHITECTURE.md): isolation must cost little over the raw mechanism. */
#define TARGET_SPIN_RATIO  2.0
#define TARGET_BLOCK_RATIO 1.3
#define TARGET_BOOT_MS     1.5

/* The guest's `rawbench_shared` (guest/bench/rawbench.c): each word on its own cache line. */
struct rawbench_shared {
	_Alignas(64) uint32_t ping; /* host: the sequence number to answer; 0xffffffff: exit */
	_Alignas(64) uint32_t pong; /* guest: the last sequence number answered */
};

struct bench_opts {
	bool json;
	long iterations;
	char image_dir[PATH_MAX]; /* the build root, or a directory holding the images */
};

struct pct {
	uint64_t p50, p99;
};

struct bench_result {
	struct pct spin, block, raw_pingpong, raw_ioeventfd;
	double boot_ms;
};

struct bench_vm {
	struct ik_vm *vm;
	pthread_t thread;
	struct ik_vm_result res;
	bool running;
	int wake_fd; /* eventfd written when ik_vm_run returns (-1: none) */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static struct pct percentiles(uint64_t *s, size_t n)
{
	qsort(s, n, sizeof(*s), cmp_u64);
	return (struct pct){.p50 = s[n / 2], .p99 = s[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1]};
}

static bool two_cpus(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN) >= 2;
}

static void pin_self(int cpu)
{
	cpu_set_t set;

	if (!two_cpus())
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* ---- images ---------------------------------------------------------------------------- */

static void default_image_dir(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0) {
		snprintf(out, len, ".");
		return;
	}
	exe[n] = '\0';
	/* build/src/cli/ikernel -> build */
	if (snprintf(out, len, "%s/../..", dirname(exe)) >= (int)len)
		snprintf(out, len, ".");
}

/* `name` in DIR/sub/ or directly in DIR. */
static int find_image(const struct bench_opts *o, const char *sub, const char *name, char *out,
		      size_t len)
{
	int n = snprintf(out, len, "%s/%s/%s", o->image_dir, sub, name);
	if (n > 0 && (size_t)n < len && access(out, R_OK) == 0)
		return 0;
	n = snprintf(out, len, "%s/%s", o->image_dir, name);
	if (n > 0 && (size_t)n < len && access(out, R_OK) == 0)
		return 0;
	fprintf(stderr, "ikernel bench: %s not found in %s/%s or %s (use --image-dir)\n", name,
		o->image_dir, sub, o->image_dir);
	return -ENOENT;
}

/* ---- in-process VMs -------------------------------------------------------------------- */

static void *vcpu_main(void *arg)
{
	struct bench_vm *b = arg;

	uint64_t one = 1;

	ik_vm_run(b->vm, &b->res);
	if (b->wake_fd >= 0)
		(void)!write(b->wake_fd, &one, sizeof(one));
	return NULL;
}

static FILE *quiet_log(void)
{
	static FILE *devnull;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	return devnull;
}

/* Create a VM (not yet running). spin_ns (uint64_t)-1 = the monitor's default. */
static int vm_create(struct bench_vm *b, const char *image, const char *params, bool serve,
		     const char *runtime_dir, uint64_t spin_ns)
{
	struct ik_vm_config cfg = {
		.image_path = image,
		.params = params,
		.runtime_dir = runtime_dir,
		.serve = serve,
		.spin_ns = spin_ns,
		.log = quiet_log(),
		.vcpu_cpu = two_cpus() ? 1 : -1,
	};
	char err[256] = "";

	memset(b, 0, sizeof(*b));
	b->wake_fd = -1;
	int r = ik_vm_create(&cfg, &b->vm, err, sizeof(err));
	if (r)
		fprintf(stderr, "ikernel bench: cannot create a VM from %s: %s\n", image,
			err[0] ? err : strerror(-r));
	return r;
}

static int vm_start(struct bench_vm *b)
{
	int r = pthread_create(&b->thread, NULL, vcpu_main, b);

	if (r)
		return -r;
	b->running = true;
	return 0;
}

static int vm_ready(struct bench_vm *b)
{
	int r = ik_vm_wait_ready(b->vm, BENCH_READY_MS);

	if (r)
		fprintf(stderr, "ikernel bench: %s did not become ready: %s\n", ik_vm_name(b->vm),
			strerror(-r));
	return r;
}

/* Stop (if still running), join and free. Prints the report if the VM ended badly. */
static void vm_finish(struct bench_vm *b, bool expect_exit)
{
	if (!b->vm)
		return;
	if (b->running) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 2;
		/* A guest told to exit gets 2 s to do so; then, like any other, it is stopped. */
		if (!expect_exit || pthread_timedjoin_np(b->thread, NULL, &until) != 0) {
			ik_vm_stop(b->vm);
			pthread_join(b->thread, NULL);
		}
		bool fine = b->res.end == IK_END_STOPPED ||
			    (b->res.end == IK_END_EXIT && b->res.exit_code == 0);
		if (!fine)
			ik_vm_format_result(b->vm, &b->res, stderr);
	}
	ik_vm_destroy(b->vm);
	b->vm = NULL;
}

/* ---- the null call through libikernel -------------------------------------------------- */

static int null_calls(long n, uint64_t *samples, long warmup)
{
	int h = ik_open("null0", O_RDWR);

	if (h < 0) {
		fprintf(stderr, "ikernel bench: ik_open(null0): %s\n", strerror(-h));
		return h;
	}
	for (long i = -warmup; i < n; i++) {
		uint64_t t0 = now_ns();
		long r = ik_ioctl(h, NULLDEV_NOP, NULL);
		uint64_t t1 = now_ns();
		if (r != 0) {
			fprintf(stderr, "ikernel bench: NULLDEV_NOP returned %ld\n", r);
			ik_close(h);
			return r < 0 ? (int)r : -EPROTO;
		}
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	ik_close(h);
	return 0;
}

/* One nulldev VM serving in its own runtime dir; the client measures n null calls. */
static int measure_null(const char *image, uint64_t guest_spin, uint64_t client_spin, long n,
			struct pct *out)
{
	char dir[] = "/tmp/ikernel-bench-XXXXXX";
	struct bench_vm b;
	uint64_t *samples = calloc((size_t)n, sizeof(*samples));
	int r = -ENOMEM;

	if (!samples || !mkdtemp(dir))
		goto out;
	r = vm_create(&b, image, NULL, true, dir, guest_spin);
	if (r)
		goto out_dir;
	if (!(r = vm_start(&b)) && !(r = vm_ready(&b))) {
		setenv(IK_RUNTIME_DIR_ENV, dir, 1);
		ik_set_spin_ns(client_spin);
		r = null_calls(n, samples, n < BENCH_WARMUP ? n / 10 : BENCH_WARMUP);
		if (!r)
			*out = percentiles(samples, (size_t)n);
	}
	vm_finish(&b, false);
out_dir:
	/* The monitor removed its socket and links; remove what is left of the directory. */
	{
		char nodes[sizeof(dir) + 8];
		snprintf(nodes, sizeof(nodes), "%s/nodes", dir);
		rmdir(nodes);
		rmdir(dir);
	}
out:
	free(samples);
	return r;
}

/* ---- raw limits with rawbench.img ------------------------------------------------------ */

/* Spin until the guest answers `seq` (bounded: a dead or wrong guest must not hang us). */
static int wait_pong(struct rawbench_shared *sh, uint32_t seq, uint64_t deadline, bool loud)
{
	for (unsigned i = 1;; i++) {
		if (ik_load_acquire(&sh->pong) == seq)
			return 0;
		if ((i & 0xfff) == 0 && now_ns() > deadline) {
			if (loud)
				fprintf(stderr, "ikernel bench: rawbench did not answer ping %u\n", seq);
			return -ETIMEDOUT;
		}
		ik_cpu_relax();
	}
}

/* The guest samples the ping word once when it starts and then waits for a different value:
 * a ping written before that sample would never be answered. Ping again until one is. Returns
 * the sequence number answered, or -ETIMEDOUT. */
static int64_t raw_sync(struct rawbench_shared *sh)
{
	uint64_t give_up = now_ns() + BENCH_RAW_TIMEOUT_NS;

	for (uint32_t seq = 1; now_ns() < give_up; seq++) {
		ik_store_release(&sh->ping, seq);
		if (wait_pong(sh, seq, now_ns() + 20000000ull, false) == 0)
			return seq;
	}
	fprintf(stderr, "ikernel bench: rawbench never answered a ping\n");
	return -ETIMEDOUT;
}

static int raw_pingpong(struct rawbench_shared *sh, uint32_t seq, long n, uint64_t *samples)
{
	for (long i = -BENCH_WARMUP; i < n; i++) {
		seq++;
		uint64_t t0 = now_ns();
		ik_store_release(&sh->ping, seq);
		int r = wait_pong(sh, seq, t0 + BENCH_RAW_TIMEOUT_NS, true);
		uint64_t t1 = now_ns();
		if (r)
			return r;
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	return 0;
}

static int raw_ioeventfd(struct rawbench_shared *sh, uint32_t seq, int efd, long n,
			 uint64_t *samples)
{
	uint64_t v;
	struct timespec settle = {0, 1000000};

	/* Let the doorbells of the synchronising pings land, then start from a zero count. */
	nanosleep(&settle, NULL);
	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return -errno;
	for (long i = -BENCH_WARMUP / 10; i < n; i++) {
		seq++;
		uint64_t t0 = now_ns();
		ik_store_release(&sh->ping, seq);
		/* A plain blocking read, the raw mechanism; if the VM ends, vcpu_main() writes
		 * the eventfd so this cannot block forever. */
		if (read(efd, &v, sizeof(v)) != sizeof(v))
			return -errno;
		uint64_t t1 = now_ns();
		if (ik_load_acquire(&sh->pong) != seq) {
			fprintf(stderr, "ikernel bench: rawbench rang the doorbell before pong %u\n", seq);
			return -EPROTO;
		}
		if (i >= 0)
			samples[i] = t1 - t0;
	}
	return 0;
}

/* One rawbench VM in `mode=pingpong` or `mode=ioeventfd`; n round trips after a warm-up. */
static int raw_run(const char *image, bool doorbell, long n, struct pct *out)
{
	struct bench_vm b;
	int efd = -1, r;
	uint64_t *samples = calloc((size_t)n, sizeof(*samples));

	if (!samples)
		return -ENOMEM;
	r = vm_create(&b, image, doorbell ? "mode=ioeventfd" : "mode=pingpong", false, NULL,
		      (uint64_t)-1);
	if (r)
		goto out;
	uint64_t gpa = ik_vm_symbol(b.vm, "rawbench_shared");
	struct rawbench_shared *sh = gpa ? ik_vm_gpa(b.vm, gpa, sizeof(*sh), true) : NULL;
	if (!sh) {
		fprintf(stderr, "ikernel bench: rawbench_shared %s in %s\n",
			gpa ? "is not in guest-writable RAM" : "not found", image);
		r = -ENOENT;
		goto out_vm;
	}
	if (doorbell) {
		efd = eventfd(0, EFD_CLOEXEC);
		if (efd < 0 || (r = ik_vm_add_ioeventfd(b.vm, IK_GPA_DOORBELL + 8 * BENCH_RAW_CHANNEL,
							efd))) {
			r = efd < 0 ? -errno : r;
			fprintf(stderr, "ikernel bench: ioeventfd: %s\n", strerror(-r));
			goto out_vm;
		}
		b.wake_fd = efd;
	}
	if ((r = vm_start(&b)))
		goto out_vm;
	int64_t seq = raw_sync(sh);
	if (seq < 0)
		r = (int)seq;
	else if (doorbell)
		r = raw_ioeventfd(sh, (uint32_t)seq, efd, n, samples);
	else
		r = raw_pingpong(sh, (uint32_t)seq, n, samples);
	if (!r)
		*out = percentiles(samples, (size_t)n);
	ik_store_release(&sh->ping, BENCH_RAW_STOP); /* the guest exits */
	if (r)
		ik_vm_stop(b.vm);
out_vm:
	vm_finish(&b, r == 0 && b.running);
	if (efd >= 0)
		close(efd);
out:
	free(samples);
	return r;
}

/* ---- boot ------------------------------------------------------------------------------ */

static int measure_boot(const char *image, double *ms)
{
	uint64_t boots[BENCH_BOOTS];

	for (int i = 0; i < BENCH_BOOTS; i++) {
		struct bench_vm b;
		int r = vm_create(&b, image, NULL, false, NULL, (uint64_t)-1);
		if (r)
			return r;
		if (!(r = vm_start(&b)))
			r = vm_ready(&b);
		boots[i] = ik_vm_boot_ns(b.vm);
		vm_finish(&b, false);
		if (r)
			return r;
	}
	*ms = (double)percentiles(boots, BENCH_BOOTS).p50 / 1e6;
	return 0;
}

/* ---- output ---------------------------------------------------------------------------- */

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static void print_json(const struct bench_result *r, const struct bench_opts *o)
{
	double sr = ratio(r->spin.p50, r->raw_pingpong.p50);
	double br = ratio(r->block.p50, r->raw_ioeventfd.p50);

	printf("{\"iterations\": %ld, "
	       "\"spin_p50_ns\": %llu, \"spin_p99_ns\": %llu, "
	       "\"raw_pingpong_p50_ns\": %llu, \"raw_pingpong_p99_ns\": %llu, "
	       "\"block_p50_ns\": %llu, \"block_p99_ns\": %llu, "
	       "\"raw_ioeventfd_p50_ns\": %llu, \"raw_ioeventfd_p99_ns\": %llu, "
	       "\"boot_ms\": %.3f, \"spin_ratio\": %.3f, \"block_ratio\": %.3f, "
	       "\"spin_target_met\": %s, \"block_target_met\": %s, \"boot_target_met\": %s}\n",
	       o->iterations, (unsigned long long)r->spin.p50, (unsigned long long)r->spin.p99,
	       (unsigned long long)r->raw_pingpong.p50, (unsigned long long)r->raw_pingpong.p99,
	       (unsigned long long)r->block.p50, (unsigned long long)r->block.p99,
	       (unsigned long long)r->raw_ioeventfd.p50, (unsigned long long)r->raw_ioeventfd.p99,
	       r->boot_ms, sr, br, sr <= TARGET_SPIN_RATIO ? "true" : "false",
	       br <= TARGET_BLOCK_RATIO ? "true" : "false",
	       r->boot_ms <= TARGET_BOOT_MS ? "true" : "false");
}

static const char *met(bool ok)
{
	return ok ? "met" : "MISSED";
}

static void print_table(const struct bench_result *r)
{
	double sr = ratio(r->spin.p50, r->raw_pingpong.p50);
	double br = ratio(r->block.p50, r->raw_ioeventfd.p50);

	printf("%-36s %10s %10s\n", "measurement", "p50 (us)", "p99 (us)");
	printf("%-36s %10.3f %10.3f\n", "null call, spinning", r->spin.p50 / 1e3, r->spin.p99 / 1e3);
	printf("%-36s %10.3f %10.3f\n", "raw shared-memory ping-pong", r->raw_pingpong.p50 / 1e3,
	       r->raw_pingpong.p99 / 1e3);
	printf("%-36s %10.3f %10.3f\n", "null call, sleeping", r->block.p50 / 1e3,
	       r->block.p99 / 1e3);
	printf("%-36s %10.3f %10.3f\n", "raw ioeventfd round trip", r->raw_ioeventfd.p50 / 1e3,
	       r->raw_ioeventfd.p99 / 1e3);
	printf("%-36s %10.3f ms (median of %d)\n\n", "boot (create -> ready)", r->boot_ms,
	       BENCH_BOOTS);
	printf("%-36s %8.2fx  target <= %.1fx  %s\n", "spinning / raw ping-pong", sr,
	       TARGET_SPIN_RATIO, met(sr <= TARGET_SPIN_RATIO));
	printf("%-36s %8.2fx  target <= %.1fx  %s\n", "sleeping / raw ioeventfd", br,
	       TARGET_BLOCK_RATIO, met(br <= TARGET_BLOCK_RATIO));
	printf("%-36s %8.3f ms target <= %.1f ms %s\n", "boot", r->boot_ms, TARGET_BOOT_MS,
	       met(r->boot_ms <= TARGET_BOOT_MS));
}

/* ---- command --------------------------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ikernel bench null [--json] [--iterations N] [--image-dir DIR]\n\n"
		"Measures the null call (NULLDEV_NOP through libikernel) spinning and sleeping, the\n"
		"raw host<->guest limits (shared-memory ping-pong, ioeventfd round trip) and the boot\n"
		"time, in one run, and compares them with the targets. Needs /dev/kvm.\n\n"
		"  --json          one JSON object instead of the table\n"
		"  --iterations N  samples per measurement (default %d; sleeping uses N/4)\n"
		"  --image-dir DIR where nulldev.img and rawbench.img are (DIR/drivers, DIR/guest or\n"
		"                  DIR itself; default: the build directory of this binary)\n",
		BENCH_ITER_DEFAULT);
}

static int parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"iterations", required_argument, NULL, 'n'},
		{"image-dir", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	int c;
	char *end;

	o->iterations = BENCH_ITER_DEFAULT;
	default_image_dir(o->image_dir, sizeof(o->image_dir));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'n':
			o->iterations = strtol(optarg, &end, 10);
			if (*end || o->iterations < 10 || o->iterations > 100000000) {
				fprintf(stderr, "ikernel bench: --iterations wants 10..100000000\n");
				return 2;
			}
			break;
		case 'd':
			snprintf(o->image_dir, sizeof(o->image_dir), "%s", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || strcmp(argv[optind], "null")) {
		usage(stderr);
		return 2;
	}
	return -1; /* go on */
}

static int run_all(const struct bench_opts *o, struct bench_result *res)
{
	char nulldev[PATH_MAX], rawbench[PATH_MAX];
	long n = o->iterations, nsleep = o->iterations / 4 > 10 ? o->iterations / 4 : 10;

	if (find_image(o, "drivers", "nulldev.img", nulldev, sizeof(nulldev)) ||
	    find_image(o, "guest", "rawbench.img", rawbench, sizeof(rawbench)))
		return 1;
	pin_self(0);
	if (measure_null(nulldev, BENCH_SPIN_LARGE_NS, BENCH_SPIN_LARGE_NS, n, &res->spin) ||
	    measure_null(nulldev, 0, 0, nsleep, &res->block) ||
	    raw_run(rawbench, false, n, &res->raw_pingpong) ||
	    raw_run(rawbench, true, nsleep, &res->raw_ioeventfd) ||
	    measure_boot(nulldev, &res->boot_ms))
		return 1;
	return 0;
}

int ik_cmd_bench(int argc, char **argv)
{
	struct bench_opts o = {0};
	struct bench_result res = {0};
	int r = parse(argc, argv, &o);

	if (r >= 0)
		return r;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "ikernel bench: /dev/kvm is not available (%s): nothing to measure\n",
			strerror(errno));
		return 77;
	}
	close(kvm);
	if (run_all(&o, &res))
		return 1;
	if (o.json)
		print_json(&res, &o);
	else
		print_table(&res);
	return 0;
}
