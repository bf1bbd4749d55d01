/* SPDX-License-Identifier: MIT */
/*
 * The monitor-lite (proc.h): starts a driver executable as a jailed Linux process and serves
 * its hypercalls (ikernel/proc_abi.h) and its clients (proc_server.c) on one service thread.
 *
 * The jail (docs/THREAT-MODEL.md, "isolation = process") is ours, applied between fork and exec
 * so that it binds whatever the executable does: the executable opened and checked (static
 * x86-64 ELF) by us, every descriptor closed except the three of the protocol, the parent-death
 * signal, no core dumps, no file writes, few descriptors, the unprivileged uid/gid 65534 with no
 * supplementary groups when we are root, no new processes, no_new_privs, and a seccomp filter
 * (read/write/close/sendmsg/recvmsg/ppoll/munmap, mmap/mprotect without PROT_EXEC, exit) whose
 * listener we hold; then an exec through the descriptor, which works from any directory. Every
 * step that fails is reported with its name and errno ("the jail" below).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ikernel/control.h"
#include "ikernel/ring.h"
#include "ctl_send.h"
#include "heartbeat.h"
#include "proc_internal.h"
#include "ikernel/proc_abi.h"

#define PROC_UID_NOBODY      65534

void ik_proc_log(struct ik_proc *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ik_dh_vlog(&p->dh, "ikernel: ", fmt, ap);
	va_end(ap);
}

/* End the driver (the first caller wins): record how, kill the process. The report is said
 * when the run is over (ik_dh_finish), as at the VM level. */
static bool proc_end_with(struct ik_proc *p, const struct ik_dh_end *e)
{
	pthread_mutex_lock(&p->lock);
	if (p->ended) {
		pthread_mutex_unlock(&p->lock);
		return false;
	}
	ik_dh_result_record(&p->result, e);
	p->ended = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	if (p->pid > 0)
		kill(p->pid, SIGKILL);
	return true;
}

