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
#include "super.h"

struct super super = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.changed = PTHREAD_COND_INITIALIZER,
};

static bool shutdown_requested;
static int ready_fd = -1; /* --detach: the waiting parent */

uint64_t super_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void super_msg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "ikernel up: %s\n", line);
}

void drv_note(struct drv *d, const char *fmt, ...)
{
	char line[1024], tagged[1100];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	snprintf(tagged, sizeof(tagged), "[super] %s", line);
	logbuf_line(&d->log, tagged);
	super_msg("%s: %s", d->m.name, line);
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

static struct drv *new_driver(void)
{
	if (super.ndrivers >= SUPER_MAX_DRIVERS) {
		fprintf(stderr, "ikernel up: too many drivers (at most %d)\n", SUPER_MAX_DRIVERS);
		return NULL;
	}
	struct drv *d = &super.drivers[super.ndrivers];
	memset(d, 0, sizeof(*d));
	d->index = (int)super.ndrivers;
	d->out_fd = -1;
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
	if (n == 0)
		fprintf(stderr, "ikernel up: %s: no *.ini manifests in this directory\n", path);
	for (int i = 0; i < n; i++) {
		char file[PATH_MAX + 256];
		snprintf(file, sizeof(file), "%s/%s", path, list[i]->d_name);
		if (!r)
			r = load_file(file);
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
		r = load_builtin();
	for (int i = 0; !r && i < o->nmanifests; i++)
		r = load_path(o->manifests[i]);
	if (r)
		return r;
	for (unsigned i = 0; i < super.ndrivers; i++)
		ms[i] = &super.drivers[i].m;
	if ((r = ikm_check_set(ms, super.ndrivers, err, sizeof(err))))
		fprintf(stderr, "ikernel up: %s\n", err);
	return r;
}

/* This binary (monitors are `EXE run ...`) and the build's drivers/ directory next to it
 * (build/src/cli/ikernel -> build/drivers), where the shipped manifests find their images. */
static int find_self(void)
{
	char tmp[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", super.exe, sizeof(super.exe) - 1);

	if (n <= 0) {
		fprintf(stderr, "ikernel up: cannot find my own binary: %s\n", strerror(errno));
		return -errno;
	}
	super.exe[n] = '\0';
	snprintf(tmp, sizeof(tmp), "%s", super.exe);
	snprintf(dir, sizeof(dir), "%s/../../drivers", dirname(tmp));
	char real[PATH_MAX];
	ikm_set_image_dir(realpath(dir, real) ? real : NULL);
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

/* Once no driver is still starting: say so (and release a --detach parent). */
static void report_ready(void)
{
	static bool reported;

	if (reported || count_state(DRV_STARTING))
		return;
	reported = true;
	unsigned up = count_state(DRV_RUNNING);
	super_msg("%u of %u drivers running; device files in %s; 'ikernel status' for details", up,
		  super.ndrivers, super.dev_dir);
	if (ready_fd >= 0) {
		char c = up == super.ndrivers ? 0 : 1;
		(void)!write(ready_fd, &c, 1);
		close(ready_fd);
		ready_fd = -1;
		/* Detached: from now on our messages go to the supervisor's log file. */
		char path[PATH_MAX + 32];
		snprintf(path, sizeof(path), "%s/supervisor.log", super.log_dir);
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
}

static void event_loop(int sfd)
{
	for (;;) {
		struct pollfd p[2 + SUPER_MAX_DRIVERS];
		struct drv *who[2 + SUPER_MAX_DRIVERS];
		nfds_t n = 0;

		if (shutdown_requested && !super.shutting_down)
			begin_shutdown();
		if (super.shutting_down && !any_monitor())
			return;
		int timeout = drv_tick();
		report_ready();
		p[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = control_fd(), .events = POLLIN};
		for (unsigned i = 0; i < super.ndrivers; i++)
			if (super.drivers[i].out_fd >= 0) {
				who[n] = &super.drivers[i];
				p[n++] = (struct pollfd){.fd = super.drivers[i].out_fd, .events = POLLIN};
			}
		if (poll(p, n, timeout) < 0 && errno != EINTR)
			return;
		if (p[0].revents)
			handle_signals(sfd);
		if (p[1].revents)
			control_accept();
		for (nfds_t i = 2; i < n; i++)
			if (p[i].revents && who[i]->out_fd == p[i].fd)
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
		for (unsigned n = 0; n < m->nnodes; n++)
			printf(", node %s (%04o %u:%u)", m->nodes[n].name, (unsigned)m->nodes[n].mode,
			       (unsigned)m->nodes[n].uid, (unsigned)m->nodes[n].gid);
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
		if (drv_start(d) < 0)
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

int ik_super_up(const struct ik_super_opts *o)
{
	if (find_self() || load_manifests(o))
		return 2;
	if (o->check_only) {
		print_plan();
		return 0;
	}
	if (access("/dev/kvm", R_OK | W_OK) != 0) {
		fprintf(stderr, "ikernel up: /dev/kvm is not available (%s): driver VMs need KVM\n",
			strerror(errno));
		return 1;
	}
	if (set_runtime_dir(o))
		return 2;
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
