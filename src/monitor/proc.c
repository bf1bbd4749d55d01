/* SPDX-License-Identifier: MIT */
/*
 * The monitor-lite (proc.h): starts a driver executable as a jailed Linux process and serves
 * its hypercalls (platform_proc_abi.h) and its clients (proc_server.c) on one service thread.
 *
 * The jail, applied between fork and exec: every descriptor closed except the three of the
 * protocol, the unprivileged uid/gid 65534 with no supplementary groups when we are root,
 * no_new_privs, the parent-death signal, no core dumps, no file writes, few descriptors; the
 * driver then installs its seccomp filter (read/write/close/sendmsg/recvmsg/ppoll/munmap,
 * mmap without PROT_EXEC, exit) before any driver code runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ikernel/control.h"
#include "ikernel/ring.h"
#include "proc_internal.h"
#include "../../guest/runtime/platform_proc_abi.h"

#define PROC_SPIN_NS_DEFAULT 50000ull
#define PROC_UID_NOBODY      65534

uint64_t ik_proc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ik_proc_log(struct ik_proc *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	flockfile(p->log); /* one line: device timer threads log too */
	fprintf(p->log, "ikernel: ");
	vfprintf(p->log, fmt, ap);
	fputc('\n', p->log);
	fflush(p->log);
	funlockfile(p->log);
	va_end(ap);
}

void ik_proc_end(struct ik_proc *p, enum ik_vm_end end, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&p->lock);
	if (p->ended) {
		pthread_mutex_unlock(&p->lock);
		return;
	}
	p->result.end = end;
	va_start(ap, fmt);
	vsnprintf(p->result.reason, sizeof(p->result.reason), fmt, ap);
	va_end(ap);
	p->ended = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	if (p->pid > 0)
		kill(p->pid, SIGKILL);
	if (end != IK_END_STOPPED && end != IK_END_EXIT)
		ik_proc_log(p, "%s", p->result.reason);
}

/* ---- TSC frequency (the runtime's clock): calibrated once per host process ---------------- */

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t tsc_khz(void)
{
	static uint64_t khz;

	if (!khz) {
		uint64_t t0 = ik_proc_now_ns(), c0 = rdtsc(), t1;

		while ((t1 = ik_proc_now_ns()) - t0 < 2000000)
			;
		khz = (rdtsc() - c0) * 1000000ull / (t1 - t0);
	}
	return khz;
}

/* ---- boot info -------------------------------------------------------------------------- */

static int boot_page(struct ik_proc *p, const struct ik_proc_config *cfg, char *err, size_t errlen)
{
	uint64_t mem = cfg->mem_size ? cfg->mem_size : IK_MEM_DEFAULT;
	uint64_t stacks = (uint64_t)IK_MAX_THREADS * IK_STACK_STRIDE;
	struct ik_bootinfo *bi;

	if (mem < IK_MEM_MIN || mem > IK_MEM_MAX || mem % IK_PAGE_SIZE || mem < stacks + IK_MEM_MIN / 2) {
		snprintf(err, errlen, "memory size %llu is outside [%llu, %llu] or not page-aligned",
			 (unsigned long long)mem, IK_MEM_MIN, IK_MEM_MAX);
		return -EINVAL;
	}
	p->boot_fd = memfd_create("ikernel-boot", MFD_CLOEXEC);
	if (p->boot_fd < 0 || ftruncate(p->boot_fd, 2 * IK_PAGE_SIZE) < 0)
		goto fail;
	bi = mmap(NULL, 2 * IK_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, p->boot_fd, 0);
	if (bi == MAP_FAILED)
		goto fail;
	p->bootinfo = bi;
	p->events = (struct ik_events *)((char *)bi + IK_PAGE_SIZE);
	p->mem_size = mem;
	bi->magic = IK_BOOTINFO_MAGIC;
	bi->abi_version = IK_ABI_VERSION;
	/* Port I/O is the IK_PROC_HC_PIO request here, not the IK_GPA_PIO window: no IK_FEAT_PIO. */
	bi->features = IK_FEAT_DOORBELL | IK_FEAT_IRQ | IK_FEAT_PORT_GRANTS | IK_FEAT_RING_SEQ;
	bi->mem_size = mem;
	bi->heap_start = IK_PROC_RAM_BASE;
	bi->heap_end = IK_PROC_RAM_BASE + mem - stacks;
	bi->stack_base = bi->heap_end + IK_GUARD_SIZE;
	bi->stack_count = IK_MAX_THREADS;
	bi->max_channels = IK_MAX_CHANNELS;
	bi->tsc_khz = tsc_khz();
	bi->spin_ns = cfg->spin_ns == (uint64_t)-1 ? PROC_SPIN_NS_DEFAULT : cfg->spin_ns;
	bi->chan = ik_geometry_default();
	snprintf(bi->name, sizeof(bi->name), "%s", p->name);
	snprintf(bi->params, sizeof(bi->params), "%s", cfg->params ? cfg->params : "");
	return 0;
fail:
	snprintf(err, errlen, "boot page: %s", strerror(errno));
	return -errno;
}