void ik_proc_end(struct ik_proc *p, enum ik_vm_end end, const char *fmt, ...)
{
	char reason[sizeof(p->result.reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	proc_end_with(p, &(struct ik_dh_end){.end = end, .reason = reason});
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
		uint64_t t0 = ik_mono_ns(), c0 = rdtsc(), t1;

		while ((t1 = ik_mono_ns()) - t0 < 2000000)
			;
		khz = (rdtsc() - c0) * 1000000ull / (t1 - t0);
	}
	return khz;
}

/* ---- boot info -------------------------------------------------------------------------- */

static int boot_page(struct ik_proc *p, const struct ik_proc_config *cfg, char *err, size_t errlen)
{
	uint64_t mem = cfg->mem_size ? cfg->mem_size : IK_MEM_DEFAULT;
	struct ik_bootinfo *bi;

	if (ik_mem_size_check(mem, err, errlen))
		return -EINVAL;
	/* boot info, events, then guest RAM: the driver maps RAM from here, and so do we (device
	 * DMA, proc_devices.c) */
	p->boot_fd = memfd_create("ikernel-boot", MFD_CLOEXEC);
	if (p->boot_fd < 0 || ftruncate(p->boot_fd, (off_t)(IK_PROC_RAM_OFFSET + mem)) < 0)
		goto fail;
	bi = mmap(NULL, 2 * IK_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, p->boot_fd, 0);
	if (bi == MAP_FAILED)
		goto fail;
	p->bootinfo = bi;
	p->ram = mmap(NULL, mem, PROT_READ | PROT_WRITE, MAP_SHARED, p->boot_fd, IK_PROC_RAM_OFFSET);
	if (p->ram == MAP_FAILED) {
		p->ram = NULL;
		goto fail;
	}
	p->events = (struct ik_events *)((char *)bi + IK_PAGE_SIZE);
	p->mem_size = mem;
	return 0;
fail:
	snprintf(err, errlen, "boot page: %s", strerror(errno));
	return -errno;
}

/* The boot info, once the device models exist (their port ranges are in it): the layout of
 * the process's RAM and the clock here, the rest the core's (ik_dh_bootinfo). */
static void boot_info(struct ik_proc *p, const struct ik_proc_config *cfg)
{
	uint64_t stacks = (uint64_t)IK_MAX_THREADS * IK_STACK_STRIDE;
	uint64_t heap_end = IK_PROC_RAM_BASE + p->mem_size - stacks;

	ik_dh_bootinfo(&p->dh, p->bootinfo, &(struct ik_dh_boot){
		/* Port I/O is the IK_PROC_HC_PIO request here, not the IK_GPA_PIO window: no
		 * IK_FEAT_PIO. */
		.features = IK_FEAT_DOORBELL | IK_FEAT_IRQ | IK_FEAT_PORT_GRANTS | IK_FEAT_RING_SEQ |
			    IK_FEAT_PIO_STRING,
		.mem_size = p->mem_size,
		.heap_start = IK_PROC_RAM_BASE,
		.heap_end = heap_end,
		.stack_base = heap_end + IK_GUARD_SIZE,
		.stack_count = IK_MAX_THREADS,
		.tsc_khz = tsc_khz(),
		.spin_ns = cfg->spin_ns == (uint64_t)-1 ? IK_DH_SPIN_NS_DEFAULT : cfg->spin_ns,
		.devs = &p->devs,
		.events = p->events,
	});
}

/* ---- the jail ------------------------------------------------------------------------------ */

/*
 * Descriptors of the child between fork and exec. The executable and the status socket sit at
 * PROC_FD_LIMIT and above, where the driver can never have a descriptor: its RLIMIT_NOFILE is
 * PROC_FD_LIMIT (set after they are in place), and it may not raise it. Both are close-on-exec.
 */
#define PROC_FD_LIMIT  (16 + 3 * IK_MAX_CHANNELS)
#define PROC_EXEC_FD   PROC_FD_LIMIT
#define PROC_STATUS_FD (PROC_FD_LIMIT + 1)

/* What the child reports on its status socket: step 0 = jailed, about to exec (with the
 * filter's listener as SCM_RIGHTS, unless `kills`); otherwise the step that failed and errno.
 * A successful exec closes the socket (close-on-exec): end of file means "running". */
enum proc_step {
	STEP_JAILED = 0, STEP_FDS, STEP_PARENT, STEP_LIMITS, STEP_IDENTITY, STEP_NNP, STEP_FILTER,
	STEP_LISTENER, STEP_EXEC,
};
struct proc_status {
	int32_t step, err;
	int32_t kills; /* the fallback filter (no listener): violations are SIGSYS */
};

static const char *step_name(int32_t step)
{
	switch (step) {
	case STEP_FDS: return "setting up its descriptors";
	case STEP_PARENT: return "watching its parent";
	case STEP_LIMITS: return "setting its resource limits";
	case STEP_IDENTITY: return "dropping to uid/gid 65534";
	case STEP_NNP: return "setting no_new_privs";
	case STEP_FILTER: return "installing its seccomp filter";
	case STEP_LISTENER: return "handing over the filter's listener";
	case STEP_EXEC: return "executing it";
	default: return "an unknown step";
	}
}

/*
 * The driver's seccomp filter, built once per host process (libseccomp, before any fork: the
 * child between fork and exec only loads it). The allow-list is all the process runtime
 * (guest/runtime/platform_proc.c) needs:
 *   read, write, close        the request socket, the kick and done eventfds
 *   sendmsg, recvmsg          requests; new channels' fds (SCM_RIGHTS)
 *   ppoll                     the idle wait
 *   mmap, mprotect            never with PROT_EXEC: boot page, RAM, channels, guard pages
 *   munmap                    channels that close
 *   exit, exit_group, rt_sigreturn
 * Anything else, execve/execveat included, stops the process and notifies the monitor-lite
 * (SECCOMP_RET_USER_NOTIF): it ends the driver with a report naming the system call. The one
 * exception is the exec of the driver itself: the filter is installed in the child before
 * that exec (so it binds the driver whatever the executable does), the child's execveat is the
 * first notification, and the monitor-lite lets exactly that one continue
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE) before any driver code exists; any later exec is a
 * violation. The driver cannot stack a filter of its own (seccomp and prctl are not allowed),
 * so no listener of its own can override ours.
 * Fallback, when no listener can be had (another filter above us already has one: EBUSY; a
 * kernel without listeners): anything else kills the process (SIGSYS), and execveat is allowed
 * on the descriptor PROC_EXEC_FD with AT_EMPTY_PATH only, a descriptor the driver can never
 * hold. Weaker: an execveat with an absolute path passes that check (still under this filter,
 * uid and no_new_privs), and the report cannot name the system call.
 */
struct proc_filter {
	struct sock_filter *insns;
	unsigned short len;
};
static struct proc_filter filter_notify, filter_kill;
static char filter_err[256];
static pthread_once_t filter_once = PTHREAD_ONCE_INIT;

static int export_filter(bool notify, struct proc_filter *out)
{
	static const int allowed[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(close), SCMP_SYS(sendmsg), SCMP_SYS(recvmsg),
		SCMP_SYS(ppoll), SCMP_SYS(munmap), SCMP_SYS(exit), SCMP_SYS(exit_group),
		SCMP_SYS(rt_sigreturn),
	};
	scmp_filter_ctx ctx = seccomp_init(notify ? SCMP_ACT_NOTIFY : SCMP_ACT_KILL_PROCESS);
	struct stat st;
	int r = ctx ? 0 : -ENOMEM, fd = -1;

	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (size_t i = 0; !r && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!r && !notify)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(execveat), 2,
				     SCMP_A0(SCMP_CMP_EQ, PROC_EXEC_FD), SCMP_A4(SCMP_CMP_EQ, AT_EMPTY_PATH));
	if (!r && (fd = memfd_create("ikernel-filter", MFD_CLOEXEC)) < 0)
		r = -errno;
	if (!r)
		r = seccomp_export_bpf(ctx, fd);
	if (!r && (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
		   st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS))
		r = -EINVAL;
	if (!r && !(out->insns = malloc((size_t)st.st_size)))
		r = -ENOMEM;
	if (!r && pread(fd, out->insns, (size_t)st.st_size, 0) != st.st_size)
		r = -EIO;
	if (!r)
		out->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	if (fd >= 0)
		close(fd);
	if (ctx)
		seccomp_release(ctx);
	if (r)
		snprintf(filter_err, sizeof(filter_err), "cannot build the driver's seccomp filter (%s): %s",
			 notify ? "notify" : "kill", strerror(-r));
	return r;
}

static struct seccomp_notif_sizes notif_sizes;

static void build_filters(void)
{
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &notif_sizes) < 0)
		notif_sizes = (struct seccomp_notif_sizes){0};
	if (notif_sizes.seccomp_notif < sizeof(struct seccomp_notif))
		notif_sizes.seccomp_notif = sizeof(struct seccomp_notif);
	if (notif_sizes.seccomp_notif_resp < sizeof(struct seccomp_notif_resp))
		notif_sizes.seccomp_notif_resp = sizeof(struct seccomp_notif_resp);
	if (export_filter(true, &filter_notify) == 0)
		export_filter(false, &filter_kill);
}

