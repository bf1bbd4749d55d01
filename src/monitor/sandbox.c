/* SPDX-License-Identifier: MIT */
/*
 * The monitor's sandbox (docs/THREAT-MODEL.md, "The monitor process"). A monitor serves one
 * driver VM; if a guest ever found a bug in it (or in KVM's user-space interface), the process
 * it would own must be able to do as little as possible. Entered by ik_vm_run() on the vCPU
 * thread just before the first KVM_RUN, when the configuration asks for it (`ikernel run` does
 * unless --no-sandbox), after every fd the VM needs is open. In order:
 *   1. file descriptors: every fd inherited across exec (>= 3, not close-on-exec) is closed;
 *      the monitor opens all of its own with O_CLOEXEC, and the log's fd is kept;
 *   2. resource limits: no core dumps (guest memory must not land on disk), a small fd budget
 *      (every channel costs three), no new processes;
 *   3. identity: with a user name and when started as root, switch to that user (groups, gid,
 *      uid); otherwise stay, but with every capability dropped (bounding, ambient, effective,
 *      permitted, inheritable) and no_new_privs set;
 *   4. seccomp: an allow-list (libseccomp) for every thread of the process (TSYNC); anything
 *      else kills the whole process (SIGSYS). mmap/mprotect may not make memory executable,
 *      socket() only makes AF_UNIX sockets, ioctl() only issues the requests listed.
 * The list and the reason for each entry are in THREAT-MODEL.md; keep both in step.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/sockios.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sandbox.h"

#if defined(__SANITIZE_ADDRESS__)
#define IK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IK_SANITIZED 1
#endif
#endif

/* Plain system calls the running monitor makes (vCPU, control and device-ticker threads). */
static const int allowed[] = {
	/* I/O on fds it already holds: eventfds, the log, sockets, the cmos backing file */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
	SCMP_SYS(pwrite64), SCMP_SYS(lseek), SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(close),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(fcntl),
	/* waiting: guest sleeps (IK_HC_WAIT), the control loop, locks, device timers */
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(futex), SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(sched_yield),
	SCMP_SYS(restart_syscall),
	/* memory: malloc, channel regions (memfd + MAP_SHARED); mmap/mprotect are checked below */
	SCMP_SYS(munmap), SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(mremap),
	/* channels: a memfd and a done eventfd per client */
	SCMP_SYS(memfd_create), SCMP_SYS(ftruncate), SCMP_SYS(eventfd2),
	/* clients: the listening socket (created at IK_HC_READY), handshake with SCM_RIGHTS */
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept4), SCMP_SYS(connect), SCMP_SYS(sendmsg),
	SCMP_SYS(sendto), SCMP_SYS(recvmsg), SCMP_SYS(recvfrom), SCMP_SYS(shutdown),
	SCMP_SYS(getsockopt), /* SO_PEERCRED/SO_PEERGROUPS of a client (door.c, inject.c) */
	SCMP_SYS(setsockopt), /* the host-interface relay's handshake timeout (a Unix socket) */
	/* the rendezvous directory: socket file and node links, created at READY, removed at end */
	SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(symlink),
	SCMP_SYS(symlinkat), SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(chmod),
	SCMP_SYS(fchmodat), SCMP_SYS(stat), SCMP_SYS(lstat),
	/* signals: the vCPU kick (tgkill + handler), SIGINT/SIGTERM handlers, masks */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(tgkill), SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	/* a thread created just before the filter (control, device ticker) may still be starting:
	 * glibc registers its rseq area and robust futex list first thing */
	SCMP_SYS(rseq), SCMP_SYS(set_robust_list),
	/* glibc's malloc seeds a thread's first arena with getrandom (the host-interface relay's
	 * threads allocate after the filter): no side effect, nothing reachable */
	SCMP_SYS(getrandom),
	/* the end */
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

#ifdef IK_SANITIZED
/* ASan/UBSan/LSan runtimes (sanitizer builds only): leak check at exit stops the world with a
 * ptrace-ing helper task and reads /proc; reports write through their own paths. The helper
 * task is a clone() sharing our memory (CLONE_VM), allowed in add_rules(); a fork is not. */
static const int allowed_sanitizer[] = {
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(getdents64), SCMP_SYS(getdents), SCMP_SYS(ptrace),
	SCMP_SYS(wait4), SCMP_SYS(prctl), SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigaction),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(getppid), SCMP_SYS(process_vm_readv),
	SCMP_SYS(kill), SCMP_SYS(tkill), SCMP_SYS(pipe2), SCMP_SYS(dup2), SCMP_SYS(dup),
	SCMP_SYS(getrlimit), SCMP_SYS(prlimit64), SCMP_SYS(access), SCMP_SYS(mincore),
	SCMP_SYS(sysinfo), SCMP_SYS(uname),
};
#endif

