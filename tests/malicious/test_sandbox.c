/* SPDX-License-Identifier: MIT */
/*
 * The monitor's sandbox (src/monitor/sandbox.c).
 *   test_sandbox syscall CASE      a child enters the sandbox, does what a running monitor
 *                                  does (must survive), then CASE: a forbidden system call,
 *                                  which must kill it with SIGSYS ("none": must exit 0).
 *   test_sandbox process IKERNEL BUILD_ROOT
 *                                  `ikernel run` of nulldev: the running monitor has seccomp
 *                                  on, no_new_privs, no capabilities, no core dumps, no
 *                                  inherited fd; a client still works; with --no-sandbox
 *                                  there is no filter.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ikernel/ikernel.h"
#include "iktest.h"
#include "sandbox.h"


/* What the monitor keeps doing after the sandbox: none of it may be refused. */
static int allowed_work(void)
{
	struct timespec ts;
	int mfd = memfd_create("t", MFD_CLOEXEC), efd = eventfd(0, EFD_CLOEXEC);
	int sv = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	uint64_t one = 1;

	if (mfd < 0 || efd < 0 || sv < 0 || ftruncate(mfd, 1 << 20) < 0)
		return 1;
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (p == MAP_FAILED || write(efd, &one, sizeof(one)) != sizeof(one))
		return 2;
	memset(p, 1, 1 << 20);
	munmap(p, 1 << 20);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	void *heap = malloc(1 << 20); /* brk or an anonymous mapping */
	free(heap);
	close(mfd);
	close(efd);
	close(sv);
	return 0;
}

static void forbidden(const char *what, int kvm_fd)
{
	if (!strcmp(what, "execve")) {
		char *argv[] = {"/bin/true", NULL};
		execv("/bin/true", argv);
	} else if (!strcmp(what, "socket_inet")) {
		(void)socket(AF_INET, SOCK_STREAM, 0);
	} else if (!strcmp(what, "mmap_exec")) {
		(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	} else if (!strcmp(what, "mprotect_exec")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		(void)mprotect(p, 4096, PROT_READ | PROT_EXEC);
	} else if (!strcmp(what, "kvm_create_vm")) {
		(void)ioctl(kvm_fd, KVM_CREATE_VM, 0);
	} else if (!strcmp(what, "unshare")) {
		(void)unshare(0);
	} else if (!strcmp(what, "fork")) {
		(void)fork();
	} else if (strcmp(what, "none")) {
		_exit(90); /* unknown case */
	}
}

static int syscall_case(const char *what)
{
	int kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC); /* may be -1: the ioctl still counts */
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct ik_sandbox_opts o = {.user = NULL, .keep_fd = -1};
		char err[300];

		alarm(10);
		if (ik_sandbox_enter(&o, err, sizeof(err)) < 0) {
			fprintf(stderr, "sandbox: %s\n", err);
			_exit(80);
		}
		int r = allowed_work();
		if (r)
			_exit(81 + r);
		forbidden(what, kvm_fd);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return 1;
	if (!strcmp(what, "none")) {
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "the sandboxed child did not survive allowed work (status 0x%x)", st);
	} else {
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		      "'%s' did not kill the sandboxed child with SIGSYS (status 0x%x%s)", what, st,
		      WIFEXITED(st) && WEXITSTATUS(st) >= 80 ? ": allowed work failed" : "");
	}
	printf("%s: %s\n", what, iktest_failures ? "FAILED" : "ok");
	return iktest_failures ? 1 : 0;
}

/* "Field:\tvalue" of /proc/PID/status, or "" */
static void status_field(pid_t pid, const char *field, char *out, size_t outlen)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	out[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(field);
		if (!strncmp(line, field, n) && line[n] == ':') {
			char *v = line + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, outlen, "%s", v);
			break;
		}
	}
	fclose(f);
}

/* Does process pid hold an fd whose link contains `name`? */
static int has_fd_to(pid_t pid, const char *name)
{
	char path[64], link[256];

	for (int fd = 0; fd < 1024; fd++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strstr(link, name))
			return 1;
	}
	return 0;
}