/* A driver executable must be a static x86-64 ELF: the jail lets it open no file, so neither
 * an interpreter (PT_INTERP) nor a script could start. */
static int check_executable(struct ik_proc *p, int fd, const char *path, char *err, size_t errlen)
{
	Elf64_Ehdr eh;

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		snprintf(err, errlen, "driver '%s': cannot start %s: not an ELF executable (a driver "
			 "process is a static executable built with the process runtime)", p->dh.name, path);
		return -ENOEXEC;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phnum == 0 || eh.e_phnum > 64) {
		snprintf(err, errlen, "driver '%s': cannot start %s: not an x86-64 ELF executable", p->dh.name, path);
		return -ENOEXEC;
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph))) != (ssize_t)sizeof(ph)) {
			snprintf(err, errlen, "driver '%s': cannot start %s: truncated program headers", p->dh.name, path);
			return -ENOEXEC;
		}
		if (ph.p_type == PT_INTERP) {
			snprintf(err, errlen, "driver '%s': cannot start %s: dynamically linked, but a driver "
				 "process may open no file: it must be a static executable", p->dh.name, path);
			return -ENOEXEC;
		}
	}
	return 0;
}

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/*
 * The descriptor the child execs: the file itself, opened by us (so the jailed uid needs no
 * access to its directory). When we drop to uid 65534 and the file is not executable by others
 * (built under a umask of 027 or 077), a sealed memfd copy of it instead, as a VM image is read
 * by the monitor whatever its mode. Close-on-exec either way.
 */
static int open_executable(struct ik_proc *p, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), m, e;
	const char *base;
	off_t off = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		e = errno;
		snprintf(err, errlen, "driver '%s': cannot open %s: %s", p->dh.name, path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "driver '%s': cannot start %s: not a regular file", p->dh.name, path);
		close(fd);
		return -EACCES;
	}
	if (geteuid() != 0 || (st.st_mode & S_IXOTH))
		return fd;
	errno = 0;
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path; /* its name in ps: memfd:NAME */
	m = memfd_create(base, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (m < 0 && errno == EINVAL) /* before Linux 6.3: no MFD_EXEC, memfds are executable */
		m = memfd_create(base, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	while (m >= 0 && off < st.st_size)
		if (sendfile(m, fd, &off, (size_t)(st.st_size - off)) <= 0)
			break;
	if (m < 0 || off != st.st_size ||
	    fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		e = errno ? errno : EIO;
		snprintf(err, errlen, "driver '%s': %s is not executable by uid 65534 (mode %04o) and "
			 "cannot be copied for it: %s", p->dh.name, path, (unsigned)(st.st_mode & 07777), strerror(e));
		if (m >= 0)
			close(m);
		close(fd);
		return -e;
	}
	close(fd);
	ik_proc_log(p, "driver '%s': %s is not executable by others (mode %04o): running a sealed copy",
		    p->dh.name, path, (unsigned)(st.st_mode & 07777));
	return m;
}

/* In the child between fork and exec: async-signal-safe calls only. */
_Noreturn static void child_fail(int status_fd, int32_t step)
{
	struct proc_status s = {.step = step, .err = errno};

	if (write(status_fd, &s, sizeof(s)) < 0)
		s.err = 0;
	_exit(127);
}

static int send_status(int fd, const struct proc_status *s, int pass_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = (void *)s, .iov_len = sizeof(*s)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(*s) ? 0 : -1;
}

/*
 * The jail, in order; any failure is reported on the status socket with its step and errno:
 *   descriptors  the three of the protocol at 3, 4, 5; the executable and the status socket
 *                (close-on-exec) at PROC_EXEC_FD and PROC_STATUS_FD; all others closed
 *   parent       SIGKILL when the monitor-lite's thread that started us ends
 *   limits       no core dumps, no file writes, PROC_FD_LIMIT descriptors, no new processes
 *   identity     uid/gid 65534 and no supplementary groups when we are root (the executable
 *                was opened before, by the monitor-lite: it runs from any directory); no
 *                ambient capabilities
 *   no_new_privs, then the seccomp filter (build_filters()), then exec through the descriptor.
 */
_Noreturn static void child_exec(const char *path, int exe, int status, int ctl, int kick, int boot, int cpu,
				  pid_t parent)
{
	char *const argv[] = {(char *)path, NULL}, *const envp[] = {NULL};
	struct rlimit none = {0, 0}, fds = {PROC_FD_LIMIT, PROC_FD_LIMIT};
	struct proc_status s = {.step = STEP_JAILED};
	struct sock_fprog prog = {.len = filter_notify.len, .filter = filter_notify.insns};
	int hi = PROC_STATUS_FD + 1;
	int st = fcntl(status, F_DUPFD_CLOEXEC, hi);
	int a = fcntl(ctl, F_DUPFD_CLOEXEC, hi), b = fcntl(kick, F_DUPFD_CLOEXEC, hi);
	int c = fcntl(boot, F_DUPFD_CLOEXEC, hi), e = fcntl(exe, F_DUPFD_CLOEXEC, hi);
	long listener;

	if (st < 0)
		child_fail(status, STEP_FDS);
	if (a < 0 || b < 0 || c < 0 || e < 0 || dup3(st, PROC_STATUS_FD, O_CLOEXEC) < 0)
		child_fail(st, STEP_FDS);
	if (dup2(a, IK_PROC_FD_CTL) < 0 || dup2(b, IK_PROC_FD_KICK) < 0 || dup2(c, IK_PROC_FD_BOOT) < 0 ||
	    dup3(e, PROC_EXEC_FD, O_CLOEXEC) < 0)
		child_fail(PROC_STATUS_FD, STEP_FDS);
	close(0), close(1), close(2);
	if (syscall(SYS_close_range, IK_PROC_FD_BOOT + 1, PROC_EXEC_FD - 1, 0) < 0 ||
	    syscall(SYS_close_range, PROC_STATUS_FD + 1, ~0u, 0) < 0)
		child_fail(PROC_STATUS_FD, STEP_FDS);
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		child_fail(PROC_STATUS_FD, STEP_PARENT);
	if (getppid() != parent) /* it ended before the line above */
		_exit(127);
	if (setrlimit(RLIMIT_CORE, &none) < 0 || setrlimit(RLIMIT_FSIZE, &none) < 0 ||
	    setrlimit(RLIMIT_NOFILE, &fds) < 0)
		child_fail(PROC_STATUS_FD, STEP_LIMITS);
	if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(PROC_UID_NOBODY, PROC_UID_NOBODY, PROC_UID_NOBODY) < 0 ||
			       setresuid(PROC_UID_NOBODY, PROC_UID_NOBODY, PROC_UID_NOBODY) < 0))
		child_fail(PROC_STATUS_FD, STEP_IDENTITY);
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (setrlimit(RLIMIT_NPROC, &none) < 0)
		child_fail(PROC_STATUS_FD, STEP_LIMITS);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(PROC_STATUS_FD, STEP_NNP);
	listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (listener < 0 && (errno == EBUSY || errno == EINVAL)) {
		prog = (struct sock_fprog){.len = filter_kill.len, .filter = filter_kill.insns};
		s.kills = 1;
		s.err = errno; /* why there is no listener */
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			child_fail(PROC_STATUS_FD, STEP_FILTER);
	} else if (listener < 0) {
		child_fail(PROC_STATUS_FD, STEP_FILTER);
	}
	/* From here on only what the filter allows: sendmsg, close, write, exit_group, and the one
	 * execveat the monitor-lite lets through. */
	if (send_status(PROC_STATUS_FD, &s, (int)listener) < 0)
		child_fail(PROC_STATUS_FD, STEP_LISTENER);
	if (listener >= 0)
		close((int)listener); /* the driver must never hold its own filter's listener */
	syscall(SYS_execveat, PROC_EXEC_FD, "", argv, envp, AT_EMPTY_PATH);
	child_fail(PROC_STATUS_FD, STEP_EXEC);
}

