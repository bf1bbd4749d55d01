/* SPDX-License-Identifier: MIT */
/*
 * `ikernel up`: load the manifests (or the shipped ones), take the runtime directory, mount
 * the device files, start one monitor per driver and run the event loop until `ikernel down`,
 * SIGINT or SIGTERM; then stop every monitor, unmount and clean up.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "ikernel/control.h"
#include "iksuper.h"
#include "monitor.h" /* ik_parse_size */
#include "paths.h"
#include "super.h"

struct super super = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.changed = PTHREAD_COND_INITIALIZER,
};

static bool shutdown_requested;
static struct ik_paths paths; /* find_self() */
static int ready_fd = -1; /* --detach: the waiting parent */

uint64_t super_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* --detach: our stderr is this file from the first report on (kept under the log cap). */
static char supervisor_log[PATH_MAX + 32];

static void open_supervisor_log(int flags)
{
	int fd = open(supervisor_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | flags, 0640);

	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
}

/* Above half the cap supervisor.log becomes supervisor.log.1, as a driver's log does. */
static void cap_supervisor_log(void)
{
	struct stat st;
	char old[sizeof(supervisor_log) + 4];

	if (!supervisor_log[0] || fstat(2, &st) < 0 || (uint64_t)st.st_size <= logbuf_file_max() / 2)
		return;
	snprintf(old, sizeof(old), "%s.1", supervisor_log);
	rename(supervisor_log, old);
	open_supervisor_log(O_TRUNC);
}

static void vsuper_log(int prio, const char *fmt, va_list ap)
{
	char line[1024], ts[LOGBUF_TS_LEN];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (logbuf_journal()) {
		fprintf(stderr, "<%d>ikernel up: %s\n", prio, line); /* the journal keeps the time */
		return;
	}
	logbuf_timestamp(ts, sizeof(ts));
	fprintf(stderr, "%s ikernel up: %s\n", ts, line);
	cap_supervisor_log();
}

void super_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsuper_log(prio, fmt, ap);
	va_end(ap);
}

void super_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsuper_log(LOGBUF_INFO, fmt, ap);
	va_end(ap);
}

static void vdrv_note(struct drv *d, int prio, const char *fmt, va_list ap)
{
	char line[1024], tagged[1100];

	vsnprintf(line, sizeof(line), fmt, ap);
	snprintf(tagged, sizeof(tagged), "[super] %s", line);
	logbuf_line_prio(&d->log, prio, tagged); /* under systemd: to the journal, once */
	if (!logbuf_journal())
		super_log(prio, "%s: %s", d->m.name, line);
}

void drv_note(struct drv *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdrv_note(d, LOGBUF_INFO, fmt, ap);
	va_end(ap);
}

void drv_note_prio(struct drv *d, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdrv_note(d, prio, fmt, ap);
	va_end(ap);
}

struct drv *super_find(const char *name)
{
	for (unsigned i = 0; i < super.ndrivers; i++)
		if (!strcmp(super.drivers[i].m.name, name))
			return &super.drivers[i];
	return NULL;
}

void super_request_shutdown(void)
{
	shutdown_requested = true;
}

/* ---- manifests ------------------------------------------------------------------------------ */

/* `up --check`: load every manifest, whatever the errors, to report them all. */
static bool keep_going;
static unsigned refused; /* manifests refused */

static struct drv *new_driver(void)
{
	if (super.ndrivers >= SUPER_MAX_DRIVERS) {
		fprintf(stderr, "ikernel up: too many drivers (at most %d)\n", SUPER_MAX_DRIVERS);
		return NULL;
	}
	struct drv *d = &super.drivers[super.ndrivers];
	memset(d, 0, sizeof(*d));
	d->index = (int)super.ndrivers;
	d->out_fd = d->st_fd = -1;
	for (unsigned i = 0; i < IK_NETIF_MAX; i++)
		d->tap_fd[i] = -1;
	return d;
}

static int load_file(const char *path)
{
	char err[IKM_ERR_MAX];
	struct drv *d = new_driver();

	if (!d)
		return -E2BIG;
	int r = ikm_parse_file(path, &d->m, err, sizeof(err));
	if (r) {
		fprintf(stderr, "ikernel up: bad manifest: %s\n", err);
		refused++;
		return r;
	}
	super.ndrivers++;
	return 0;
}

static int ini_filter(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 4 && !strcmp(e->d_name + n - 4, ".ini");
}