/* ---- the jailed child ------------------------------------------------------------------- */

/* In the child between fork and exec: async-signal-safe calls only. */
_Noreturn static void child_exec(const char *exe, int ctl, int kick, int boot, int cpu)
{
	char *const argv[] = {(char *)exe, NULL}, *const envp[] = {NULL};
	struct rlimit none = {0, 0}, fds = {16 + 3 * IK_MAX_CHANNELS, 16 + 3 * IK_MAX_CHANNELS};
	int a = fcntl(ctl, F_DUPFD, 16), b = fcntl(kick, F_DUPFD, 16), c = fcntl(boot, F_DUPFD, 16);

	if (a < 0 || b < 0 || c < 0 || dup2(a, IK_PROC_FD_CTL) < 0 || dup2(b, IK_PROC_FD_KICK) < 0 ||
	    dup2(c, IK_PROC_FD_BOOT) < 0)
		_exit(126);
	close(0), close(1), close(2);
	syscall(SYS_close_range, IK_PROC_FD_BOOT + 1, ~0u, 0);
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setrlimit(RLIMIT_CORE, &none);
	setrlimit(RLIMIT_FSIZE, &none);
	setrlimit(RLIMIT_NOFILE, &fds);
	if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(PROC_UID_NOBODY, PROC_UID_NOBODY, PROC_UID_NOBODY) < 0 ||
			       setresuid(PROC_UID_NOBODY, PROC_UID_NOBODY, PROC_UID_NOBODY) < 0))
		_exit(126);
	setrlimit(RLIMIT_NPROC, &none);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(126);
	execve(exe, argv, envp);
	_exit(127);
}

/* ---- isolation=inproc: the driver on a thread of ours -------------------------------------- */

static atomic_bool inproc_busy;

static void *inproc_thread(void *arg)
{
	struct ik_proc *p = arg;

	/* Returns when the runtime sees its socket go away (stop_inproc()). */
	p->inproc_main(p->inproc_ctl, p->kick_fd, p->inproc_boot);
	return NULL;
}