/* Receive one status message (and a passed fd); 0 at end of file, -1 on timeout or error. */
static ssize_t recv_status(int fd, struct proc_status *s, int *passed, int timeout_ms)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = s, .iov_len = sizeof(*s)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	struct cmsghdr *cm;
	ssize_t n;

	*passed = -1;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	for (cm = CMSG_FIRSTHDR(&msg); n > 0 && cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(passed, CMSG_DATA(cm), sizeof(int));
	return n;
}

/* One notification from the filter's listener into *n (notif_sizes.seccomp_notif bytes). */
static int notif_recv(int fd, struct seccomp_notif *n)
{
	memset(n, 0, notif_sizes.seccomp_notif);
	return ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, n);
}

#define PROC_START_MS 10000 /* fork to exec: a few system calls */

/* The child's start, seen from the parent: jailed, its exec let through, exec done. */
static int await_exec(struct ik_proc *p, int status, const char *exe, char *err, size_t errlen)
{
	struct proc_status s;
	int listener = -1, r = -EIO;
	ssize_t n = recv_status(status, &s, &listener, PROC_START_MS);

	if (n == (ssize_t)sizeof(s) && s.step == STEP_JAILED && (listener >= 0) != !!s.kills) {
		if (s.kills)
			ik_proc_log(p, "driver '%s': its seccomp filter can have no listener here (%s): a "
				       "forbidden system call kills it with SIGSYS (the report cannot name it), "
				       "and an exec is refused by its descriptor only", p->dh.name, strerror(s.err));
		if (listener >= 0) {
			struct seccomp_notif *nt = calloc(1, notif_sizes.seccomp_notif);
			struct seccomp_notif_resp *rs = calloc(1, notif_sizes.seccomp_notif_resp);
			struct pollfd pfd = {.fd = listener, .events = POLLIN};

			/* The first notification is the child's execveat of the driver: no driver code
			 * exists yet, so nothing can have changed its arguments. */
			if (!nt || !rs || poll(&pfd, 1, PROC_START_MS) != 1 || !(pfd.revents & POLLIN) ||
			    notif_recv(listener, nt) < 0 || nt->data.nr != SYS_execveat ||
			    nt->data.arch != AUDIT_ARCH_X86_64 || nt->data.args[0] != PROC_EXEC_FD) {
				snprintf(err, errlen, "driver '%s': cannot start %s: its jailed child did not "
					 "reach the exec", p->dh.name, exe);
			} else {
				rs->id = nt->id;
				rs->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
				if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, rs) < 0)
					snprintf(err, errlen, "driver '%s': cannot start %s: letting its exec "
						 "through: %s", p->dh.name, exe, strerror(errno));
				else
					r = 0;
			}
			free(nt);
			free(rs);
			if (r) {
				close(listener);
				return r;
			}
			r = -EIO;
		}
		n = recv_status(status, &s, &(int){-1}, PROC_START_MS);
	}
	if (n == 0) { /* end of file: exec done (the socket was close-on-exec) */
		p->notify_fd = listener;
		return 0;
	}
	if (listener >= 0)
		close(listener);
	if (n == (ssize_t)sizeof(s) && s.step != STEP_JAILED) {
		bool dropped = geteuid() == 0;

		snprintf(err, errlen, "driver '%s': cannot start %s: %s failed: %s%s", p->dh.name, exe,
			 step_name(s.step), strerror(s.err),
			 s.step == STEP_EXEC && s.err == EACCES && dropped
				 ? " (as uid 65534; a noexec mount or a security module?)"
				 : "");
		return -(s.err ? s.err : EIO);
	}
	snprintf(err, errlen, "driver '%s': cannot start %s: its jailed child %s", p->dh.name, exe,
		 n < 0 ? "did not answer within 10 s" : "ended before the exec");
	return r;
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
		__atomic_or_fetch(&p->events->attention, IK_ATTN_FETCH, __ATOMIC_SEQ_CST);
	if (write(p->kick_fd, &one, sizeof(one)) < 0)
		one = 0;
	pthread_join(p->inproc_thread, NULL);
	p->inproc_started = false;
	close(p->inproc_ctl);
	munmap((void *)(uintptr_t)IK_PROC_RAM_BASE, p->mem_size);
	munmap((void *)(uintptr_t)IK_GPA_CHAN_BASE, (size_t)IK_MAX_CHANNELS * IK_CHAN_STRIDE);
	atomic_store(&inproc_busy, false);
}

