/* SPDX-License-Identifier: MIT */
/*
 * with_listener COMMAND [ARGS...]: run COMMAND under a seccomp filter that has a listener, as
 * some container managers do (their system-call interception). Such a process cannot install
 * a second filter with a listener (EBUSY), so the monitor-lite must fall back to a filter that
 * kills a driver's forbidden system calls with SIGSYS (src/monitor/process/proc.c). The filter here
 * allows everything but acct(2), which goes to the listener we hold until COMMAND ends; its
 * exit status is ours.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_acct, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	int listener, status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: with_listener COMMAND [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    (listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog)) < 0) {
		printf("skipped: cannot install a seccomp filter with a listener: %s\n", strerror(errno));
		return 77;
	}
	pid = fork();
	if (pid == 0) {
		execv(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	close(listener);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