static int spawn_inproc(struct ik_proc *p, int ctl, int cpu, char *err, size_t errlen)
{
	pthread_attr_t attr;
	sigset_t all, old;
	int r;

	if (atomic_exchange(&inproc_busy, true)) {
		snprintf(err, errlen, "an in-process driver is already running in this process");
		return -EBUSY;
	}
	p->inproc_ctl = ctl;
	p->inproc_boot = fcntl(p->boot_fd, F_DUPFD_CLOEXEC, 0); /* the runtime closes it */
	pthread_attr_init(&attr);
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	/* Signals of the caller are not for the driver's stacks. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = -pthread_create(&p->inproc_thread, &attr, inproc_thread, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r) {
		snprintf(err, errlen, "pthread_create: %s", strerror(-r));
		atomic_store(&inproc_busy, false);
		return r;
	}
	p->inproc_started = true;
	return 0;
}

/* Make the driver thread notice that its socket is gone (it may be spinning), join it, and
 * unmap what it mapped: guest RAM and the channel regions. */
static void stop_inproc(struct ik_proc *p)
{
	uint64_t one = 1;

	shutdown(p->ctl_fd, SHUT_RDWR);
	if (p->events)
		__atomic_or_fetch(&p->events->attention, 1u, __ATOMIC_SEQ_CST);
	if (write(p->kick_fd, &one, sizeof(one)) < 0)
		one = 0;
	pthread_join(p->inproc_thread, NULL);
	p->inproc_started = false;
	close(p->inproc_ctl);
	munmap((void *)(uintptr_t)IK_PROC_RAM_BASE, p->mem_size);
	munmap((void *)(uintptr_t)IK_GPA_CHAN_BASE, (size_t)IK_MAX_CHANNELS * IK_CHAN_STRIDE);
	atomic_store(&inproc_busy, false);
}

static int spawn(struct ik_proc *p, const char *exe, int cpu, char *err, size_t errlen)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -errno;
	}
	if (p->inproc_main) {
		p->ctl_fd = sv[0];
		return spawn_inproc(p, sv[1], cpu, err, errlen);
	}
	p->pid = fork();
	if (p->pid == 0)
		child_exec(exe, sv[1], p->kick_fd, p->boot_fd, cpu);
	close(sv[1]);
	p->ctl_fd = sv[0];
	if (p->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -errno;
	}
	p->pid_fd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (p->pid_fd < 0) {
		snprintf(err, errlen, "pidfd_open: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* ---- hypercalls --------------------------------------------------------------------------- */

static void reply(struct ik_proc *p, const void *args, size_t len, const int *fds, unsigned nfds)
{
	struct ik_proc_reply r = {.nfds = nfds};
	char cbuf[CMSG_SPACE(2 * IK_MAX_CHANNELS * sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &r, .iov_len = sizeof(r)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	memcpy(r.args, args, len);
	if (nfds) {
		struct cmsghdr *cm;

		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	if (sendmsg(p->ctl_fd, &msg, MSG_NOSIGNAL) != (ssize_t)sizeof(r))
		ik_proc_end(p, IK_END_CRASH, "driver '%s': reply failed: %s", p->name, strerror(errno));
}

static void hc_wait(struct ik_proc *p, struct ik_hc_wait *w)
{
	int fds[2 * IK_MAX_CHANNELS];
	unsigned n = 0;

	if (w->timeout_ns) /* the process sleeps on its kick eventfd itself */
		return ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: IK_HC_WAIT with a timeout", p->name);
	w->irqs = atomic_exchange(&p->pending_irqs, 0);
	w->chan_opened = p->pending_opened;
	w->chan_closing = p->pending_closing;
	p->pending_opened = p->pending_closing = 0;
	for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++) {
		if (w->chan_opened & (1ull << ch)) {
			fds[n++] = p->chans[ch].mem_fd;
			fds[n++] = p->chans[ch].done_fd;
		}
	}
	reply(p, w, sizeof(*w), fds, n);
}

static bool valid_node_name(const char *s)
{
	size_t n = strnlen(s, IK_NAME_MAX);

	if (n == 0 || n == IK_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

static void hc_register(struct ik_proc *p, struct ik_hc_register_node *r, const char *payload, uint32_t len)
{
	char name[IK_NAME_MAX] = "";

	memcpy(name, payload, len < IK_NAME_MAX ? len : IK_NAME_MAX);
	name[IK_NAME_MAX - 1] = '\0';
	if (p->ready || !valid_node_name(name) || r->node >= IK_MAX_NODES || p->nnodes == IK_MAX_NODES)
		return ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: bad node registration", p->name);
	for (unsigned i = 0; i < p->nnodes; i++)
		if (!strcmp(p->nodes[i].name, name) || p->nodes[i].node == r->node)
			return ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: node %s registered twice",
					   p->name, name);
	memcpy(p->nodes[p->nnodes].name, name, IK_NAME_MAX);
	p->nodes[p->nnodes].node = r->node;
	p->nodes[p->nnodes].minor = r->minor;
	p->nnodes++;
	reply(p, r, sizeof(*r), NULL, 0);
}

static void hc_ready(struct ik_proc *p, struct ik_hc_ready *r)
{
	char err[512] = "";

	if (p->ready)
		return ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: ready twice", p->name);
	if (p->serve && ik_proc_listen(p, err, sizeof(err)))
		return ik_proc_end(p, IK_END_CRASH, "driver '%s': %s", p->name, err);
	pthread_mutex_lock(&p->lock);
	p->ready = true;
	p->boot_ns = ik_proc_now_ns() - p->t_create_ns;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	reply(p, r, sizeof(*r), NULL, 0);
}

static void hc_text(struct ik_proc *p, const char *what, const char *s, uint32_t len)
{
	char clean[4 * IK_CONSOLE_MAX + 1];

	ik_sanitize(clean, sizeof(clean), s, len);
	fprintf(p->log, "[%s]%s %s\n", p->name, what, clean);
	fflush(p->log);
}

static void hc_panic(struct ik_proc *p, const struct ik_hc_panic *hp, const char *payload, uint32_t len)
{
	uint32_t mlen = hp->len < len ? (uint32_t)hp->len : len;
	char msg[4 * IK_PANIC_MAX + 1], file[4 * 256 + 1] = "";

	ik_sanitize(msg, sizeof(msg), payload, mlen > IK_PANIC_MAX ? IK_PANIC_MAX : mlen);
	if (len > mlen)
		ik_sanitize(file, sizeof(file), payload + mlen, strnlen(payload + mlen, len - mlen));
	snprintf(p->result.file, sizeof(p->result.file), "%s", file);
	p->result.line = hp->line;
	ik_proc_end(p, IK_END_PANIC, "driver '%s' panicked: %s (%s:%u)", p->name, msg, file, hp->line);
}

static void dispatch(struct ik_proc *p, const struct ik_proc_msg *mp);

/* Serve one request; false when there was none (nothing queued, or the socket closed). */
static bool serve_request(struct ik_proc *p)
{
	/* Per call, never static: every driver of this process has its own service thread (the
	 * bench runs a thousand), and a shared buffer let one thread serve another's request. */
	struct ik_proc_msg m;
	const size_t hdr = offsetof(struct ik_proc_msg, payload);
	ssize_t n = recv(p->ctl_fd, &m, sizeof(m), MSG_DONTWAIT);

	if (n == 0)
		p->ctl_eof = true;
	if (n <= 0)
		return false; /* nothing, or the process ended: the pidfd tells how */
	if ((size_t)n < hdr || m.payload_len != (size_t)n - hdr)
		ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: malformed request", p->name);
	else
		dispatch(p, &m);
	return true;
}

static void dispatch(struct ik_proc *p, const struct ik_proc_msg *mp)
{
	const struct ik_proc_msg m = *mp;

	switch (m.nr) {
	case IK_HC_CONSOLE: {
		struct ik_hc_console c;
		memcpy(&c, m.args, sizeof(c));
		hc_text(p, "", m.payload, m.payload_len < c.len ? m.payload_len : (uint32_t)c.len);
		return reply(p, &c, sizeof(c), NULL, 0);
	}
	case IK_HC_PANIC: {
		struct ik_hc_panic hp;
		memcpy(&hp, m.args, sizeof(hp));
		return hc_panic(p, &hp, m.payload, m.payload_len);
	}
	case IK_HC_EXIT: {
		struct ik_hc_exit e;
		memcpy(&e, m.args, sizeof(e));
		p->result.exit_code = e.code;
		return ik_proc_end(p, IK_END_EXIT, "driver '%s' exited with status %lld", p->name, (long long)e.code);
	}
	case IK_HC_WAIT: {
		struct ik_hc_wait w;
		memcpy(&w, m.args, sizeof(w));
		return hc_wait(p, &w);
	}
	case IK_HC_REGISTER_NODE: {
		struct ik_hc_register_node r;
		memcpy(&r, m.args, sizeof(r));
		return hc_register(p, &r, m.payload, m.payload_len);
	}
	case IK_HC_READY: {
		struct ik_hc_ready r;
		memcpy(&r, m.args, sizeof(r));
		return hc_ready(p, &r);
	}
	case IK_HC_CHAN_RELEASED: {
		struct ik_hc_chan c;
		memcpy(&c, m.args, sizeof(c));
		ik_proc_chan_released(p, c.chan);
		return reply(p, &c, sizeof(c), NULL, 0);
	}
	case IK_PROC_HC_PIO: {
		struct ik_proc_pio io;
		memcpy(&io, m.args, sizeof(io));
		if (ik_proc_pio(p, &io) == 0)
			reply(p, &io, sizeof(io), NULL, 0);
		return;
	}
	default:
		return ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: unknown hypercall %u", p->name, m.nr);
	}
}

static void reap(struct ik_proc *p)
{
	int status = 0;

	if (waitpid(p->pid, &status, 0) != p->pid)
		return;
	p->pid = -1;
	if (WIFSIGNALED(status))
		ik_proc_end(p, IK_END_CRASH, "driver '%s' crashed: killed by signal %d (%s)", p->name,
			    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		ik_proc_end(p, IK_END_CRASH, "driver '%s' process exited with status %d", p->name,
			    WEXITSTATUS(status));
}

/* ---- the hang watchdog -------------------------------------------------------------------- */

#define PROC_WATCH_MS 50 /* how often the service thread looks at the heartbeat */

/* Is the driver process on a CPU or waiting for one ('R' in /proc/PID/stat), rather than asleep
 * in its idle ppoll()? A driver that sleeps makes no progress and is fine. */
static bool process_busy(pid_t pid)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *state = strrchr(buf, ')'); /* the name may contain anything but not ") " last */
	return state && state[1] == ' ' && state[2] == 'R';
}

/* The runtime bumps events->heartbeat on every pass of its scheduler loop (as in a VM). A
 * process that stays busy with no pass for hang_ms is stuck in a loop: end it, as the VM's
 * watchdog ends a vCPU that runs without progress. */
static void watchdog_tick(struct ik_proc *p)
{
	uint64_t now = ik_proc_now_ns();
	uint64_t hb = __atomic_load_n(&p->events->heartbeat, __ATOMIC_RELAXED);

	if (p->inproc_main || p->pid <= 0 || p->ended)
		return;
	if (hb != p->hb_last || !p->hb_since_ns || !process_busy(p->pid)) {
		p->hb_last = hb;
		p->hb_since_ns = now;
		return;
	}
	if (now - p->hb_since_ns >= (uint64_t)p->hang_ms * 1000000ull)
		ik_proc_end(p, IK_END_HANG, "driver '%s' hung: busy for %u ms without a pass of its "
					   "scheduler (process %d)", p->name, p->hang_ms, (int)p->pid);
}

/* ---- the service thread ------------------------------------------------------------------ */

static void *service(void *arg)
{
	struct ik_proc *p = arg;
	struct pollfd fds[3 + PROC_MAX_PENDING + IK_MAX_CHANNELS];

	while (p->pid > 0 || (p->inproc_main && !p->ended)) {
		unsigned n = 0, ns;

		fds[n++] = (struct pollfd){.fd = p->ctl_fd, .events = POLLIN};
		fds[n++] = (struct pollfd){.fd = p->pid_fd, .events = POLLIN}; /* -1 (ignored) inproc */
		fds[n++] = (struct pollfd){.fd = p->wake_fd, .events = POLLIN};
		ns = ik_proc_server_pollfds(p, fds + n, PROC_MAX_PENDING + IK_MAX_CHANNELS);
		if (poll(fds, n + ns, p->inproc_main ? -1 : PROC_WATCH_MS) < 0 && errno != EINTR)
			break;
		watchdog_tick(p);
		if (atomic_load(&p->stop_requested))
			ik_proc_end(p, IK_END_STOPPED, "driver '%s' stopped", p->name);
		if (fds[0].revents)
			serve_request(p);
		if (p->ctl_eof && p->inproc_main)
			ik_proc_end(p, IK_END_CRASH, "driver '%s' thread ended", p->name);
		if (fds[1].revents) {
			/* Ended: serve what it sent last (a panic, an exit), then say how it ended. */
			while (!p->ended && serve_request(p))
				;
			reap(p);
		}
		if (!p->ended)
			ik_proc_server_events(p, fds + n, ns);
	}
	ik_proc_notify_dead(p);
	ik_proc_unlisten(p);
	return NULL;
}

/* ---- API ---------------------------------------------------------------------------------- */

static void default_name(char *out, size_t len, const char *path)
{
	char tmp[4096];
	char *base, *dot;

	snprintf(tmp, sizeof(tmp), "%s", path);
	base = basename(tmp);
	if ((dot = strchr(base, '.')))
		*dot = '\0';
	snprintf(out, len, "%s", base);
}

int ik_proc_create(const struct ik_proc_config *cfg, struct ik_proc **out, char *err, size_t errlen)
{
	struct ik_proc *p = calloc(1, sizeof(*p));
	const char *dir = cfg->runtime_dir ? cfg->runtime_dir : getenv(IK_RUNTIME_DIR_ENV);
	int r;

	if (!p)
		return -ENOMEM;
	p->t_create_ns = ik_proc_now_ns();
	p->log = cfg->log ? cfg->log : stderr;
	p->pid = -1;
	p->ctl_fd = p->pid_fd = p->boot_fd = p->listen_fd = -1;
	for (unsigned i = 0; i < PROC_MAX_PENDING; i++)
		p->pending_fds[i] = -1;
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		p->chans[i] = (struct proc_chan){.client_fd = -1, .mem_fd = -1, .done_fd = -1};
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (cfg->name)
		snprintf(p->name, sizeof(p->name), "%s", cfg->name);
	else
		default_name(p->name, sizeof(p->name), cfg->exe_path);
	snprintf(p->runtime_dir, sizeof(p->runtime_dir), "%s", dir ? dir : IK_RUNTIME_DIR_DEFAULT);
	p->serve = cfg->serve;
	p->hang_ms = cfg->hang_ms ? cfg->hang_ms : 1000;
	if (cfg->recovery && strlen(cfg->recovery) >= sizeof(p->recovery)) {
		r = -E2BIG;
		snprintf(err, errlen, "recovery spec too long");
		goto fail;
	}
	snprintf(p->recovery, sizeof(p->recovery), "%s", cfg->recovery ? cfg->recovery : "");
	p->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->kick_fd < 0 || p->wake_fd < 0) {
		r = -errno;
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	p->inproc_main = cfg->inproc_main;
	if (!p->inproc_main && access(cfg->exe_path, X_OK) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", cfg->exe_path, strerror(errno));
		goto fail;
	}
	/* The devices after the event page (their interrupts go there), before the driver runs:
	 * the boot info lists their ports for request_region(). */
	if ((r = boot_page(p, cfg, err, errlen)) ||
	    (r = ik_proc_devices_init(p, cfg->devices, cfg->ndevices, err, errlen)))
		goto fail;
	ik_devset_port_grants(&p->devs, p->bootinfo->port_grant, IK_MAX_PORT_GRANTS);
	if ((r = spawn(p, cfg->exe_path, cfg->cpu, err, errlen)))
		goto fail;
	if ((r = -pthread_create(&p->thread, NULL, service, p))) {
		snprintf(err, errlen, "pthread_create: %s", strerror(-r));
		goto fail;
	}
	p->thread_started = true;
	if (p->inproc_main)
		ik_proc_log(p, "driver '%s' started in this process, " IK_INPROC_ISOLATION_LABEL, p->name);
	else
		ik_proc_log(p, "driver '%s' started as process %d, " IK_PROC_ISOLATION_LABEL, p->name, (int)p->pid);
	*out = p;
	return 0;
fail:
	ik_proc_destroy(p);
	return r;
}

int ik_proc_wait_ready(struct ik_proc *p, int timeout_ms)
{
	struct timespec until;
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->lock);
	while (!p->ready && !p->ended && r == 0)
		r = timeout_ms < 0 ? pthread_cond_wait(&p->cond, &p->lock)
				   : pthread_cond_timedwait(&p->cond, &p->lock, &until);
	r = p->ready && !p->ended ? 0 : p->ended ? -EIO : -ETIMEDOUT;
	pthread_mutex_unlock(&p->lock);
	return r;
}

uint64_t ik_proc_boot_ns(const struct ik_proc *p)
{
	return p->boot_ns;
}

pid_t ik_proc_pid(const struct ik_proc *p)
{
	return p->pid;
}

int ik_proc_wait(struct ik_proc *p, struct ik_vm_result *res)
{
	pthread_mutex_lock(&p->lock);
	while (!p->ended)
		pthread_cond_wait(&p->cond, &p->lock);
	*res = p->result;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void ik_proc_stop(struct ik_proc *p)
{
	uint64_t one = 1;

	atomic_store(&p->stop_requested, true);
	if (write(p->wake_fd, &one, sizeof(one)) < 0)
		one = 0;
}

void ik_proc_destroy(struct ik_proc *p)
{
	if (!p)
		return;
	if (p->thread_started) {
		ik_proc_stop(p);
		pthread_join(p->thread, NULL);
	}
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	if (p->inproc_started)
		stop_inproc(p);
	ik_proc_server_close(p);
	ik_proc_devices_destroy(p); /* their timers use the event page and the kick */
	if (p->events)
		munmap((char *)p->events - IK_PAGE_SIZE, 2 * IK_PAGE_SIZE);
	int fds[] = {p->ctl_fd, p->pid_fd, p->boot_fd, p->kick_fd, p->wake_fd};
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}