/* Open and check the driver executable (as whoever started us: the jailed child, which may
 * not be able to reach it, execs this descriptor), then fork the jailed child and wait for its
 * exec. */
static int spawn(struct ik_proc *p, const char *exe, int cpu, char *err, size_t errlen)
{
	int sv[2], st[2], exe_fd, r;
	pid_t self = getpid();

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -errno;
	}
	if (p->inproc_main) {
		p->ctl_fd = sv[0];
		return spawn_inproc(p, sv[1], cpu, err, errlen);
	}
	p->ctl_fd = sv[0];
	pthread_once(&filter_once, build_filters);
	if (!filter_kill.len) {
		close(sv[1]);
		snprintf(err, errlen, "driver '%s': %s", p->dh.name, filter_err);
		return -EINVAL;
	}
	if ((exe_fd = open_executable(p, exe, err, errlen)) < 0) {
		close(sv[1]);
		return exe_fd;
	}
	if ((r = check_executable(p, exe_fd, exe, err, errlen)))
		goto out;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, st) < 0) {
		r = -errno;
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		goto out;
	}
	p->pid = fork();
	if (p->pid == 0)
		child_exec(exe, exe_fd, st[1], sv[1], p->kick_fd, p->boot_fd, cpu, self);
	close(st[1]);
	if (p->pid < 0) {
		r = -errno;
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(st[0]);
		goto out;
	}
	r = await_exec(p, st[0], exe, err, errlen);
	close(st[0]);
	if (!r && (p->pid_fd = (int)syscall(SYS_pidfd_open, p->pid, 0)) < 0) {
		r = -errno;
		snprintf(err, errlen, "pidfd_open: %s", strerror(errno));
	}
out:
	close(sv[1]);
	close(exe_fd);
	return r;
}

/* ---- hypercalls --------------------------------------------------------------------------- */

static void reply(struct ik_proc *p, const void *args, size_t len, const int *fds, unsigned nfds)
{
	struct ik_proc_reply *r = &p->rep; /* its payload is already in place (proc_store) */
	size_t n = offsetof(struct ik_proc_reply, payload) + p->rep_len;
	int err;

	memset(r, 0, offsetof(struct ik_proc_reply, payload));
	r->nfds = nfds;
	r->version = IK_PROC_ABI_VERSION;
	r->features = IK_PROC_FEATURES;
	memcpy(r->args, args, len);
	p->rep_len = 0;
	if ((err = ik_send_fds(p->ctl_fd, r, n, fds, nfds, 0)))
		ik_proc_end(p, IK_END_CRASH, "driver '%s': reply failed: %s", p->dh.name, strerror(-err));
}

/*
 * The process backend of the driver-host core (drvhost.h). A request carries the call's
 * argument struct as the VM would pass it; the guest addresses in it mean nothing here, so the
 * buffers they point to come as the request's payload, in the order the core fetches them
 * (ikernel/proc_abi.h). ops->fetch takes the next bytes of the payload.
 */
static int proc_fetch(void *be, uint64_t gpa, void *out, uint64_t len)
{
	struct ik_proc *p = be;

	(void)gpa;
	if (len > p->req_len - p->req_off)
		return -EFAULT;
	memcpy(out, p->req_payload + p->req_off, len);
	p->req_off += (uint32_t)len;
	return 0;
}

/* The reply's payload: the bytes of an input string (one per request, at most its size). */
static int proc_store(void *be, uint64_t gpa, const void *data, uint64_t len)
{
	struct ik_proc *p = be;

	(void)gpa;
	if (len > sizeof(p->rep.payload))
		return -EFAULT;
	memcpy(p->rep.payload, data, len);
	p->rep_len = (uint32_t)len;
	return 0;
}

static int proc_fetch_str(void *be, uint64_t gpa, char *out, size_t max)
{
	struct ik_proc *p = be;
	size_t left = p->req_len - p->req_off, n = strnlen(p->req_payload + p->req_off, left);

	(void)gpa;
	if (n == left || n >= max) /* no NUL in the payload, or too long */
		return -1;
	memcpy(out, p->req_payload + p->req_off, n + 1);
	p->req_off += (uint32_t)n + 1;
	return (int)n;
}

static bool proc_end(void *be, const struct ik_dh_end *e)
{
	return proc_end_with(be, e);
}

