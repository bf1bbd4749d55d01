/* SPDX-License-Identifier: MIT */
/*
 * Driver lifecycle: start a monitor child (`ikernel run` with the manifest's grants), learn
 * its state from its status records (include/ikernel/status.h, driver_status.c: readiness,
 * the level, how it ended, its name free for a replacement), read its output into the log
 * (for people: never parsed), reap it, decide about a restart (policy + exponential backoff),
 * stop it (SIGTERM, then SIGKILL after a deadline).
 * A monitor is a separate process in its own process group: whatever happens to it cannot take
 * the supervisor or another driver down; PR_SET_PDEATHSIG ends it if the supervisor dies.
 *
 * Health: each run gets a liveness page (heartbeat.h) the monitor beats every 50 ms; a running
 * driver whose monitor stops beating (SIGSTOP, a stuck control thread) or stays busy with one
 * exit (stuck outside the guest) is `stalled` after super.stall_show_ms, killed after
 * super.stall_kill_ms, and the restart policy takes it from there. Each run's log starts and
 * ends with a marker line ("==== run N start (CAUSE) ...", "==== run N end (CAUSE): WHY").
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "super.h"
#include "tap.h"

#define READY_TIMEOUT_MS 10000 /* a driver not ready by then is ended and counted a failure */
#define STOP_GRACE_MS    5000  /* SIGTERM -> SIGKILL */
#define STABLE_RUN_MS    10000 /* a run this long resets the backoff */
#define READY_POLL_MS    20
#define HEALTH_POLL_MS   250   /* how often the running monitors' heartbeats are read */

extern char **environ;

const char *drv_state_name(enum drv_state s)
{
	switch (s) {
	case DRV_STOPPED: return "stopped";
	case DRV_STARTING: return "starting";
	case DRV_RUNNING: return "running";
	case DRV_STOPPING: return "stopping";
	case DRV_BACKOFF: return "restarting";
	case DRV_CRASHED: return "crashed";
	case DRV_FAILED: return "failed";
	case DRV_STALLED: return "stalled";
	}
	return "?";
}

static void set_state(struct drv *d, enum drv_state s)
{
	pthread_mutex_lock(&super.lock);
	d->state = s;
	pthread_cond_broadcast(&super.changed);
	pthread_mutex_unlock(&super.lock);
	/* Clients waiting for a driver that is not coming back stop waiting (drivers.state). */
	rtdir_publish_state();
	super_state_changed();
}

/* ---- starting ---------------------------------------------------------------------------- */

#define MAX_ARGS (20 + 2 * (int)IK_NETIF_MAX + 2 * IKM_MAX_DEVICES + 2 * (int)IKM_MAX_NODES + 2 * IKM_MAX_PARAMS)