static pid_t spawn_monitor(const char *ik, const char *img, const char *rtdir, int no_sandbox)
{
	pid_t pid = fork();

	if (pid == 0) {
		const char *argv[] = {ik, "run", img, "--name", "nulldev", "--runtime-dir", rtdir,
				      no_sandbox ? "--no-sandbox" : NULL, NULL};
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(ik, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int wait_node(const char *rtdir)
{
	char node[300];

	snprintf(node, sizeof(node), "%s/nodes/null0", rtdir);
	for (int i = 0; i < 2000; i++) {
		if (access(node, F_OK) == 0)
			return 0;
		sleep_ms(5);
	}
	return -1;
}

static void stop_run(pid_t pid, int *st)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 2000; i++) {
		if (waitpid(pid, st, WNOHANG) == pid)
			return;
		sleep_ms(5);
	}
	kill(pid, SIGKILL);
	waitpid(pid, st, 0);
}

static void one_monitor(const char *ik, const char *img, int no_sandbox)
{
	char rtdir[] = "/tmp/ikernel-sbx-XXXXXX", v[128];
	int inherited = memfd_create("ik-inherited-marker", 0); /* no CLOEXEC: survives the exec */
	int st = -1;

	if (!mkdtemp(rtdir) || inherited < 0) {
		iktest_failures++;
		return;
	}
	setenv("IKERNEL_RUNTIME_DIR", rtdir, 1);
	pid_t pid = spawn_monitor(ik, img, rtdir, no_sandbox);
	close(inherited);
	CHECK(wait_node(rtdir) == 0, "nulldev did not come up%s", no_sandbox ? " (no sandbox)" : "");

	status_field(pid, "Seccomp", v, sizeof(v));
	if (no_sandbox) {
		CHECK(has_fd_to(pid, "ik-inherited-marker"), "without the sandbox the fd stays (control)");
		CHECK(!strcmp(v, "0"), "--no-sandbox: Seccomp is '%s', expected 0", v);
	} else {
		CHECK(!strcmp(v, "2"), "Seccomp is '%s', expected 2 (filter)", v);
		status_field(pid, "NoNewPrivs", v, sizeof(v));
		CHECK(!strcmp(v, "1"), "NoNewPrivs is '%s'", v);
		status_field(pid, "CapEff", v, sizeof(v));
		CHECK(!strcmp(v, "0000000000000000"), "CapEff is '%s'", v);
		status_field(pid, "CapBnd", v, sizeof(v));
		CHECK(!strcmp(v, "0000000000000000"), "CapBnd is '%s'", v);
		CHECK(!has_fd_to(pid, "ik-inherited-marker"), "the monitor kept an inherited fd");
	}
	/* a client still works through the sandboxed monitor (handshake, SCM_RIGHTS, memslots) */
	int h = ik_open("null0", O_RDWR);
	char buf[64] = "sandboxed", back[64] = "";
	CHECK(h >= 0, "open null0: %d", h);
	if (h >= 0) {
		CHECK(ik_write(h, buf, sizeof(buf)) == sizeof(buf), "write");
		CHECK(ik_lseek(h, 0, SEEK_SET) == 0, "lseek");
		CHECK(ik_read(h, back, sizeof(back)) == sizeof(back), "read");
		CHECK(!memcmp(buf, back, sizeof(buf)), "data");
		ik_close(h);
	}
	stop_run(pid, &st);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the monitor did not stop cleanly (0x%x)", st);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rtdir);
	(void)!system(cmd);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "syscall"))
		return syscall_case(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "process")) {
		char img[512];

		TEST_REQUIRE_KVM();
		alarm(60);
		snprintf(img, sizeof(img), "%s/drivers/nulldev.img", argv[3]);
		one_monitor(argv[2], img, 0);
		one_monitor(argv[2], img, 1);
		printf("process: %s\n", iktest_failures ? "FAILED" : "ok");
		return iktest_failures ? 1 : 0;
	}
	fprintf(stderr, "usage: %s syscall CASE | process IKERNEL BUILD_ROOT\n", argv[0]);
	return 2;
}