/* A directory: every *.ini in it, in name order. */
static int load_path(const char *path)
{
	struct stat st;
	struct dirent **list;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "ikernel up: %s: %s\n", path, strerror(errno));
		refused++;
		return -errno;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(path);
	int n = scandir(path, &list, ini_filter, alphasort);
	if (n < 0) {
		fprintf(stderr, "ikernel up: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	int r = n == 0 ? -ENOENT : 0;
	if (n == 0) {
		fprintf(stderr, "ikernel up: %s: no *.ini manifests in this directory\n", path);
		refused++;
	}
	for (int i = 0; i < n; i++) {
		char file[PATH_MAX + 256];
		snprintf(file, sizeof(file), "%s/%s", path, list[i]->d_name);
		int rf = !r || keep_going ? load_file(file) : 0;
		if (!r)
			r = rf;
		free(list[i]);
	}
	free(list);
	return r;
}

static int load_builtin(void)
{
	char err[IKM_ERR_MAX], source[64];

	for (unsigned i = 0; i < ik_builtin_manifest_count; i++) {
		struct drv *d = new_driver();
		if (!d)
			return -E2BIG;
		snprintf(source, sizeof(source), "builtin:%s", ik_builtin_manifests[i].file);
		int r = ikm_parse_string(source, ik_builtin_manifests[i].text, &d->m, err, sizeof(err));
		if (r) {
			fprintf(stderr, "ikernel up: shipped manifest refused: %s\n", err);
			return r;
		}
		super.ndrivers++;
	}
	return 0;
}

static int load_manifests(const struct ik_super_opts *o)
{
	struct ik_manifest *ms[SUPER_MAX_DRIVERS];
	char err[IKM_ERR_MAX];
	int r = 0;

	if (o->nmanifests == 0)
		r = paths.conf_dir[0] ? load_path(paths.conf_dir) : load_builtin();
	for (int i = 0; (!r || keep_going) && i < o->nmanifests; i++) {
		int rp = load_path(o->manifests[i]);
		if (!r)
			r = rp;
	}
	if (r || keep_going) /* --check reports every clash itself (check.c) */
		return r;
	for (unsigned i = 0; i < super.ndrivers; i++)
		ms[i] = &super.drivers[i].m;
	if ((r = ikm_check_set(ms, super.ndrivers, err, sizeof(err))))
		fprintf(stderr, "ikernel up: %s\n", err);
	return r;
}

/* This binary (monitors are `EXE run ...`), and where images and manifests are looked up
 * (paths.h: the build tree for the build's binary, else the installed directories). */
static int find_self(void)
{
	ssize_t n = readlink("/proc/self/exe", super.exe, sizeof(super.exe) - 1);

	if (n <= 0) {
		fprintf(stderr, "ikernel up: cannot find my own binary: %s\n", strerror(errno));
		return -errno;
	}
	super.exe[n] = '\0';
	ik_paths_find(super.exe, &paths);
	ikm_set_image_dir(paths.image_dir);
	return 0;
}

/* ---- the event loop ------------------------------------------------------------------------- */

static int signals_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	/* Blocked before any thread starts: every thread inherits the mask. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void handle_signals(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			drv_reap_children();
		else if (!shutdown_requested) {
			super_msg("%s: stopping every driver", strsignal((int)si.ssi_signo));
			shutdown_requested = true;
		}
	}
}

static void begin_shutdown(void)
{
	notify_send("STOPPING=1\nSTATUS=stopping every driver");
	pthread_mutex_lock(&super.lock);
	super.shutting_down = true;
	pthread_cond_broadcast(&super.changed);
	pthread_mutex_unlock(&super.lock);
	for (unsigned i = 0; i < super.ndrivers; i++)
		drv_request_stop(&super.drivers[i], false);
	drv_kill_lingering();
}

static bool any_monitor(void)
{
	for (unsigned i = 0; i < super.ndrivers; i++)
		if (super.drivers[i].pid > 0)
			return true;
	return drv_any_lingering();
}

static unsigned count_state(enum drv_state s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < super.ndrivers; i++)
		n += super.drivers[i].state == s;
	return n;
}

static bool ready_reported;

/* "2 of 3 drivers running (1 failed)": systemd's STATUS= line. */
static void status_line(char *out, size_t len)
{
	static const enum drv_state notable[] = {DRV_STARTING, DRV_STALLED, DRV_BACKOFF,
						 DRV_STOPPING, DRV_CRASHED, DRV_FAILED};
	size_t used = (size_t)snprintf(out, len, "%u of %u drivers running", count_state(DRV_RUNNING),
				       super.ndrivers);
	const char *sep = " (";

	for (size_t i = 0; i < sizeof(notable) / sizeof(notable[0]) && used < len; i++) {
		unsigned k = count_state(notable[i]);
		if (!k)
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%u %s", sep, k,
					 drv_state_name(notable[i]));
		sep = ", ";
	}
	if (sep[0] == ',' && used < len)
		snprintf(out + used, len - used, ")");
}

