/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench net` (bench_net.h): one set of rows per topology joining the bench's two
 * namespaces A and B, measured by bench_netmeasure.c the same way for each:
 *   raw      TAP "ikbnta" in A, TAP "ikbntb" in B, this file's copier between them (a thread:
 *            poll both, read a frame, write it to the other): no driver, the limit
 *   vm, process, inproc
 *            for each card in `cards` (NE2000, e1000): TAP "ikbnwire" in B is the card's wire;
 *            `ikernel up` runs in B (a forked child enters B, then execs this binary) with the
 *            card's manifest whose host interface `netdev = ikbnhost` goes to A (`netns = A`);
 *            A's address goes on it. One code path: the cards differ only in their table row.
 *            A level `ikernel up --check` refuses (the host interface not built yet, or no
 *            such isolation level) is a row that says why instead of a figure.
 * Every chosen topology is up at once, each in namespaces of its own (bench_netns.c): each is
 * measured in turn (ping, frames/s, exits), then the TCP transfers go round-robin over them and
 * the TCP rows, medians, come last (tcp_round()).
 * Exits per MTU-size frame: the driver's `exits` in `ikernel status --json` (VM exits; a driver
 * process's requests) during 1,472-byte echoes, less its idle rate, over two frames per echo
 * ("n/a" when status reports none).
 * (A vCPU's KVM statistics cannot be read from outside: KVM answers only its owner's process,
 * and debugfs refuses here.)
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "bench_net.h"
#include "ikjson.h"

/* One TCP transfer's length, timed by the receiver (bench_netmeasure.c), so it lasts the same
 * through every path: the old fixed 16 MiB took 80 ms at the TAP limit (raw gave 223 and 52 MB/s
 * in two runs) and 20 s through the NE2000 in a VM. Measured on the raw path, nine transfers
 * each with other work running: 0.1 s ranged 20-277 MB/s, 1 s 156-361, 2 s 92-418; longer
 * transfers do not narrow the spread (it is the machine's load, not slow start, which lasts
 * well under a millisecond at a 50 us round trip), so 1 s and the median of --repeat of them. */
#define NET_TCP_MS 1000
#define NET_TCP_MS_QUICK 250
#define NET_FRAME_MS 1000
#define NET_HOST_IF "ikbnhost"
#define NET_WIRE_TAP "ikbnwire"
#define NET_LINK_SECS 30 /* boot, probe, carrier, ARP on a loaded machine */
#define NET_FRAME_BYTES 65536

/* What differs between the cards' manifests (manifests/linux/net/NAME.ini), and so between
 * their rows: everything else is the same code path. */
struct net_card {
	const char *name;	   /* the driver: NAME.img, NAME.inproc, its name in status */
	const char *rows;	   /* the rows' workload prefix */
	const char *memory;	   /* [driver] memory */
	const char *params[3];	   /* [driver] param = ... (and run --param), NULL-terminated */
	const char *device;	   /* [device card] lines before `options` */
	const char *options;	   /* `options` before the wire, "" or ending in ',' */
	const char *run_device;	   /* run --device, before ",wire=..." */
};

static const struct net_card cards[] = {
    {"ne2000", "net", "4M", {"io=0x300", "irq=9", NULL}, "model = ne2000\nport = 0x300\nirq = 9\n",
     "", "ne2000@0x300,irq=9"},
    {"e1000", "net e1000", "16M", {NULL}, "model = e1000\nbus = pci\n", "dma=strict,",
     "e1000@pci,dma=strict"},
};

struct net_topo {
	struct net_pair pair;
	const struct net_card *card; /* NULL: raw */
	const char *level; /* raw, vm, process, inproc */
	/* raw: the copier */
	int fd[2], stop_fd[2];
	pthread_t copier;
	bool copying;
	/* a driver: the supervisor's runtime directory */
	char rt[64];
	bool up;
	pid_t inproc; /* inproc: NAME.inproc run, in the foreground of a child in B */
	volatile pid_t super; /* the supervisor (or the inproc child): told to stop on a signal */
	/* bench_net(): the state of its start, and its TCP transfers (taken round-robin) */
	int started;	    /* 0, -ENOTSUP/-ENOENT (rows that say why), or it failed */
	char why[256];	    /* why it did not start */
	char tcp_note[192]; /* why its TCP row has no figure ("" while it has transfers) */
	int tcp_runs;
	double tcp_mbs[NET_TCP_RUNS_MAX];
};

/* Every topology is up at once (their TCP transfers are taken round-robin, bench_net()).
 * Interrupted (^C, a test's timeout): the namespaces must not outlive the bench. Only
 * async-signal-safe calls: each supervisor is told to stop (it takes its drivers down), the
 * namespaces' mounts are detached and removed (what still runs inside dies with the supervisor
 * or keeps an unnamed namespace no one can reach). */
#define NET_TOPOS_MAX 8
static struct net_topo topos[NET_TOPOS_MAX];
static volatile unsigned ntopos; /* how many of topos[] the handler looks at */

static void on_signal(int sig)
{
	char path[64];

	for (unsigned k = 0; k < ntopos; k++) {
		struct net_topo *t = &topos[k];
		if (t->super > 0)
			kill(t->super, SIGTERM);
		for (int i = 0; i < 2; i++) {
			const char *ns = i ? t->pair.b : t->pair.a;
			if (!(i ? t->pair.made_b : t->pair.made_a))
				continue;
			size_t at = sizeof("/run/netns/") - 1;
			memcpy(path, "/run/netns/", at);
			for (size_t j = 0; ns[j] && at + 1 < sizeof(path); j++)
				path[at++] = ns[j];
			path[at] = '\0';
			umount2(path, MNT_DETACH);
			unlink(path);
		}
	}
	_exit(128 + sig);
}

static void read_super_pid(struct net_topo *t)
{
	char path[96];
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), "%s/supervisor.pid", t->rt);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%d", &pid) == 1 && pid > 1)
			t->super = pid;
		fclose(f);
	}
}

/* ---- raw: the TAP-to-TAP copier ----------------------------------------------------------- */

static void *copier(void *arg)
{
	struct net_topo *t = arg;
	struct pollfd pfd[3] = {
	    {t->fd[0], POLLIN, 0}, {t->fd[1], POLLIN, 0}, {t->stop_fd[0], POLLIN, 0}};
	static _Thread_local char frame[NET_FRAME_BYTES];

	while (poll(pfd, 3, -1) >= 0 && !pfd[2].revents) {
		for (int i = 0; i < 2; i++) {
			if (!pfd[i].revents)
				continue;
			ssize_t n;
			while ((n = read(t->fd[i], frame, sizeof(frame))) > 0)
				(void)!write(t->fd[!i], frame,
					     (size_t)n); /* full queue: dropped, as a wire */
		}
	}
	return NULL;
}

static int raw_start(struct net_topo *t, char *why, size_t len)
{
	if (net_tap_create(t->pair.a, "ikbnta", NET_IP_A) ||
	    net_tap_create(t->pair.b, "ikbntb", NET_IP_B)) {
		snprintf(why, len, "cannot create the TAPs (ip tuntap)");
		return -EIO;
	}
	t->fd[0] = net_tap_open(t->pair.a, "ikbnta");
	t->fd[1] = net_tap_open(t->pair.b, "ikbntb");
	if (t->fd[0] < 0 || t->fd[1] < 0 || pipe2(t->stop_fd, O_CLOEXEC)) {
		snprintf(why, len, "cannot attach the TAPs: %s",
			 strerror(t->fd[0] < 0 ? -t->fd[0] : -t->fd[1]));
		return -EIO;
	}
	int r = -pthread_create(&t->copier, NULL, copier, t);
	t->copying = !r;
	return r;
}

static void raw_stop(struct net_topo *t)
{
	if (t->copying) {
		(void)!write(t->stop_fd[1], "x", 1);
		pthread_join(t->copier, NULL);
		t->copying = false;
	}
	for (int i = 0; i < 2; i++) {
		if (t->fd[i] >= 0)
			close(t->fd[i]);
		if (t->stop_fd[i] >= 0)
			close(t->stop_fd[i]);
		t->fd[i] = t->stop_fd[i] = -1;
	}
}

/* ---- a driver under `ikernel up` in B ------------------------------------------------------ */

/* The card's manifest (manifests/linux/net/NAME.ini) with the image's path, the level, the
 * host interface in A and the card's wire the TAP in B filled in (the wire joins the one
 * `options` line). */
static int write_manifest(const struct net_topo *t, const char *image, char *path, size_t len)
{
	const struct net_card *c = t->card;

	snprintf(path, len, "%s/%s.ini", t->rt, c->name);
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f,
		"[driver]\nname = %s\nimage = %s\nmemory = %s\nrestart = on-failure\n"
		"isolation = %s\nnetdev = %s\nnetns = %s\n",
		c->name, image, c->memory, t->level, NET_HOST_IF, t->pair.a);
	for (int i = 0; c->params[i]; i++)
		fprintf(f, "param = %s\n", c->params[i]);
	fprintf(f, "\n[device card]\n%soptions = %swire=tap:%s\n", c->device, c->options,
		NET_WIRE_TAP);
	return fclose(f) ? -errno : 0;
}

/* Run this binary with args in B with our runtime directory; its exit status, stderr in err. */
static int ikernel_in_b(const struct net_topo *t, const char *const *args, char *err, size_t len)
{
	int pipefd[2], status;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[8] = {"ikernel"};
		for (int i = 0; args[i] && i < 6; i++)
			argv[i + 1] = args[i];
		dup2(pipefd[1], STDERR_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		setenv("IKERNEL_RUNTIME_DIR", t->rt, 1);
		if (net_enter(t->pair.b) == 0)
			execv("/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	size_t got = 0;
	ssize_t n;
	char spill[512];
	/* Drain it all (a child blocked on a full pipe never exits); keep what fits. */
	while ((n = got + 1 < len ? read(pipefd[0], err + got, len - 1 - got)
				  : read(pipefd[0], spill, sizeof(spill))) > 0)
		got += got + 1 < len ? (size_t)n : 0;
	err[got] = '\0';
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -ECHILD;
	for (char *p = err; *p; p++) /* one line for the row's note */
		if (*p == '\n')
			*p = *(p + 1) ? ' ' : '\0';
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int host_if_up(struct net_topo *t, char *why, size_t len);
static int inproc_start(struct net_topo *t, const char *image, char *why, size_t len);

static int wait_host_if(const struct net_topo *t, int secs)
{
	for (int i = 0; i < secs * 10; i++) {
		if (!net_ip(false, "-n", t->pair.a, "link", "show", NET_HOST_IF, NULL))
			return 0;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

static int driver_start(struct net_topo *t, char *why, size_t len)
{
	char image[PATH_MAX], manifest[PATH_MAX], out[512], file[32];
	int r;

	snprintf(t->rt, sizeof(t->rt), "/tmp/ikernel-bench-net-XXXXXX");
	if (!mkdtemp(t->rt) || chmod(t->rt, 0755))
		return -errno;
	if (!strcmp(t->level, "vm") && access("/dev/kvm", R_OK | W_OK)) {
		snprintf(why, len, "skipped: /dev/kvm not available");
		return -ENOTSUP;
	}
	snprintf(file, sizeof(file), "%s.img", t->card->name);
	if ((r = bench_find_image("drivers/linux", file, image, sizeof(image)))) {
		snprintf(why, len, "skipped: %s not built (make linux-drivers)", file);
		return r;
	}
	if (!strcmp(t->level, "inproc"))
		return inproc_start(t, image, why, len);
	if ((r = write_manifest(t, image, manifest, sizeof(manifest))))
		return r;
	const char *check[] = {"up", "--check", manifest, NULL};
	if (ikernel_in_b(t, check, out, sizeof(out))) {
		/* "ikernel up: bad manifest: PATH:LINE: WHY (...)": WHY is the row's note */
		char *w = strstr(out, ".ini:"), *paren;
		w = w && (w = strstr(w + 5, ": ")) ? w + 2 : out;
		if ((paren = strstr(w, " (")))
			*paren = '\0';
		if (strstr(w, "'netdev'") || strstr(w, "'netns'"))
			snprintf(why, len, "skipped: host interface not available (%.60s)", w);
		else if (strstr(w, "bad isolation"))
			snprintf(why, len, "skipped: no manifest level %s (%.60s)", t->level, w);
		else
			snprintf(why, len, "skipped: %.80s", w);
		return -ENOTSUP;
	}
	if (net_tap_create(t->pair.b, NET_WIRE_TAP, NET_IP_B)) {
		snprintf(why, len, "cannot create the wire TAP in %s", t->pair.b);
		return -EIO;
	}
	const char *up[] = {"up", "--detach", manifest, NULL};
	if (ikernel_in_b(t, up, out, sizeof(out))) {
		snprintf(why, len, "ikernel up: %.180s", out);
		return -EIO;
	}
	t->up = true;
	read_super_pid(t);
	return host_if_up(t, why, len);
}

/* inproc: no manifest level; the same driver linked into NAME.inproc (beside this binary,
 * `make linux-drivers`), `run --isolation=inproc` with the manifest's grants and parameters,
 * in the foreground of a child in B. */
static int inproc_start(struct net_topo *t, const char *image, char *why, size_t len)
{
	const struct net_card *c = t->card;
	char self[PATH_MAX], exe[PATH_MAX + 32], log[96], netdev[64], device[96];
	const char *argv[16] = {"inproc", "run", image, "--isolation=inproc", "--device", device,
				"--netdev", netdev};
	int argc = 8;

	if (!realpath("/proc/self/exe", self))
		return -errno;
	snprintf(exe, sizeof(exe), "%s/%s.inproc", dirname(self), c->name);
	if (access(exe, X_OK)) {
		snprintf(why, len, "skipped: %s.inproc not built (make linux-drivers)", c->name);
		return -ENOTSUP;
	}
	if (net_tap_create(t->pair.b, NET_WIRE_TAP, NET_IP_B)) {
		snprintf(why, len, "cannot create the wire TAP in %s", t->pair.b);
		return -EIO;
	}
	snprintf(log, sizeof(log), "%s/inproc.log", t->rt);
	snprintf(netdev, sizeof(netdev), "%s,netns=%s", NET_HOST_IF, t->pair.a);
	snprintf(device, sizeof(device), "%s,wire=tap:%s", c->run_device, NET_WIRE_TAP);
	for (int i = 0; c->params[i] && argc + 3 < (int)(sizeof(argv) / sizeof(argv[0])); i++) {
		argv[argc++] = "--param";
		argv[argc++] = c->params[i];
	}
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		setenv("IKERNEL_RUNTIME_DIR", t->rt, 1);
		if (net_enter(t->pair.b) == 0)
			execv(exe, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0)
		return -errno;
	t->inproc = t->super = pid;
	return host_if_up(t, why, len);
}

static void inproc_stop(struct net_topo *t)
{
	int status;

	if (t->inproc <= 0)
		return;
	kill(t->inproc, SIGTERM);
	for (int i = 0; i < 100 && waitpid(t->inproc, &status, WNOHANG) == 0; i++)
		usleep(50000);
	if (waitpid(t->inproc, &status, WNOHANG) == 0) {
		kill(t->inproc, SIGKILL);
		waitpid(t->inproc, &status, 0);
	}
	t->inproc = 0;
}

/* The driver's host interface appeared in A: A's address on it, up. */
static int host_if_up(struct net_topo *t, char *why, size_t len)
{
	char cidr[32];
	snprintf(cidr, sizeof(cidr), "%s/%s", NET_IP_A, NET_PREFIX);
	if (wait_host_if(t, NET_LINK_SECS) ||
	    net_ip(true, "-n", t->pair.a, "addr", "add", cidr, "dev", NET_HOST_IF, NULL) ||
	    net_ip(true, "-n", t->pair.a, "link", "set", NET_HOST_IF, "up", NULL)) {
		snprintf(why, len, "the host interface %s did not appear in %s", NET_HOST_IF,
			 t->pair.a);
		return -EIO;
	}
	return 0;
}

static void driver_stop(struct net_topo *t)
{
	char out[256];

	inproc_stop(t);
	if (t->up) {
		const char *down[] = {"down", NULL};
		ikernel_in_b(t, down, out, sizeof(out));
		t->up = false;
	}
	if (t->rt[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->rt); /* our own mkdtemp name */
		(void)!system(cmd);
	}
}

/* The driver's counts in `ikernel status --json` ("exits" and "irqs" of the card's driver);
 * -ENOENT in one the monitor does not report, -EIO when status cannot be read. */
struct drv_counts {
	int64_t exits, irqs;
};

static struct drv_counts driver_counts(const struct net_topo *t)
{
	static char out[65536];
	const char *status[] = {"status", "--json", NULL};
	struct drv_counts c = {-ENOENT, -ENOENT};
	json_t *root, *drivers, *d, *e;
	size_t i;

	if (!t->up || ikernel_in_b(t, status, out, sizeof(out)) ||
	    !(root = json_loads(out, 0, NULL)))
		return (struct drv_counts){-EIO, -EIO};
	drivers = json_object_get(root, "drivers");
	json_array_foreach(drivers, i, d)
	{
		const char *name = json_string_value(json_object_get(d, "name"));
		if (!name || strcmp(name, t->card->name))
			continue;
		if (json_is_integer(e = json_object_get(d, "exits")))
			c.exits = json_integer_value(e);
		if (json_is_integer(e = json_object_get(d, "irqs")))
			c.irqs = json_integer_value(e);
	}
	json_decref(root);
	return c;
}

/* ---- the rows ----------------------------------------------------------------------------- */

static void add_note(const char *workload, const char *level, const char *note)
{
	struct bench_row *r = bench_add_level(workload, level);

	snprintf(r->note, sizeof(r->note), "%.95s", note);
}

/* A count per MTU-size frame during the echoes (less its idle rate), as a row. */
static void per_frame_row(const struct net_topo *t, const char *name, const char *unit,
			  double scale, int64_t idle, uint64_t idle_ns, int64_t busy, uint64_t busy_ns,
			  long n)
{
	double idle_s = (double)idle * 1e9 / (double)idle_ns;
	double net = (double)busy - idle_s * (double)busy_ns / 1e9;
	struct bench_row *row = bench_add_level(name, t->level);

	row->value = net > 0 ? scale * net / (2.0 * (double)n) : 0;
	row->size = 1514;
	snprintf(row->unit, sizeof(row->unit), "%s", unit);
	snprintf(row->note, sizeof(row->note),
		 "%ld echoes, 1,514 B each way: %lld %s, %.0f/s idle subtracted", n % 100000,
		 (long long)busy % 1000000000, unit, idle_s < 1e9 ? idle_s : 1e9);
}

/* Exits per MTU-size frame and interrupts per thousand: echoes of 1,472 bytes (a 1,514-byte
 * frame through the driver each way), the driver's exits and delivered interrupts during them
 * less their idle rates (measured for a second before), over two frames per echo. */
static void exits_rows(struct net_topo *t, const char *exits_name, const char *irqs_name, long n)
{
	struct bench_row scratch = {0};
	char why[192] = "n/a (ikernel status reports no exit count for the driver)";
	struct drv_counts i0 = driver_counts(t), i1, e0, e1;
	uint64_t t0 = bench_now_ns(), t1, t2;

	if (!strcmp(t->level, "raw") || !strcmp(t->level, "inproc") || i0.exits < 0) {
		const char *note = !strcmp(t->level, "raw")	 ? "n/a (no driver)"
				   : !strcmp(t->level, "inproc") ? "n/a (in-process: not counted)"
								 : why;
		add_note(exits_name, t->level, note);
		add_note(irqs_name, t->level, note);
		return;
	}
	usleep(1000000);
	i1 = driver_counts(t), t1 = bench_now_ns();
	e0 = driver_counts(t);
	int r = net_ping(&t->pair, n, NET_PING_MTU, &scratch, why, sizeof(why));
	e1 = driver_counts(t), t2 = bench_now_ns();
	if (r || i1.exits < i0.exits || e1.exits < e0.exits || t1 <= t0) {
		add_note(exits_name, t->level, r ? why : "n/a (the exit count went backwards: a restart?)");
		add_note(irqs_name, t->level, r ? why : "n/a (the count went backwards: a restart?)");
		return;
	}
	per_frame_row(t, exits_name, "exits", 1.0, i1.exits - i0.exits, t1 - t0, e1.exits - e0.exits,
		      t2 - t1, n);
	if (i0.irqs < 0 || i1.irqs < i0.irqs || e1.irqs < e0.irqs)
		add_note(irqs_name, t->level, "n/a (ikernel status reports no interrupt count)");
	else
		per_frame_row(t, irqs_name, "interrupts", 1000.0, i1.irqs - i0.irqs, t1 - t0,
			      e1.irqs - e0.irqs, t2 - t1, n);
}

static void row_name(char *out, size_t len, const struct net_topo *t, const char *what)
{
	snprintf(out, len, "%s: %s", t->card ? t->card->rows : "net", what);
}

/* Its rows but TCP's (bench_net() adds those after the round-robin transfers). */
static void topo_rows(struct net_topo *t, const char *why_not)
{
	static const char *const what[] = {"ping round trip", "frames/s (60 B UDP)",
					   "exits per MTU frame", "interrupts per 1000 MTU frames"};
	long n = bench_o->iterations < 2000 ? bench_o->iterations : 2000;
	char why[192] = "", names[4][48];

	for (unsigned i = 0; i < 4; i++)
		row_name(names[i], sizeof(names[i]), t, what[i]);
	if (why_not) {
		for (unsigned i = 0; i < 4; i++)
			add_note(names[i], t->level, why_not);
		snprintf(t->tcp_note, sizeof(t->tcp_note), "%s", why_not);
		return;
	}
	if (net_wait_link(&t->pair, NET_LINK_SECS)) {
		topo_rows(t, "no echo from B within 30 s: the path does not work");
		return;
	}
	if (net_ping(&t->pair, n, NET_PING_SMALL, bench_add_level(names[0], t->level), why,
		     sizeof(why)))
		add_note(names[0], t->level, why);
	if (net_frames(&t->pair, bench_o->quick ? NET_FRAME_MS / 4 : NET_FRAME_MS,
		       bench_add_level(names[1], t->level), why, sizeof(why)))
		add_note(names[1], t->level, why);
	exits_rows(t, names[2], names[3], n < 200 ? n : 200);
}

/* Namespaces `k`, the topology started in them: t->started says how it went. */
static void topo_up(struct net_topo *t, unsigned k)
{
	if (net_pair_create(&t->pair, k)) {
		snprintf(t->why, sizeof(t->why), "cannot create the namespaces");
		t->started = -EIO;
		return;
	}
	t->started = !strcmp(t->level, "raw") ? raw_start(t, t->why, sizeof(t->why))
					      : driver_start(t, t->why, sizeof(t->why));
}

static bool topo_skipped(const struct net_topo *t)
{
	return t->started == -ENOTSUP || t->started == -ENOENT;
}

/* Its rows but TCP's; 0, or -errno when it failed to start (said on stderr, no rows). */
static int topo_measure(struct net_topo *t)
{
	bench_progress_begin(t->card ? t->card->rows : "net", t->level);
	if (!t->started)
		topo_rows(t, NULL);
	else if (topo_skipped(t))
		topo_rows(t, t->why); /* not available here: rows that say why */
	else
		fprintf(stderr, "ikernel bench net: %s%s%s: %s\n", t->card ? t->card->name : "",
			t->card ? " " : "", t->level, t->why[0] ? t->why : strerror(-t->started));
	return topo_skipped(t) ? 0 : t->started;
}

/* Round r's TCP transfer of every topology that works, one after the other: each topology's
 * transfers are spread over the whole phase, so a burst of load from elsewhere on the machine
 * hits every topology alike rather than one of them (a ratio of medians taken in one phase). */
static void tcp_round(unsigned n)
{
	int msecs = bench_o->quick ? NET_TCP_MS_QUICK : NET_TCP_MS;

	for (unsigned k = 0; k < n; k++) {
		struct net_topo *t = &topos[k];
		if (t->started || t->tcp_note[0] || t->tcp_runs >= NET_TCP_RUNS_MAX)
			continue;
		if (net_tcp_once(&t->pair, msecs, &t->tcp_mbs[t->tcp_runs], t->tcp_note,
				 sizeof(t->tcp_note)) == 0)
			t->tcp_runs++;
		else if (!t->tcp_note[0])
			snprintf(t->tcp_note, sizeof(t->tcp_note), "TCP transfer failed");
	}
}

static void tcp_rows(unsigned n)
{
	int msecs = bench_o->quick ? NET_TCP_MS_QUICK : NET_TCP_MS;
	char name[48];

	for (unsigned k = 0; k < n; k++) {
		struct net_topo *t = &topos[k];
		if (t->started && !topo_skipped(t))
			continue; /* failed: said on stderr */
		row_name(name, sizeof(name), t, "TCP A->B");
		if (t->tcp_note[0])
			add_note(name, t->level, t->tcp_note);
		else
			net_tcp_row(bench_add_level(name, t->level), t->tcp_mbs, t->tcp_runs,
				    msecs);
	}
}

static void topo_down(struct net_topo *t)
{
	raw_stop(t);
	driver_stop(t);
	t->super = 0;
	net_pair_delete(&t->pair);
}

static const char *const levels[] = {"raw", "vm", "process", "inproc"};
#define NLEVELS (sizeof(levels) / sizeof(levels[0]))
#define NCARDS (sizeof(cards) / sizeof(cards[0]))

/* "a,b,c" as a mask of names[]: 0, or -EINVAL with the valid names in `valid`. */
static int names_mask(const char *list, const char *const *names, size_t n, size_t stride,
		      unsigned *mask, char *valid, size_t len)
{
	char copy[128], *save = NULL;
	size_t used = 0;

	valid[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *name = *(const char *const *)((const char *)names + i * stride);
		used += (size_t)snprintf(valid + used, used < len ? len - used : 0, "%s%s",
					 i ? ", " : "", name);
		if (used >= len)
			used = len;
	}
	*mask = 0;
	if (strlen(list) >= sizeof(copy))
		return -EINVAL;
	strcpy(copy, list);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < n && strcmp(w, *(const char *const *)((const char *)names + i * stride)))
			i++;
		if (i == n)
			return -EINVAL;
		*mask |= 1u << i;
	}
	return *mask ? 0 : -EINVAL;
}

int bench_net_cards(const char *list, unsigned *mask, char *valid, size_t len)
{
	return names_mask(list, &cards[0].name, NCARDS, sizeof(cards[0]), mask, valid, len);
}

int bench_net_levels(const char *list, unsigned *mask, char *valid, size_t len)
{
	return names_mask(list, levels, NLEVELS, sizeof(levels[0]), mask, valid, len);
}

static bool card_chosen(unsigned c)
{
	return !bench_o->net_cards || (bench_o->net_cards & (1u << c));
}

static bool level_chosen(unsigned l)
{
	return !bench_o->net_levels || (bench_o->net_levels & (1u << l));
}

/* raw when asked for, and when the e1000's vm row is: its target is a ratio against raw
 * (bench_report.c), taken within this run. */
static bool raw_needed(void)
{
	for (unsigned c = 0; c < NCARDS; c++)
		if (card_chosen(c) && !strcmp(cards[c].name, "e1000") && level_chosen(1))
			return true;
	return level_chosen(0);
}

int bench_net(void)
{
	const char *why = net_missing();
	int failed = 0;
	unsigned n = 0;

	if (why) {
		fprintf(stderr, "ikernel bench net: %s\n", why);
		return 77;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (raw_needed())
		topos[n++] = (struct net_topo){.level = "raw"};
	for (unsigned c = 0; c < NCARDS; c++)
		for (unsigned i = 1; i < NLEVELS; i++)
			if (card_chosen(c) && level_chosen(i) && n < NET_TOPOS_MAX)
				topos[n++] =
				    (struct net_topo){.level = levels[i], .card = &cards[c]};
	for (unsigned k = 0; k < n; k++) {
		topos[k].fd[0] = topos[k].fd[1] = topos[k].stop_fd[0] = topos[k].stop_fd[1] = -1;
		ntopos = k + 1;
		topo_up(&topos[k], k);
	}
	for (unsigned k = 0; k < n; k++)
		if (topo_measure(&topos[k]))
			failed = 1;
	bench_progress_begin("net: TCP A->B, round-robin", "all");
	for (int r = 0; r < (bench_o->tcp_runs > 0 ? bench_o->tcp_runs : 1); r++)
		tcp_round(n);
	tcp_rows(n);
	for (unsigned k = n; k-- > 0;)
		topo_down(&topos[k]);
	ntopos = 0;
	return failed;
}
