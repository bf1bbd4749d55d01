/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench [null|all|quick|file]`: the cost of isolation, measured in one run against the raw
 * limits of the machine, so the ratios hold even though absolute timings drift between
 * machines. Workloads live in bench_raw.c (raw limits), bench_calls.c (calls and concurrency),
 * bench_file.c (the calls through the FUSE device files), bench_life.c (cold start, crash ->
 * serving, memory, density); bench_report.c prints the table
 * or JSON and the targets. The driver runs on CPU 1, the client on CPU 0 (two CPUs or more;
 * not for quick, and not with --no-pin).
 *   null   the null call at every level and the raw limits (fast)
 *   all    every workload (what `make bench` runs)
 *   quick  every workload with few samples (the smoke test of `make test`)
 *   file   the device-file rows only (no raw limits)
 *   net    ping, TCP and frames/s between two network namespaces of its own: joined by a
 *          TAP-to-TAP copier (the limit) and by the NE2000 driver at each level (bench_net.c)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "paths.h"
#include "cli.h"

#define BENCH_ITER_DEFAULT 20000
#define BENCH_ITER_QUICK   200
/* net: TCP transfers per topology. One transfer's MB/s on this shared machine swung 4x between
 * runs; the median of five is what the targets compare. */
#define BENCH_TCP_RUNS     5

const struct bench_opts *bench_o;

/* Where the images are, by the supervisor's rule (paths.h): the build tree's top (its drivers/
 * and guest/ folders), or the installed image directory (LIBDIR/ikernel, rawbench.img too). */
static void default_image_dir(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct ik_paths paths;

	if (n <= 0) {
		snprintf(out, len, ".");
		return;
	}
	exe[n] = '\0';
	ik_paths_find(exe, &paths);
	if (paths.build_tree) /* BUILD/drivers -> BUILD */
		snprintf(out, len, "%s", dirname(paths.image_dir));
	else
		snprintf(out, len, "%s", paths.image_dir);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ikernel bench [null|all|quick|file|net] [--json] [--iterations N] [--image-dir DIR]\n"
		"                     [--samples DIR] [--no-pin] [--progress] [--quick]\n"
		"                     [--repeat N] [--card LIST] [--level LIST]\n\n"
		"Measures the cost of isolation in one run: calls through libikernel to nulldev at\n"
		"every isolation level (spinning and sleeping) and through the FUSE device files,\n"
		"the raw limits of the machine, cold start, crash -> serving, memory per idle driver\n"
		"and density, and compares them with the targets. Needs /dev/kvm (and /dev/fuse and\n"
		"root for the device-file rows, which are skipped otherwise).\n\n"
		"  null            the null call and the raw limits only (default)\n"
		"  all             every workload\n"
		"  quick           every workload with few samples (smoke test)\n"
		"  file            only the device-file rows (FUSE front end, vm/process/inproc)\n"
		"  net             ping round trip, TCP throughput and frames/s between two network\n"
		"                  namespaces of its own: through a TAP-to-TAP copier (the limit) and\n"
		"                  through the NE2000 and e1000 drivers at vm, process and inproc\n"
		"                  (needs root)\n"
		"  --json          one JSON object instead of the table\n"
		"  --iterations N  samples per latency measurement (default %d)\n"
		"  --image-dir DIR where the images are (DIR/drivers, DIR/guest or DIR itself;\n"
		"                  default: the build directory of this binary)\n"
		"  --samples DIR   write the sorted latency samples per row (for the plots)\n"
		"  --no-pin        do not pin the client to CPU 0 and the driver to CPU 1 (quick never\n"
		"                  pins: on a shared machine a busy CPU 1 would stall the driver)\n"
		"  --progress      a line on stderr as each row starts and ends (the default when\n"
		"                  stderr is a terminal)\n"		"  --quick         few samples (what mode quick does for every workload); net: one\n"
		"                  TCP transfer per topology\n"
		"  --repeat N      net: TCP transfers per topology, the row their median (1..100;\n"
		"                  default %d, 1 with --quick)\n"
		"  --card LIST     net: only these cards (comma-separated: ne2000, e1000; default all)\n"
		"  --level LIST    net: only these topologies (comma-separated: raw, vm, process,\n"
		"                  inproc; default all); raw is added when e1000 at vm is measured\n"
		"                  (its target is a ratio against raw)\n"
		"  -h, --help      this text\n\n"
		"Options take --opt VALUE and --opt=VALUE alike. Warns on stderr when the load average\n"
		"exceeds the number of CPUs (the figures are then not the machine's).\n"
		"exit status: 0 measured; 1 a workload failed; 2 usage error; 77 no /dev/kvm (net: no\n"
		"namespaces: not root, no `ip netns` or /dev/net/tun)\n",
		BENCH_ITER_DEFAULT, BENCH_TCP_RUNS);
}

static int parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"iterations", required_argument, NULL, 'n'},
		{"image-dir", required_argument, NULL, 'd'},
		{"samples", required_argument, NULL, 's'},
		{"no-pin", no_argument, NULL, 'p'},
		{"progress", no_argument, NULL, 'P'},
		{"quick", no_argument, NULL, 'q'},
		{"repeat", required_argument, NULL, 'r'},
		{"card", required_argument, NULL, 'c'},
		{"level", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	bool iter_given = false, no_pin = false, quick = false, net_given = false;
	char *end, valid[64];
	int c;

	o->iterations = BENCH_ITER_DEFAULT;
	o->tcp_runs = 0;
	o->net_cards = o->net_levels = 0;
	default_image_dir(o->image_dir, sizeof(o->image_dir));
	o->progress = isatty(STDERR_FILENO);
	opterr = 0; /* our own messages, which name the command */
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'n':
			o->iterations = strtol(optarg, &end, 10);
			iter_given = true;
			if (!*optarg || *end || o->iterations < 10 || o->iterations > 100000000)
				return ik_usage_error("bench", "bad --iterations value '%s' (10..100000000)",
						      optarg);
			break;
		case 'd':
			snprintf(o->image_dir, sizeof(o->image_dir), "%s", optarg);
			break;
		case 's':
			snprintf(o->samples_dir, sizeof(o->samples_dir), "%s", optarg);
			break;
		case 'p':
			no_pin = true;
			break;
		case 'P':
			o->progress = true;
			break;
		case 'q':
			quick = true;
			break;
		case 'r':
			o->tcp_runs = (int)strtol(optarg, &end, 10);
			net_given = true;
			if (!*optarg || *end || o->tcp_runs < 1 || o->tcp_runs > 100)
				return ik_usage_error("bench", "bad --repeat value '%s' (1..100)", optarg);
			break;
		case 'c':
			net_given = true;
			if (bench_net_cards(optarg, &o->net_cards, valid, sizeof(valid)))
				return ik_usage_error("bench", "bad --card list '%s' (%s)", optarg, valid);
			break;
		case 'l':
			net_given = true;
			if (bench_net_levels(optarg, &o->net_levels, valid, sizeof(valid)))
				return ik_usage_error("bench", "bad --level list '%s' (%s)", optarg, valid);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return ik_bad_option("bench", c, argv, longopts);
		}
	}
	if (optind < argc - 1)
		return ik_usage_error("bench", "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc && strlen(argv[optind]) >= sizeof(o->what))
		return ik_usage_error("bench", "unknown mode '%s' (null, all, quick, file or net)", argv[optind]);
	snprintf(o->what, sizeof(o->what), "%s", optind < argc ? argv[optind] : "null");
	if (strcmp(o->what, "null") && strcmp(o->what, "all") && strcmp(o->what, "quick") &&
	    strcmp(o->what, "file") && strcmp(o->what, "net"))
		return ik_usage_error("bench", "unknown mode '%s' (null, all, quick, file or net)", o->what);
	if (net_given && strcmp(o->what, "net"))
		return ik_usage_error("bench", "--repeat, --card and --level are options of mode net");
	o->quick = quick || !strcmp(o->what, "quick");
	if (!o->tcp_runs)
		o->tcp_runs = o->quick ? 1 : BENCH_TCP_RUNS;
	if (o->quick && !iter_given)
		o->iterations = BENCH_ITER_QUICK;
	o->pin = !no_pin && !o->quick;
	return -1; /* go on */
}

static int run(const struct bench_opts *o)
{
	if (!strcmp(o->what, "file"))
		return bench_files() != 0;
	if (!strcmp(o->what, "net"))
		return bench_net();
	if (bench_raw())
		return 1;
	if (!strcmp(o->what, "null"))
		return bench_calls(true) || bench_cold_start(LVL_VM, 20) || bench_cold_start(LVL_PROCESS, 20) ||
		       bench_cold_start(LVL_INPROC, 20);
	if (bench_calls(false) || bench_files() || bench_concurrency() || bench_life())
		return 1;
	return 0;
}

/* A loaded machine measures its load, not iKernel: say so (the table's machine line shows it). */
static void warn_load(const char *when)
{
	double load[1];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (getloadavg(load, 1) == 1 && cpus > 0 && load[0] > (double)cpus)
		fprintf(stderr, "ikernel bench: warning: load average %.2f %s exceeds the %ld CPUs: the "
				"figures are slower and noisier than this machine's\n", load[0], when, cpus);
}

int ik_cmd_bench(int argc, char **argv)
{
	static struct bench_opts o;
	int r = parse(argc, argv, &o);

	if (r >= 0)
		return r;
	bench_o = &o;
	/* net: the raw row needs no KVM; a driver row without it says so */
	int kvm = strcmp(o.what, "net") ? open("/dev/kvm", O_RDWR | O_CLOEXEC) : INT_MAX;
	if (kvm < 0) {
		fprintf(stderr, "ikernel bench: /dev/kvm is not available (%s): nothing to compare\n",
			strerror(errno));
		return 77;
	}
	if (kvm != INT_MAX)
		close(kvm);
	warn_load("at the start");
	int failed = run(&o);
	bench_progress_end();
	if (failed)
		return failed == 77 ? 77 : 1;
	warn_load("at the end");
	bench_report(stdout, o.json);
	return 0;
}