void super_state_changed(void)
{
	static char last[256];
	char now[256], msg[300];

	if (!ready_reported || !notify_enabled() || super.shutting_down)
		return;
	status_line(now, sizeof(now));
	if (!strcmp(now, last))
		return;
	snprintf(last, sizeof(last), "%s", now);
	snprintf(msg, sizeof(msg), "STATUS=%s", now);
	notify_send(msg);
}

/* Once no driver is still starting: say so (and release a --detach parent, tell systemd). */
static void report_ready(void)
{
	char status[256], msg[PATH_MAX + 300];

	if (ready_reported || count_state(DRV_STARTING))
		return;
	ready_reported = true;
	unsigned up = count_state(DRV_RUNNING);
	super_msg("%u of %u drivers running; device files in %s; 'ikernel status' for details", up,
		  super.ndrivers, super.dev_dir);
	/* Every driver started (running, or failed to), the device files mounted: ready. */
	status_line(status, sizeof(status));
	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s; device files in %s", status, super.dev_dir);
	notify_send(msg);
	if (ready_fd >= 0) {
		char c = up == super.ndrivers ? 0 : 1;
		(void)!write(ready_fd, &c, 1);
		close(ready_fd);
		ready_fd = -1;
		/* Detached: from now on our messages go to the supervisor's log file (under
		 * systemd they stay on stderr, the journal). */
		if (!logbuf_journal()) {
			snprintf(supervisor_log, sizeof(supervisor_log), "%s/supervisor.log",
				 super.log_dir);
			open_supervisor_log(0);
		}
	}
}

static void event_loop(int sfd)
{
	for (;;) {
		struct pollfd p[2 + 2 * SUPER_MAX_DRIVERS];
		struct drv *who[2 + 2 * SUPER_MAX_DRIVERS];
		nfds_t n = 0;

		if (shutdown_requested && !super.shutting_down)
			begin_shutdown();
		if (super.shutting_down && !any_monitor())
			return;
		int timeout = drv_tick();
		report_ready();
		p[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = control_fd(), .events = POLLIN};
		for (unsigned i = 0; i < super.ndrivers; i++) {
			/* its output (log lines) and its status channel (records) */
			if (super.drivers[i].out_fd >= 0) {
				who[n] = &super.drivers[i];
				p[n++] = (struct pollfd){.fd = super.drivers[i].out_fd, .events = POLLIN};
			}
			if (super.drivers[i].st_fd >= 0) {
				who[n] = &super.drivers[i];
				p[n++] = (struct pollfd){.fd = super.drivers[i].st_fd, .events = POLLIN};
			}
		}
		if (poll(p, n, timeout) < 0 && errno != EINTR)
			return;
		if (p[0].revents)
			handle_signals(sfd);
		if (p[1].revents)
			control_accept();
		for (nfds_t i = 2; i < n; i++)
			if (p[i].revents && (who[i]->out_fd == p[i].fd || who[i]->st_fd == p[i].fd))
				drv_read_output(who[i]);
	}
}

/* ---- up ------------------------------------------------------------------------------------- */

static int set_runtime_dir(const struct ik_super_opts *o)
{
	const char *dir = o->runtime_dir ? o->runtime_dir : getenv(IK_RUNTIME_DIR_ENV);
	char real[PATH_MAX];

	if (!dir || !*dir)
		dir = IK_RUNTIME_DIR_DEFAULT;
	/* Absolute: the monitors and the mount must agree whatever their working directory. */
	char cwd[PATH_MAX / 2];
	if (dir[0] != '/' && realpath(dir, real))
		dir = real;
	else if (dir[0] != '/' && getcwd(cwd, sizeof(cwd)) &&
		 snprintf(real, sizeof(real), "%s/%s", cwd, dir) < (int)sizeof(real))
		dir = real;
	/* Sockets live under it: sun_path is 108 bytes. */
	if (strlen(dir) > 80) {
		fprintf(stderr, "ikernel up: runtime directory path too long (at most 80 bytes): %s\n",
			dir);
		return -ENAMETOOLONG;
	}
	memcpy(super.runtime_dir, dir, strlen(dir) + 1);
	/* libikernel in this process (the device files) finds the nodes here. */
	setenv(IK_RUNTIME_DIR_ENV, super.runtime_dir, 1);
	return 0;
}