/* The process sleeps on its kick eventfd by itself: IK_HC_WAIT only fetches the events (and
 * the descriptors of new channels, which the reply carries). */
static int proc_wait(void *be, struct ik_hc_wait *w)
{
	struct ik_proc *p = be;

	if (w->timeout_ns)
		return ik_dh_violation(&p->dh, IK_HC_WAIT, "a timeout at isolation=process (the driver "
				       "sleeps on its kick eventfd itself)");
	w->irqs = ik_dh_irq_fetch(&p->dh);
	w->chan_opened = p->pending_opened;
	w->chan_closing = p->pending_closing;
	p->pending_opened = p->pending_closing = 0;
	return 0;
}

static enum ik_dh_chan proc_chan_released(void *be, unsigned chan)
{
	return ik_proc_chan_released(be, chan);
}

static const struct ik_dh_ops proc_dh_ops = {
	.fetch = proc_fetch,
	.store = proc_store,
	.fetch_str = proc_fetch_str,
	.end = proc_end,
	.wait = proc_wait,
	.chan_released = proc_chan_released,
};

static void dispatch(struct ik_proc *p, const struct ik_proc_msg *m);

/* The exit profile's cause of a request: a port or MMIO access as a VM's exit would be, else
 * the hypercall (read only to count: the request is checked when it is served). */
static void profile_request(struct ik_proc *p, const struct ik_proc_msg *m, size_t n)
{
	const size_t hdr = offsetof(struct ik_proc_msg, payload);

	if (!p->profile || n < hdr)
		return;
	if (m->nr == IK_PROC_HC_PIO) {
		struct ik_proc_pio io;

		memcpy(&io, m->args, sizeof(io));
		ik_exit_profile_count(p->profile, io.write ? IK_EXIT_PORT_WRITE : IK_EXIT_PORT_READ,
				      io.port);
	} else if (m->nr == IK_PROC_HC_MMIO) {
		struct ik_proc_mmio io;

		memcpy(&io, m->args, sizeof(io));
		ik_exit_profile_count(p->profile, io.write ? IK_EXIT_MMIO_WRITE : IK_EXIT_MMIO_READ,
				      io.addr);
	} else {
		ik_exit_profile_count(p->profile, IK_EXIT_HYPERCALL, m->nr);
	}
}

/* Serve one request; false when there was none (nothing queued, or the socket closed). */
static bool serve_request(struct ik_proc *p)
{
	/* Per call, never static: every driver of this process has its own service thread (the
	 * bench runs a thousand), and a shared buffer let one thread serve another's request. */
	struct ik_proc_msg m;
	ssize_t n = recv(p->ctl_fd, &m, sizeof(m), MSG_DONTWAIT);

	if (n == 0)
		p->ctl_eof = true;
	if (n <= 0)
		return false; /* nothing, or the process ended: the pidfd tells how */
	atomic_fetch_add(&p->requests, 1);
	profile_request(p, &m, (size_t)n);
	ik_proc_serve_msg(p, &m, (size_t)n);
	return true;
}

void ik_proc_serve_msg(struct ik_proc *p, const struct ik_proc_msg *m, size_t n)
{
	const size_t hdr = offsetof(struct ik_proc_msg, payload);

	if (n < hdr || m->payload_len != n - hdr)
		ik_dh_violation(&p->dh, 0, "malformed request (%zu bytes)", n);
	else if (m->version != IK_PROC_ABI_VERSION)
		ik_dh_violation(&p->dh, 0, "request of protocol version %u (this monitor speaks "
				"version %u, include/ikernel/proc_abi.h)", m->version, IK_PROC_ABI_VERSION);
	else if (m->reserved)
		ik_dh_violation(&p->dh, 0, "request with reserved field 0x%x set", m->reserved);
	else
		dispatch(p, m);
}

/* m is our own copy (received from the socket, not shared with the driver): no second copy. */
static void dispatch(struct ik_proc *p, const struct ik_proc_msg *m)
{
	_Alignas(16) uint8_t args[IK_PROC_ARGS_MAX];
	int fds[2 * IK_MAX_CHANNELS];
	unsigned nfds = 0;
	size_t size;

	if (m->nr == IK_PROC_HC_PIO) {
		struct ik_proc_pio io;
		memcpy(&io, m->args, sizeof(io));
		if (ik_proc_pio(p, &io) == 0)
			reply(p, &io, sizeof(io), NULL, 0);
		return;
	}
	if (m->nr == IK_PROC_HC_MMIO) {
		struct ik_proc_mmio io;
		memcpy(&io, m->args, sizeof(io));
		if (ik_proc_mmio(p, &io) == 0)
			reply(p, &io, sizeof(io), NULL, 0);
		return;
	}
	if (!(size = ik_dh_args_size(m->nr))) {
		ik_dh_unknown(&p->dh, m->nr);
		return;
	}
	memcpy(args, m->args, sizeof(args));
	p->req_payload = m->payload;
	p->req_len = m->payload_len;
	p->req_off = 0;
	if (ik_dh_hypercall(&p->dh, m->nr, args))
		return; /* the driver is being ended: no answer */
	if (m->nr == IK_HC_WAIT) {
		uint64_t opened = ((struct ik_hc_wait *)(void *)args)->chan_opened;

		for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++) {
			if (opened & (1ull << ch)) {
				fds[nfds++] = p->chans[ch].mem_fd;
				fds[nfds++] = p->chans[ch].done_fd;
			}
		}
	}
	reply(p, args, size, fds, nfds);
}