static int build_argv(const struct drv *d, char **argv, char *store, size_t storelen)
{
	const struct ik_manifest *m = &d->m;
	int n = 0;
	size_t used = 0;

#define ARG(s) (argv[n++] = (char *)(s))
#define ARGF(...) do { \
		int k_ = snprintf(store + used, storelen - used, __VA_ARGS__); \
		if (k_ < 0 || (size_t)k_ >= storelen - used) return -E2BIG; \
		argv[n++] = store + used; used += (size_t)k_ + 1; \
	} while (0)
	ARG(super.exe);
	ARG("run");
	ARG(m->image);
	if (d->isolation == IKM_ISOLATION_PROCESS) /* asked for, or KVM is not usable here */
		ARG("--isolation=process"); /* runs IMAGE.proc (src/cli/run_isolation.c) */
	ARG("--name");
	ARG(m->name);
	ARG("--runtime-dir");
	ARG(super.runtime_dir);
	if (m->mem) {
		ARG("--mem");
		ARGF("%llu", (unsigned long long)m->mem);
	}
	if (m->hang_ms) {
		ARG("--hang-ms");
		ARGF("%u", m->hang_ms);
	}
	if (m->log_budget[0]) {
		ARG("--log-budget");
		ARG(m->log_budget);
	}
	if (m->recovery[0]) {
		ARG("--recovery");
		ARG(m->recovery);
	}
	for (unsigned i = 0; i < m->ndevices; i++) {
		ARG("--device");
		ARG(m->devices[i].grant);
	}
	/* The names are the supervisor's: the driver may register only these, shown as the host
	 * names, and the monitor lets a client open each only as its device file would. */
	for (unsigned i = 0; i < m->nnodes; i++) {
		const struct ikm_node *nd = &m->nodes[i];

		ARG("--node");
		ARGF("%s=%s,uid=%u,gid=%u,mode=0%o", nd->driver, nd->name, (unsigned)nd->uid,
		     (unsigned)nd->gid, (unsigned)nd->mode);
	}
	/* Host interfaces: the TAPs we hold, as descriptors 5, 6 (child_exec) */
	for (unsigned i = 0; i < m->nnetdevs; i++) {
		ARG("--netdev");
		ARGF("%s,fd=%u", m->netdev[i], (unsigned)IK_STATUS_FD + 1 + i);
	}
	/* params: "k=v k=v" -> --param k=v ... */
	char params[IK_PARAMS_MAX];
	snprintf(params, sizeof(params), "%s", m->params);
	for (char *save = NULL, *tok = strtok_r(params, " ", &save); tok && n < MAX_ARGS - 3;
	     tok = strtok_r(NULL, " ", &save)) {
		ARG("--param");
		ARGF("%s", tok);
	}
	argv[n] = NULL;
#undef ARG
#undef ARGF
	return n;
}

/* In the child: own process group (a Ctrl-C at the terminal is for the supervisor, which
 * stops the monitors itself), die with the supervisor, default signals, output to the pipe,
 * the liveness page as descriptor 3 ($IKERNEL_HEARTBEAT_FD in envp), the status channel as
 * descriptor 4 ($IKERNEL_STATUS_FD; st_fd >= 5: placing the page cannot clobber it). */
static void child_exec(int out_fd, int hb_fd, int st_fd, const int *taps, char **argv,
		       char **envp, pid_t parent)
{
	int tap_hi[IK_NETIF_MAX];
	sigset_t none;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(125);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull >= 0)
		dup2(devnull, 0);
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	if (hb_fd == 3)
		fcntl(3, F_SETFD, 0);
	else if (hb_fd >= 0)
		dup2(hb_fd, 3);
	/* The TAPs as descriptors 5, 6 (--netdev NAME,fd=N): first out of the way of 3 and 4 */
	for (unsigned i = 0; i < IK_NETIF_MAX; i++)
		tap_hi[i] = taps[i] >= 0 ? fcntl(taps[i], F_DUPFD_CLOEXEC, 64) : -1;
	dup2(st_fd, IK_STATUS_FD);
	for (unsigned i = 0; i < IK_NETIF_MAX; i++)
		if (tap_hi[i] >= 0)
			dup2(tap_hi[i], IK_STATUS_FD + 1 + (int)i);
	execve(argv[0], argv, envp);
	dprintf(2, "ikernel up: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* A fresh liveness page for a run (never the last run's: a monitor still tearing down after
 * its replacement started keeps beating into its own). -1 without one (no health checks). */