/* ioctl requests: the KVM calls the running monitor makes, and the isatty() of stdio. */
static const unsigned long allowed_ioctls[] = {
	KVM_RUN,               /* the vCPU loop */
	KVM_GET_REGS,          /* crash and hang reports */
	KVM_GET_SREGS,         /* crash reports (CR2) */
	KVM_GET_VCPU_EVENTS,   /* crash reports (exception vector, error code) */
	KVM_SET_USER_MEMORY_REGION, /* channel memslots come and go with clients */
	KVM_IOEVENTFD,         /* channel doorbells come and go with clients */
	TCGETS,                /* stdio asks whether the log is a terminal */
	SIOCSIFHWADDR,         /* host interface: the TAP takes the card's MAC (netif_relay.c) */
	TUNSETCARRIER,         /* host interface: the TAP's carrier follows the driver's */
	TUNSETOFFLOAD,         /* host interface: the TAP offers what the driver's card offloads */
};

static int close_inherited_fds(int keep, char *err, size_t errlen)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int dfd;

	if (!d) {
		snprintf(err, errlen, "cannot list /proc/self/fd: %s", strerror(errno));
		return -errno;
	}
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		int flags;

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd < 3 || fd == dfd || fd == keep)
			continue;
		flags = fcntl(fd, F_GETFD);
		/* Ours are all close-on-exec; one without it came from whoever started us. */
		if (flags >= 0 && !(flags & FD_CLOEXEC))
			close(fd);
	}
	closedir(d);
	return 0;
}

/* Three fds per channel, the pending handshakes, the VM's own: 256 is plenty. */
#define IK_SANDBOX_NOFILE 256

static int set_limits(char *err, size_t errlen)
{
	struct rlimit core = {0, 0}, nproc = {0, 0}, nofile;

	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
		if (nofile.rlim_max > IK_SANDBOX_NOFILE)
			nofile.rlim_max = IK_SANDBOX_NOFILE;
		if (nofile.rlim_cur > nofile.rlim_max)
			nofile.rlim_cur = nofile.rlim_max;
	}
	if (setrlimit(RLIMIT_CORE, &core) < 0 || setrlimit(RLIMIT_NOFILE, &nofile) < 0) {
		snprintf(err, errlen, "cannot set resource limits: %s", strerror(errno));
		return -errno;
	}
#ifndef IK_SANITIZED
	/* No new processes (threads count too: the monitor starts none after this point). The
	 * leak checker of sanitizer builds needs a helper task. Root ignores it; seccomp has
	 * the last word anyway. */
	if (setrlimit(RLIMIT_NPROC, &nproc) < 0) {
		snprintf(err, errlen, "cannot set RLIMIT_NPROC: %s", strerror(errno));
		return -errno;
	}
#else
	(void)nproc;
#endif
	return 0;
}

static int switch_user(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	if (!user || !*user)
		return 0;
	if (geteuid() != 0) {
		snprintf(err, errlen, "--user %s needs the monitor to start as root", user);
		return -EPERM;
	}
	pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "unknown user '%s'", user);
		return -ENOENT;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user '%s' is root: pick an unprivileged user", user);
		return -EINVAL;
	}
	if (setgroups(0, NULL) < 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot become user '%s': %s", user, strerror(errno));
		return -errno;
	}
	return 0;
}

static int drop_capabilities(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL && errno != EPERM)
			break;
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &hdr, data) < 0) {
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return -errno;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
		return -errno;
	}
#ifndef IK_SANITIZED
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* no ptrace by same-user processes */
#endif
	return 0;
}

static int add_rules(scmp_filter_ctx ctx)
{
	int r = 0;

	for (size_t i = 0; !r && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
#ifdef IK_SANITIZED
	for (size_t i = 0; !r && i < sizeof(allowed_sanitizer) / sizeof(allowed_sanitizer[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_sanitizer[i], 0);
	/* LSan's tracer: clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED), a task in our
	 * own address space. fork() is clone() without CLONE_VM: still a new process, refused
	 * as in a release build (vfork and clone3 are not listed at all). */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_VM, CLONE_VM));
#endif
	/* Memory never becomes executable: guest code runs in the VM, never here. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* Only local sockets (the rendezvous socket and its liveness probe). */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	for (size_t i = 0; !r && i < sizeof(allowed_ioctls) / sizeof(allowed_ioctls[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_EQ, allowed_ioctls[i]));
	return r;
}

static int install_filter(char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int r;

	if (!ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return -ENOMEM;
	}
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1); /* every thread, atomically */
	if (!r)
		r = add_rules(ctx);
	if (!r)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r) {
		snprintf(err, errlen, "cannot install the seccomp filter: %s", strerror(-r));
		return r;
	}
	return 0;
}

int ik_sandbox_enter(const struct ik_sandbox_opts *o, char *err, size_t errlen)
{
	int r;

	if ((r = close_inherited_fds(o->keep_fd, err, errlen)))
		return r;
	if ((r = set_limits(err, errlen)))
		return r;
	if ((r = switch_user(o->user, err, errlen)))
		return r;
	if ((r = drop_capabilities(err, errlen)))
		return r;
	return install_filter(err, errlen);
}