static void reap(struct ik_proc *p)
{
	int status = 0;

	if (waitpid(p->pid, &status, 0) != p->pid)
		return;
	p->pid = -1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: a system call its seccomp "
			    "filter does not allow (killed by SIGSYS)", p->dh.name);
	else if (WIFSIGNALED(status))
		ik_proc_end(p, IK_END_CRASH, "driver '%s' crashed: killed by signal %d (%s)", p->dh.name,
			    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		ik_proc_end(p, IK_END_CRASH, "driver '%s' process exited with status %d", p->dh.name,
			    WEXITSTATUS(status));
}

/* A notification from the driver's filter: a system call outside its allow-list (a second exec
 * included). The process waits in it until we end it. */
static void serve_violation(struct ik_proc *p, short revents)
{
	struct seccomp_notif *n;
	char *name;

	if (!(revents & POLLIN)) { /* POLLHUP: no process under the filter any more */
		close(p->notify_fd);
		p->notify_fd = -1;
		return;
	}
	if (!(n = calloc(1, notif_sizes.seccomp_notif)))
		return;
	if (notif_recv(p->notify_fd, n) == 0) {
		name = n->data.arch == AUDIT_ARCH_X86_64 ? seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, (int)n->data.nr) : NULL;
		ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: system call %s (%d) with arguments "
			    "0x%llx, 0x%llx, 0x%llx at 0x%llx is not allowed at isolation=process", p->dh.name,
			    name ? name : "?", (int)n->data.nr, (unsigned long long)n->data.args[0],
			    (unsigned long long)n->data.args[1], (unsigned long long)n->data.args[2],
			    (unsigned long long)n->data.instruction_pointer);
		free(name);
	}
	free(n);
}

/* ---- the hang watchdog -------------------------------------------------------------------- */

#define PROC_WATCH_MS 50 /* how often the service thread looks at the heartbeat */

/* CPU time the driver process has used (utime + stime of /proc/PID/stat), in ns; 0 if unknown.
 * The hang watchdog's clock, as the vCPU thread's CPU time is a VM's (watchdog.c): a process
 * waiting for a CPU on a loaded host, or blocked in a call, uses none. */
static uint64_t process_cpu_ns(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long utime, stime;
	long tick = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || tick <= 0)
		return 0;
	buf[n] = '\0';
	const char *rest = strrchr(buf, ')'); /* the name may contain anything but not ") " last */
	/* after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime stime (fields 3..15) */
	if (!rest || sscanf(rest + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			    &utime, &stime) != 2)
		return 0;
	return (utime + stime) * (1000000000ull / (unsigned long long)tick);
}

/* The hang watchdog of a driver process: the core's rule (hang.c) fed with the runtime's
 * heartbeat and the process's CPU time (a process sleeps on its kick eventfd without any). */
static void watchdog_tick(struct ik_proc *p)
{
	uint64_t hb = __atomic_load_n(&p->events->heartbeat, __ATOMIC_RELAXED);
	char reason[160];

	if (p->inproc_main || p->pid <= 0 || p->ended)
		return;
	if (!ik_dh_hang_tick(&p->wd, hb, false, process_cpu_ns(p->pid), p->hang_ms))
		return;
	ik_dh_hang_reason(&p->dh, p->hang_ms, reason, sizeof(reason));
	ik_proc_end(p, IK_END_HANG, "%s (process %d)", reason, (int)p->pid);
}

/* ---- the service thread ------------------------------------------------------------------ */

static void *service(void *arg)
{
	struct ik_proc *p = arg;
	struct pollfd fds[5 + IK_DOOR_PENDING_MAX + IK_MAX_CHANNELS];
	struct ik_vm_result res;

	while (p->pid > 0 || (p->inproc_main && !p->ended)) {
		unsigned n = 0, ns;

		fds[n++] = (struct pollfd){.fd = p->ctl_fd, .events = POLLIN};
		fds[n++] = (struct pollfd){.fd = p->pid_fd, .events = POLLIN}; /* -1 (ignored) inproc */
		fds[n++] = (struct pollfd){.fd = p->wake_fd, .events = POLLIN};
		fds[n++] = (struct pollfd){.fd = p->notify_fd, .events = POLLIN}; /* -1: none */
		ns = ik_proc_server_pollfds(p, fds + n, 1 + IK_DOOR_PENDING_MAX + IK_MAX_CHANNELS);
		/* inproc: no watchdog to tick, but a hello deadline while a connection waits */
		bool tick = !p->inproc_main || ik_door_waiting(&p->dh.door);
		if (poll(fds, n + ns, tick ? PROC_WATCH_MS : -1) < 0 && errno != EINTR)
			break;
		watchdog_tick(p);
		if (!p->inproc_main)
			ik_heartbeat_beat(ik_mono_ns(), 0, atomic_load_explicit(&p->requests, memory_order_relaxed),
					  ik_dh_irqs_delivered(&p->dh)); /* alive: for the supervisor (heartbeat.h) */
		if (atomic_load(&p->stop_requested))
			ik_proc_end(p, IK_END_STOPPED, "driver '%s' stopped", p->dh.name);
		if (fds[3].revents && !p->ended)
			serve_violation(p, fds[3].revents);
		if (fds[0].revents)
			serve_request(p);
		if (p->ctl_eof && p->inproc_main)
			ik_proc_end(p, IK_END_CRASH, "driver '%s' thread ended", p->dh.name);
		if (fds[1].revents) {
			/* Ended: serve what it sent last (a panic, an exit), then say how it ended. */
			while (!p->ended && serve_request(p))
				;
			reap(p);
		}
		if (!p->ended)
			ik_proc_server_events(p, fds + n, ns);
		ik_door_expire(&p->dh.door, ik_mono_ns()); /* after the events: they name fds */
	}
	ik_proc_notify_dead(p);
	ik_proc_unlisten(p);
	pthread_mutex_lock(&p->lock);
	res = p->result;
	pthread_mutex_unlock(&p->lock);
	ik_exit_profile_report(p->profile, &p->dh);
	p->profile = NULL;
	ik_dh_finish(&p->dh, &res); /* when serving: the end report, then "... its name is free" */
	return NULL;
}