static void print_plan(void)
{
	for (unsigned i = 0; i < super.ndrivers; i++) {
		const struct ik_manifest *m = &super.drivers[i].m;
		printf("%s: image %s, isolation %s, restart %s", m->name, m->image,
		       ikm_isolation_name(m->isolation), ikm_restart_name(m->restart));
		for (unsigned d = 0; d < m->ndevices; d++)
			printf(", device %s", m->devices[d].grant);
		for (unsigned n = 0; n < m->nnodes; n++) {
			const struct ikm_node *nd = &m->nodes[n];
			bool renamed = strcmp(nd->driver, nd->name) != 0;

			printf(", node %s%s%s (%04o %u:%u)", renamed ? nd->driver : "", renamed ? " as " : "",
			       nd->name, (unsigned)nd->mode, (unsigned)nd->uid, (unsigned)nd->gid);
		}
		printf("  [%s]\n", m->source);
	}
}

/* --detach: the parent waits for the child's "ready" byte and exits with it. */
static int detach(void)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		char c = 1;
		close(p[1]);
		ssize_t n = read(p[0], &c, 1);
		_exit(n == 1 ? (c == 0 ? 0 : 1) : 1);
	}
	close(p[0]);
	setsid();
	ready_fd = p[1];
	return 0;
}

static int start_all(void)
{
	char err[512];
	int r;

	if ((r = rtdir_prepare(err, sizeof(err)))) {
		super_msg("%s", err);
		return r;
	}
	for (unsigned i = 0; i < super.ndrivers; i++)
		logbuf_init(&super.drivers[i].log, super.log_dir, super.drivers[i].m.name);
	if ((r = control_open(err, sizeof(err))) || (r = fuse_front_start(err, sizeof(err)))) {
		super_msg("%s", err);
		return r;
	}
	super.started_ns = super_now_ns();
	for (unsigned i = 0; i < super.ndrivers; i++) {
		struct drv *d = &super.drivers[i];
		drv_note(d, "starting from %s", d->m.source);
		d->start_cause = "up";
		if (drv_start(d) < 0 && d->state != DRV_FAILED)
			d->state = DRV_CRASHED;
	}
	rtdir_publish_state();
	return 0;
}

static void finish_all(void)
{
	fuse_front_stop();
	control_finish_down();
	control_close();
	for (unsigned i = 0; i < super.ndrivers; i++)
		logbuf_fini(&super.drivers[i].log);
	rtdir_cleanup();
	super_msg("stopped; %s unmounted", super.dev_dir);
}

/* ---- settings, pre-flight -------------------------------------------------------------------- */

#define STALL_SHOW_MS 2000  /* no heartbeat this long: `stalled` */
#define STALL_KILL_MS 10000 /* ...this long: killed (IKERNEL_STALL_TIMEOUT) */

/* Under systemd with stderr on the journal: $JOURNAL_STREAM names stderr's device and inode
 * (systemd.exec(5)). A service without it ($INVOCATION_ID set) whose stderr is a socket is taken
 * as one too (a stream to a log daemon, which reads the same prefixes); one whose stderr is a
 * file, a terminal or /dev/null is not: prefixes would only litter its files. */
static bool under_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (fstat(2, &st) < 0)
		return false;
	if (js && *js)
		return sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
		       (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
	return getenv("INVOCATION_ID") && S_ISSOCK(st.st_mode);
}

/* "10s", "500ms", "2m", or plain milliseconds; 0 allowed; a digit first. */
static int parse_ms(const char *s, unsigned *out)
{
	if (*s < '0' || *s > '9')
		return -EINVAL;
	return ikm_parse_ms(s, out); /* the manifests' rule (manifest.c) */
}

/* The environment's settings (docs/ikernel.1.md, ENVIRONMENT): log target and cap, stall
 * deadline. Global: they apply to every driver. */