static int heartbeat_new(struct drv *d)
{
	int fd = memfd_create("ikernel-heartbeat", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	void *p = MAP_FAILED;
	if (ftruncate(fd, sizeof(struct ik_heartbeat)) == 0)
		p = mmap(NULL, sizeof(struct ik_heartbeat), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -1;
	}
	d->hb = p;
	return fd;
}

static void heartbeat_drop(struct drv *d)
{
	if (d->hb)
		munmap(d->hb, sizeof(struct ik_heartbeat));
	d->hb = NULL;
}

/* NAME=... in an environment entry. */
static bool env_is(const char *entry, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(entry, name, len) && entry[len] == '=';
}

/* The monitor's environment: ours, with the status channel's descriptor and, with_hb, the
 * liveness page's (never ones we inherited). NULL: no memory. */
static char **child_env(bool with_hb)
{
	static char hb_var[] = IK_HEARTBEAT_ENV "=3";
	static char st_var[32];
	size_t n = 0, k = 0;

	snprintf(st_var, sizeof(st_var), "%s=%d", IK_STATUS_ENV, IK_STATUS_FD);
	while (environ[n])
		n++;
	char **env = malloc((n + 3) * sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!env_is(environ[i], IK_HEARTBEAT_ENV) && !env_is(environ[i], IK_STATUS_ENV))
			env[k++] = environ[i];
	if (with_hb)
		env[k++] = hb_var;
	env[k++] = st_var;
	env[k] = NULL;
	return env;
}

/* The level this run gets: the manifest's, or process when KVM is not usable here (said once
 * in the driver's log; the supervisor said it once for all). false: it cannot run at all. */
static bool choose_isolation(struct drv *d)
{
	char why[512];

	d->isolation = d->m.isolation;
	if (!check_driver(d, why, sizeof(why))) {
		snprintf(d->last_crash, sizeof(d->last_crash), "not started: %s", why);
		drv_note_prio(d, LOGBUF_ERR, "not started: %s; 'ikernel start %s' tries again", why,
			      d->m.name);
		return false;
	}
	if (d->m.isolation == IKM_ISOLATION_VM && !super.kvm_usable) {
		d->isolation = IKM_ISOLATION_PROCESS;
		if (!d->fallback_noted) { /* in its log; the supervisor said it once for all */
			char line[sizeof(super.kvm_why) + 128];
			snprintf(line, sizeof(line), "[super] KVM is not usable (%s): running at "
				 "isolation=process (WEAKER than a VM: shares the host kernel)",
				 super.kvm_why);
			logbuf_line_quiet(&d->log, line);
		}
		d->fallback_noted = true;
	}
	return true;
}

/* vfork: no copy of our page tables (each copied page a fault to take, in both processes, on
 * this nested host); the child only makes system calls before execve (child_exec). A function
 * of its own: nothing of the caller's frame lives across the vfork. */
static __attribute__((noinline)) pid_t spawn_monitor(int out_fd, int hb_fd, int st_fd,
						      const int *taps, char **argv, char **envp)
{
	pid_t parent = getpid();
	pid_t pid = vfork();

	if (pid == 0)
		child_exec(out_fd, hb_fd, st_fd, taps, argv, envp, parent);
	return pid;
}

/* The driver's host interfaces, created at its first start and held by us from then on: they
 * keep their names, addresses and routes while the driver restarts. false (said in its log)
 * when one cannot be made. */
static bool open_netdevs(struct drv *d)
{
	for (unsigned i = 0; i < d->m.nnetdevs; i++) {
		char why[400];
		int fd;

		if (d->tap_fd[i] >= 0)
			continue;
		fd = ik_tap_open(d->m.netdev[i], d->m.netns, IK_TAP_VNET_HDR, why, sizeof(why));
		if (fd < 0) {
			drv_note(d, "cannot make host interface %s: %s", d->m.netdev[i], why);
			return false;
		}
		d->tap_fd[i] = fd;
		drv_note(d, "host interface %s%s%s: TAP created and held for the driver",
			 d->m.netdev[i], d->m.netns[0] ? " in network namespace " : "", d->m.netns);
	}
	return true;
}

int drv_start(struct drv *d)
{
	char *argv[MAX_ARGS + 1];
	char store[4096], cmdline[4096];
	int pipefd[2];
	const char *cause = d->start_cause ? d->start_cause : "start";

	d->start_cause = NULL;
	if (!choose_isolation(d)) {
		d->pid = 0;
		set_state(d, DRV_FAILED);
		return -ENOEXEC;
	}
	if (!open_netdevs(d)) {
		d->pid = 0;
		set_state(d, DRV_FAILED);
		return -ENODEV;
	}
	if (build_argv(d, argv, store, sizeof(store)) < 0) {
		drv_note(d, "cannot build the monitor's command line (too long)");
		return -E2BIG;
	}
	size_t used = 0;
	for (int i = 0; argv[i] && used < sizeof(cmdline); i++)
		used += (size_t)snprintf(cmdline + used, sizeof(cmdline) - used, "%s%s", i ? " " : "",
					 argv[i]);
	rtdir_remove_driver_links(d); /* leftovers of a monitor that was killed */
	int st_fd = drv_status_open(d);
	if (st_fd < 0) {
		drv_note(d, "cannot create the status channel: %s", strerror(-st_fd));
		return st_fd;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		int e = errno;
		close(st_fd);
		drv_status_close(d);
		return -e;
	}
	heartbeat_drop(d);
	int hb_fd = heartbeat_new(d);
	char **env = child_env(hb_fd >= 0);
	pid_t pid = env ? spawn_monitor(pipefd[1], hb_fd, st_fd, d->tap_fd, argv, env) : -1;
	if (pid < 0) {
		int e = env ? errno : ENOMEM;
		close(pipefd[0]);
		close(pipefd[1]);
		close(st_fd);
		drv_status_close(d);
		if (hb_fd >= 0)
			close(hb_fd);
		free(env);
		heartbeat_drop(d);
		drv_note(d, "fork: %s", strerror(e));
		return -e;
	}
	free(env);
	if (hb_fd >= 0)
		close(hb_fd);
	close(st_fd);
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	d->out_fd = pipefd[0];
	d->pid = pid;
	d->started_ns = super_now_ns();
	d->ready_ns = 0;
	d->not_ready_warned = false;
	d->gone_status = -1;
	d->stall_killed = d->not_ready_killed = false;
	d->stalled_at_ns = d->hb_busy_seen = d->hb_busy_beats = 0;
	d->runs++;
	drv_note(d, "==== run %u start (%s): monitor pid %d, isolation %s ====", d->runs, cause,
		 (int)pid, d->isolation == IKM_ISOLATION_PROCESS ? "process" : "vm");
	drv_note(d, "monitor pid %d: %s", (int)pid, cmdline);
	set_state(d, DRV_STARTING);
	return 0;
}

/* ---- readiness --------------------------------------------------------------------------- */

/* Did the monitor announce node `name` (its NODE records before READY)? */
static bool node_announced(const struct drv *d, const char *name)
{
	for (unsigned i = 0; i < d->st.nnodes; i++)
		if (!strcmp(d->st.nodes[i], name))
			return true;
	return false;
}

/* READY (driver_status.c): its socket and node links exist. A node the manifest declares and
 * the driver did not announce is said once: opening it gives ENXIO. */
void drv_became_ready(struct drv *d, uint64_t now)
{
	if (d->state != DRV_STARTING)
		return;
	for (unsigned i = 0; i < d->m.nnodes && !d->not_ready_warned; i++)
		if (!node_announced(d, d->m.nodes[i].name)) {
			drv_note(d, "warning: the driver did not register every node its manifest "
				    "declares (%s: '%s'): opening a missing one gives ENXIO", d->m.source,
				 d->m.nodes[i].name);
			d->not_ready_warned = true;
		}
	d->ready_ns = now;
	d->ready_runs++;
	drv_note(d, "ready after %.1f ms", (double)(now - d->started_ns) / 1e6);
	set_state(d, DRV_RUNNING);
}

/* A monitor that has not said READY in time is ended and counted a failure. */
static void check_ready(struct drv *d, uint64_t now)
{
	if (now - d->started_ns < (uint64_t)READY_TIMEOUT_MS * 1000000ull)
		return;
	snprintf(d->last_crash, sizeof(d->last_crash), "not ready within %d ms", READY_TIMEOUT_MS);
	drv_note_prio(d, LOGBUF_ERR, "not ready within %d ms: stopping it", READY_TIMEOUT_MS);
	d->not_ready_killed = true;
	kill(d->pid, SIGKILL);
}

/* ---- output ------------------------------------------------------------------------------ */

/* The monitor's output pipe: its last partial line into the log, then closed. The lines are
 * for people: what the supervisor acts on comes from the status channel (driver_status.c). */
static void close_output(struct drv *d)
{
	if (d->out_fd < 0)
		return;
	logbuf_flush_partial(&d->log);
	close(d->out_fd);
	d->out_fd = -1;
}

void drv_read_output(struct drv *d)
{
	char buf[4096];

	while (d->out_fd >= 0) {
		ssize_t n = read(d->out_fd, buf, sizeof(buf));
		if (n > 0) {
			logbuf_feed(&d->log, buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		close_output(d); /* EOF (or error): the monitor is gone or closed its output */
	}
	/* After the lines: the monitor logs its end report before it sends GONE, so the report
	 * is in the log when the run ends early. */
	drv_read_status(d);
	if (d->gone_status >= 0)
		drv_end_early(d);
}

/* ---- ending and restarting ----------------------------------------------------------------- */

/* The first failure after a stable run restarts at once: that is the crash clients should not
 * notice. Failing again at once means something is wrong: wait restart_delay, then double. */
static uint64_t backoff_ms(const struct drv *d)
{
	uint64_t ms = d->m.restart_delay_ms;

	if (d->consecutive_failures <= 1)
		return 0;
	for (unsigned i = 2; i < d->consecutive_failures && ms < d->m.restart_delay_max_ms; i++)
		ms *= 2;
	return ms < d->m.restart_delay_max_ms ? ms : d->m.restart_delay_max_ms;
}

/* Why this run ended, in one word, for its end marker. */
static const char *end_cause(const struct drv *d, int status, bool failed)
{
	if (d->stall_killed)
		return "stalled";
	if (d->not_ready_killed)
		return "not-ready";
	if (d->want_stopped && d->restart_after_stop && !super.shutting_down)
		return "restart";
	if (d->want_stopped || super.shutting_down)
		return "stopped";
	if (!failed)
		return "exit";
	return WIFSIGNALED(status) ? "killed" : "crash";
}

static void describe_end(struct drv *d, int status, bool *failed)
{
	char why[560];

	if (WIFEXITED(status)) {
		int code = WEXITSTATUS(status);
		*failed = code != 0;
		if (code == 0)
			snprintf(why, sizeof(why), "exited cleanly");
		else if (drv_status_reason(d))
			snprintf(why, sizeof(why), "%s", drv_status_reason(d));
		else
			snprintf(why, sizeof(why), "monitor exited with status %d", code);
	} else {
		int sig = WTERMSIG(status);
		*failed = true;
		snprintf(why, sizeof(why), "monitor killed by signal %d (%s)", sig, strsignal(sig));
	}
	/* Killed by us for a reason of ours: that reason is the story. */
	if (d->stall_killed)
		snprintf(why, sizeof(why), "%s", d->stall_why);
	else if (d->not_ready_killed)
		snprintf(why, sizeof(why), "not ready within %d ms: monitor killed", READY_TIMEOUT_MS);
	if (*failed && !d->want_stopped)
		snprintf(d->last_crash, sizeof(d->last_crash), "%s", why);
	const char *cause = end_cause(d, status, *failed);
	int prio = !strcmp(cause, "exit") || !strcmp(cause, "stopped") || !strcmp(cause, "restart")
			   ? LOGBUF_NOTICE : LOGBUF_ERR;
	drv_note_prio(d, prio, "monitor pid %d ended: %s", (int)d->pid, why);
	drv_note_prio(d, prio, "==== run %u end (%s): %s ====", d->runs, cause, why);
}

static void after_end(struct drv *d, bool failed)
{
	uint64_t now = super_now_ns();
	uint64_t ran_ms = (now - d->started_ns) / 1000000ull;

	if (d->want_stopped || super.shutting_down) {
		if (d->restart_after_stop && !super.shutting_down) {
			/* `ikernel restart` of a running driver: it stopped, now it starts. */
			d->restart_after_stop = false;
			d->want_stopped = false;
			d->consecutive_failures = 0;
			d->restarts++;
			d->start_cause = "ikernel restart";
			if (drv_start(d) == 0 || d->state == DRV_FAILED)
				return;
		}
		set_state(d, DRV_STOPPED);
		return;
	}
	bool restart = d->m.restart == IKM_RESTART_ALWAYS ||
		       (d->m.restart == IKM_RESTART_ON_FAILURE && failed);
	if (failed)
		d->consecutive_failures = ran_ms >= STABLE_RUN_MS ? 1 : d->consecutive_failures + 1;
	else
		d->consecutive_failures = 0;
	if (!restart) {
		set_state(d, failed ? DRV_CRASHED : DRV_STOPPED);
		return;
	}
	if (d->m.restart_limit && d->consecutive_failures > d->m.restart_limit) {
		drv_note(d, "giving up: %u failed runs in a row (restart_limit = %u); "
			    "'ikernel restart %s' tries again", d->consecutive_failures - 1,
			 d->m.restart_limit, d->m.name);
		set_state(d, DRV_FAILED);
		return;
	}
	uint64_t delay = failed ? backoff_ms(d) : d->m.restart_delay_ms;
	d->restart_at_ns = now + delay * 1000000ull;
	drv_note(d, "restarting in %llu ms (restart = %s)", (unsigned long long)delay,
		 ikm_restart_name(d->m.restart));
	set_state(d, DRV_BACKOFF);
}

/* This run of d is over (`status` as waitpid() gives it): say how, decide about a restart. */
static void end_run(struct drv *d, int status)
{
	bool failed;

	close_output(d);
	drv_read_status(d); /* the last records (END), then the channel is closed */
	describe_end(d, status, &failed);
	drv_status_close(d);
	heartbeat_drop(d);
	d->pid = 0;
	d->ready_ns = 0;
	rtdir_remove_driver_links(d);
	after_end(d, failed);
}

/* ---- replacing a monitor before it has exited ---------------------------------------------- */

#define MAX_LINGERING 16
static pid_t lingering[MAX_LINGERING];

static bool linger(pid_t pid)
{
	for (unsigned i = 0; i < MAX_LINGERING; i++)
		if (lingering[i] == 0) {
			lingering[i] = pid;
			return true;
		}
	return false;
}

static bool unlinger(pid_t pid)
{
	for (unsigned i = 0; i < MAX_LINGERING; i++)
		if (lingering[i] == pid) {
			lingering[i] = 0;
			return true;
		}
	return false;
}

void drv_kill_lingering(void)
{
	for (unsigned i = 0; i < MAX_LINGERING; i++)
		if (lingering[i])
			kill(lingering[i], SIGKILL);
}

bool drv_any_lingering(void)
{
	for (unsigned i = 0; i < MAX_LINGERING; i++)
		if (lingering[i])
			return true;
	return false;
}

/*
 * The monitor said (GONE, a status record) its driver is over and its name free: end this run
 * (same log line, same restart decision), and let the old process finish its tear-down on
 * its own. Only for runs that end by themselves: a stop we asked for waits for the exit.
 */
void drv_end_early(struct drv *d)
{
	int status = d->gone_status;

	d->gone_status = -1;
	d->isolation = d->m.isolation;
	if (d->pid <= 0 || d->want_stopped || super.shutting_down || !linger(d->pid))
		return;
	end_run(d, status << 8); /* as waitpid() would say: exited with status */
}

static struct drv *by_pid(pid_t pid)
{
	for (unsigned i = 0; i < super.ndrivers; i++)
		if (super.drivers[i].pid == pid)
			return &super.drivers[i];
	return NULL;
}

void drv_reap_children(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct drv *d = by_pid(pid);
		if (!d) {
			unlinger(pid);
			continue;
		}
		drv_read_output(d); /* what it printed last says why it ended */
		if (d->pid != pid) { /* ...and that its VM was gone: the run ended there */
			unlinger(pid);
			continue;
		}
		end_run(d, status);
	}
}

/* ---- requests ------------------------------------------------------------------------------ */

void drv_request_stop(struct drv *d, bool restart_after)
{
	d->want_stopped = true;
	d->restart_after_stop = restart_after;
	if (d->pid > 0) {
		if (d->state != DRV_STOPPING) {
			kill(d->pid, SIGTERM);
			d->kill_at_ns = super_now_ns() + (uint64_t)STOP_GRACE_MS * 1000000ull;
			set_state(d, DRV_STOPPING);
		} else {
			rtdir_publish_state(); /* a stop turned into a restart, or back */
		}
		return;
	}
	/* Not running (backoff, crashed, failed, stopped). */
	if (restart_after) {
		d->restart_after_stop = false;
		d->want_stopped = false;
		d->consecutive_failures = 0;
		if (d->started_ns)
			d->restarts++;
		d->start_cause = "ikernel restart";
		drv_start(d);
		return;
	}
	set_state(d, DRV_STOPPED);
}

void drv_request_start(struct drv *d)
{
	if (d->pid > 0)
		return;
	d->want_stopped = false;
	d->consecutive_failures = 0;
	d->start_cause = "ikernel start";
	drv_start(d);
}

/* ---- health ---------------------------------------------------------------------------- */

/* The monitor's state letter in /proc/PID/stat ('T': stopped), '?' when unknown. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return '?';
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	const char *s = strrchr(buf, ')');
	return s && s[1] == ' ' && s[2] ? s[2] : '?';
}

/* How long d's monitor has made no progress (0: it has), from its liveness page: its last
 * beat, or the exit its vCPU thread has been busy with (the monitor said "busy since" the same
 * moment at two of its beats: one beat's view is never enough). *busy_exit: the latter. Memory
 * reads only: this runs at every turn of the event loop. */
static uint64_t stalled_for(struct drv *d, uint64_t now, bool *busy_exit)
{
	const struct ik_heartbeat *h = d->hb;

	*busy_exit = false;
	if (!h || __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != IK_HEARTBEAT_MAGIC)
		return 0; /* not attached (yet): nothing to judge by */
	uint64_t beat = __atomic_load_n(&h->beat_ns, __ATOMIC_ACQUIRE);
	uint64_t busy = __atomic_load_n(&h->busy_since_ns, __ATOMIC_RELAXED);
	uint64_t beats = __atomic_load_n(&h->beats, __ATOMIC_RELAXED);
	uint64_t quiet = beat && now > beat ? now - beat : 0, stuck = 0;

	if (busy != d->hb_busy_seen) {
		d->hb_busy_seen = busy;
		d->hb_busy_beats = beats;
	}
	if (busy && beats != d->hb_busy_beats && now > busy)
		stuck = now - busy;
	*busy_exit = stuck > quiet;
	return *busy_exit ? stuck : quiet;
}

static void describe_stall(const struct drv *d, uint64_t ms, bool busy_exit, char *why, size_t len)
{
	if (busy_exit) {
		snprintf(why, len, "monitor pid %d busy outside the guest (one exit) for %llu ms",
			 (int)d->pid, (unsigned long long)ms);
		return;
	}
	char st = proc_state(d->pid);
	snprintf(why, len, "no heartbeat from monitor pid %d for %llu ms (process state %c%s)",
		 (int)d->pid, (unsigned long long)ms, st,
		 st == 'T' ? ": stopped" : st == 't' ? ": stopped by a debugger" : "");
}

/* A running driver whose monitor stopped making progress is `stalled`; past the deadline it is
 * killed and its end is a failure like a crash (the restart policy applies). One that moves
 * again before that is running again. */
static void check_health(struct drv *d, uint64_t now)
{
	char why[160];
	bool busy_exit;

	if (d->pid <= 0 || d->stall_killed)
		return;
	uint64_t ms = stalled_for(d, now, &busy_exit) / 1000000ull;
	if (ms >= super.stall_show_ms)
		describe_stall(d, ms, busy_exit, why, sizeof(why));
	if (d->state == DRV_RUNNING && ms >= super.stall_show_ms) {
		d->stalled_at_ns = now;
		drv_note_prio(d, LOGBUF_WARNING, "stalled: %s%s", why, super.stall_kill_ms ? "" :
			      " (not killed: stall timeout 0)");
		set_state(d, DRV_STALLED);
	} else if (d->state == DRV_STALLED && ms < super.stall_show_ms) {
		drv_note_prio(d, LOGBUF_NOTICE, "making progress again after %.1f s stalled",
			      (double)(now - d->stalled_at_ns) / 1e9);
		set_state(d, DRV_RUNNING);
	} else if (d->state == DRV_STALLED && super.stall_kill_ms && ms >= super.stall_kill_ms) {
		snprintf(d->stall_why, sizeof(d->stall_why), "stalled: %s: monitor killed", why);
		drv_note_prio(d, LOGBUF_ERR, "%s", d->stall_why);
		d->stall_killed = true;
		kill(d->pid, SIGKILL); /* a stopped process dies too; reaped as any end */
	}
}

int drv_tick(void)
{
	uint64_t now = super_now_ns(), next = UINT64_MAX;

	for (unsigned i = 0; i < super.ndrivers; i++) {
		struct drv *d = &super.drivers[i];

		switch (d->state) {
		case DRV_STARTING:
			check_ready(d, now);
			if (d->state == DRV_STARTING && now + READY_POLL_MS * 1000000ull < next)
				next = now + READY_POLL_MS * 1000000ull;
			break;
		case DRV_BACKOFF:
			if (now >= d->restart_at_ns) {
				d->restarts++;
				d->start_cause = "restart policy";
				if (drv_start(d) < 0 && d->state != DRV_FAILED)
					after_end(d, true);
				if (d->state == DRV_STARTING)
					next = now + READY_POLL_MS * 1000000ull;
			} else if (d->restart_at_ns < next) {
				next = d->restart_at_ns;
			}
			break;
		case DRV_RUNNING:
		case DRV_STALLED:
			check_health(d, now);
			if (d->hb && d->pid > 0 && now + HEALTH_POLL_MS * 1000000ull < next)
				next = now + HEALTH_POLL_MS * 1000000ull;
			break;
		case DRV_STOPPING:
			if (d->pid > 0 && now >= d->kill_at_ns) {
				drv_note(d, "monitor pid %d ignored SIGTERM for %d ms: SIGKILL", (int)d->pid,
					 STOP_GRACE_MS);
				kill(d->pid, SIGKILL);
				d->kill_at_ns = UINT64_MAX;
			} else if (d->kill_at_ns < next) {
				next = d->kill_at_ns;
			}
			break;
		default:
			break;
		}
	}
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)((next - now) / 1000000ull) + 1;
}

/* ---- for the FUSE workers ----------------------------------------------------------------- */

bool drv_wait_running(struct drv *d, int timeout_ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&super.lock);
	/* A driver on its way up (starting, or restarting after a crash) is worth waiting for. */
	while ((d->state == DRV_STARTING || d->state == DRV_BACKOFF || d->state == DRV_STALLED) &&
	       !super.shutting_down) {
		if (pthread_cond_timedwait(&super.changed, &super.lock, &until) == ETIMEDOUT)
			break;
	}
	bool running = d->state == DRV_RUNNING && !super.shutting_down;
	pthread_mutex_unlock(&super.lock);
	return running;
}

void drv_count_call(struct drv *d, long result)
{
	__atomic_add_fetch(&d->calls, 1, __ATOMIC_RELAXED);
	if (result < 0)
		__atomic_add_fetch(&d->errors, 1, __ATOMIC_RELAXED);
}