/* ---- API ---------------------------------------------------------------------------------- */

int ik_proc_prepare(const struct ik_proc_config *cfg, struct ik_proc **out, char *err,
		    size_t errlen)
{
	struct ik_proc *p = calloc(1, sizeof(*p));
	uint64_t t0 = ik_mono_ns();
	int r;

	if (!p)
		return -ENOMEM;
	p->pid = -1;
	p->ctl_fd = p->pid_fd = p->boot_fd = p->notify_fd = -1;
	p->kick_fd = p->wake_fd = p->dh.listen_fd = -1;
	p->dh.log = cfg->log ? cfg->log : stderr; /* until ik_dh_init */
	ik_door_init(&p->dh.door);
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		p->chans[i] = (struct proc_chan){.client_fd = -1, .mem_fd = -1, .done_fd = -1};
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->hang_ms = cfg->hang_ms ? cfg->hang_ms : IK_DH_HANG_MS_DEFAULT;
	/* The core takes the name (or the executable's file name without its extension), the
	 * parameters, the recovery spec and, when serving, checks the name is free. */
	r = ik_dh_init(&p->dh, &(struct ik_dh_config){
		.name = cfg->name,
		.path = cfg->exe_path,
		.log = cfg->log,
		.serve = cfg->serve,
		.runtime_dir = cfg->runtime_dir,
		.params = cfg->params,
		.recovery = cfg->recovery,
		.log_budget = &cfg->log_budget,
		.decls = cfg->nodes,
		.ndecls = cfg->nnodes,
		.node_mode = cfg->node_mode,
		.netifs = cfg->netifs,
		.nnetifs = cfg->nnetifs,
		.t_create_ns = t0,
		.level = cfg->inproc_main ? IK_STATUS_LEVEL_INPROC : IK_STATUS_LEVEL_PROCESS,
		.fallback_why = cfg->fallback_why,
		.ops = &proc_dh_ops,
		.be = p,
		.lock = &p->lock,
		.cond = &p->cond,
		.devs = &p->devs,
	}, err, errlen);
	if (r)
		goto fail;
	p->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->kick_fd < 0 || p->wake_fd < 0) {
		r = -errno;
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	p->inproc_main = cfg->inproc_main;
	/* The devices after the event page (their interrupts go there), before the driver runs:
	 * the boot info lists their ports for request_region(). */
	if ((r = boot_page(p, cfg, err, errlen)) ||
	    (r = ik_proc_devices_init(p, cfg->devices, cfg->ndevices, err, errlen)))
		goto fail;
	boot_info(p, cfg);
	*out = p;
	return 0;
fail:
	ik_proc_destroy(p);
	return r;
}

int ik_proc_create(const struct ik_proc_config *cfg, struct ik_proc **out, char *err, size_t errlen)
{
	struct ik_proc *p;
	int r = ik_proc_prepare(cfg, &p, err, errlen);

	if (r)
		return r;
	if ((r = spawn(p, cfg->exe_path, cfg->cpu, err, errlen)))
		goto fail;
	p->profile = ik_exit_profile_new(); /* before the sandbox: it reads the environment */
	if ((r = -pthread_create(&p->thread, NULL, service, p))) {
		snprintf(err, errlen, "pthread_create: %s", strerror(-r));
		goto fail;
	}
	p->thread_started = true;
	if (getenv("IKERNEL_GUEST_PROFILE") && strcmp(getenv("IKERNEL_GUEST_PROFILE"), "0"))
		ik_proc_log(p, "driver '%s': IKERNEL_GUEST_PROFILE samples a driver VM only; "
			    "a driver process is profiled with perf(1)", p->dh.name);
	if (p->inproc_main)
		ik_proc_log(p, "driver '%s' started in this process, " IK_INPROC_ISOLATION_LABEL, p->dh.name);
	else
		ik_proc_log(p, "driver '%s' started as process %d, " IK_PROC_ISOLATION_LABEL, p->dh.name, (int)p->pid);
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
	while (!p->dh.ready && !p->ended && r == 0)
		r = timeout_ms < 0 ? pthread_cond_wait(&p->cond, &p->lock)
				   : pthread_cond_timedwait(&p->cond, &p->lock, &until);
	r = p->dh.ready && !p->ended ? 0 : p->ended ? -EIO : -ETIMEDOUT;
	pthread_mutex_unlock(&p->lock);
	return r;
}

uint64_t ik_proc_boot_ns(const struct ik_proc *p)
{
	return p->dh.boot_ns;
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
	res->exits = atomic_load(&p->requests);
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
	ik_dh_release(&p->dh);
	ik_proc_server_close(p);
	ik_proc_devices_destroy(p); /* their timers use the event page and the kick */
	if (p->events)
		munmap((char *)p->events - IK_PAGE_SIZE, 2 * IK_PAGE_SIZE);
	if (p->ram)
		munmap(p->ram, p->mem_size);
	int fds[] = {p->ctl_fd, p->pid_fd, p->boot_fd, p->kick_fd, p->wake_fd, p->notify_fd};
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p->profile); /* NULL once reported */
	free(p);
}