static int configure(void)
{
	const char *s = getenv("IKERNEL_LOG_TARGET");
	bool journal;
	uint64_t max = 0;
	unsigned kill_ms = STALL_KILL_MS;

	tzset(); /* log timestamps are local time */
	if (!s || !*s || !strcmp(s, "auto"))
		journal = under_journal();
	else if (!strcmp(s, "journal") || !strcmp(s, "file"))
		journal = s[0] == 'j';
	else {
		fprintf(stderr, "ikernel up: IKERNEL_LOG_TARGET=%s: expected journal, file or auto\n", s);
		return -EINVAL;
	}
	if ((s = getenv("IKERNEL_LOG_MAX")) && *s && (ik_parse_size(s, &max) || max < LOGBUF_FILE_MIN)) {
		fprintf(stderr, "ikernel up: IKERNEL_LOG_MAX=%s: a size of at least 16K (e.g. 4M)\n", s);
		return -EINVAL;
	}
	if ((s = getenv("IKERNEL_STALL_TIMEOUT")) && *s && parse_ms(s, &kill_ms)) {
		fprintf(stderr, "ikernel up: IKERNEL_STALL_TIMEOUT=%s: a time (e.g. 10s, 500ms; 0: never "
				"kill a stalled monitor)\n", s);
		return -EINVAL;
	}
	logbuf_configure(journal, max);
	super.stall_kill_ms = kill_ms;
	super.stall_show_ms = kill_ms && kill_ms < STALL_SHOW_MS ? kill_ms : STALL_SHOW_MS;
	return 0;
}

/* Without a usable KVM every driver that wanted a VM runs at isolation=process: said once,
 * here (each driver's log says it once too). */
static void say_fallback(void)
{
	char fell[512] = "", cannot[512] = "", proc[PATH_MAX + 8];

	if (super.kvm_usable)
		return;
	for (unsigned i = 0; i < super.ndrivers; i++) {
		const struct ik_manifest *m = &super.drivers[i].m;
		char *list = check_proc_build(m->image, proc, sizeof(proc)) ? fell : cannot;
		if (m->isolation != IKM_ISOLATION_VM)
			continue;
		size_t l = strlen(list);
		snprintf(list + l, sizeof(fell) - l, "%s%s", l ? ", " : "", m->name);
	}
	super_log(LOGBUF_WARNING, "KVM is not usable (%s): falling back to isolation=process (WEAKER "
		  "than a VM: shares the host kernel) for %s%s%s", super.kvm_why,
		  fell[0] ? fell : "no driver", cannot[0] ? "; no process build, cannot run: " : "",
		  cannot);
}

/* `up --check`: the plan, then every problem found, one line each. 0: none; 1: problems of
 * this machine; 2: a manifest (or the set of them) is invalid. */
static int check_only(const struct ik_super_opts *o, int load_r)
{
	unsigned set_errors = 0, problems;

	print_plan();
	fflush(stdout);
	if (set_runtime_dir(o))
		return 2;
	problems = check_report(stderr, "ikernel up: ", &set_errors);
	if (load_r || refused || set_errors) {
		fprintf(stderr, "ikernel up: --check: %u manifest%s refused, %u problem%s in all\n",
			refused + set_errors, refused + set_errors == 1 ? "" : "s", refused + problems,
			refused + problems == 1 ? "" : "s");
		return 2;
	}
	if (problems) {
		fprintf(stderr, "ikernel up: --check: %u problem%s found\n", problems,
			problems == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

int ik_super_up(const struct ik_super_opts *o)
{
	keep_going = o->check_only;
	if (configure() || find_self())
		return 2;
	int lr = load_manifests(o);
	if (o->check_only)
		return check_only(o, lr);
	if (lr)
		return 2;
	if (set_runtime_dir(o))
		return 2;
	notify_init();
	check_kvm();
	say_fallback();
	if (o->detach && detach() < 0) {
		fprintf(stderr, "ikernel up: cannot detach: %s\n", strerror(errno));
		return 1;
	}
	int sfd = signals_fd();
	if (sfd < 0) {
		fprintf(stderr, "ikernel up: signalfd: %s\n", strerror(errno));
		return 1;
	}
	int r = start_all();
	if (r == 0)
		event_loop(sfd);
	else
		begin_shutdown();
	/* Stop whatever was started (no-op when nothing was). */
	while (any_monitor()) {
		struct pollfd p = {.fd = sfd, .events = POLLIN};
		int t = drv_tick();
		poll(&p, 1, t < 0 ? 100 : t);
		handle_signals(sfd);
	}
	finish_all();
	close(sfd);
	return r ? 1 : 0;
}
