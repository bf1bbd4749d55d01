/* SPDX-License-Identifier: MIT */
/*
 * A driver executable NOT built from the runtime: its own _start, raw system calls, and no
 * seccomp filter of its own. It proves that the jail of isolation=process is the monitor-lite's
 * (src/monitor/process/proc.c), installed before the exec, and does not depend on the executable's
 * cooperation. The attack comes from the boot info's parameters (--param attack=NAME):
 *   none     nothing forbidden: IK_HC_EXIT(0) on the request socket, so the program runs at all
 *   socket   socket(AF_INET, SOCK_STREAM, 0)
 *   open     openat(AT_FDCWD, "/etc/passwd", O_RDONLY)
 *   exec     execve("/bin/true")
 *   reexec   execveat() of the descriptor number the monitor-lite's child used for the driver's
 *            own exec (the one exec the jail lets through): any later exec is refused
 *   execmem  mmap(PROT_READ | PROT_WRITE | PROT_EXEC)
 *   filter   seccomp(): a filter of its own, with a listener that could let its calls through
 *   fork     fork()
 *   uid      setresuid(0, 0, 0)
 *   version  a request of another protocol version (IK_PROC_ABI_VERSION + 1)
 *   reserved a request with its reserved word set
 * A forbidden call must end the driver with a violation naming it; if the call returns, the
 * program exits with status 99, which the test does not accept.
 */
#include <stddef.h>
#include <stdint.h>

#include "ikernel/abi.h"
#include "ikernel/proc_abi.h"

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define SYS_(nr, a, b, c) sys6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)

enum {
	NR_write = 1, NR_mmap = 9, NR_socket = 41, NR_fork = 57, NR_execve = 59, NR_exit_group = 231,
	NR_openat = 257, NR_setresuid = 117, NR_seccomp = 317, NR_execveat = 322,
};

/* The descriptor of the monitor-lite's exec (proc.c: PROC_EXEC_FD = 16 + 3 * IK_MAX_CHANNELS). */
#define EXEC_FD (16 + 3 * IK_MAX_CHANNELS)

static struct ik_proc_msg msg = {.version = IK_PROC_ABI_VERSION};

_Noreturn static void exit_via_monitor(int64_t code)
{
	struct ik_hc_exit e = {.code = code};

	msg.nr = IK_HC_EXIT;
	msg.payload_len = 0;
	__builtin_memcpy(msg.args, &e, sizeof(e));
	SYS_(NR_write, IK_PROC_FD_CTL, &msg, offsetof(struct ik_proc_msg, payload));
	for (;;) /* the monitor-lite ends us */
		SYS_(NR_exit_group, code, 0, 0);
}

static int has(const char *s, const char *word)
{
	for (; *s; s++) {
		const char *a = s, *b = word;

		while (*b && *a == *b)
			a++, b++;
		if (!*b && (*a == '\0' || *a == ' '))
			return 1;
	}
	return 0;
}

static void attack(const char *params)
{
	static char *const argv[] = {(char *)"x", 0};
	static struct { uint16_t len; const void *filter; } prog; /* empty: refused anyway */

	if (has(params, "attack=socket"))
		SYS_(NR_socket, 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
	else if (has(params, "attack=open"))
		SYS_(NR_openat, -100 /* AT_FDCWD */, "/etc/passwd", 0);
	else if (has(params, "attack=exec"))
		SYS_(NR_execve, "/bin/true", argv, argv + 1);
	else if (has(params, "attack=reexec"))
		sys6(NR_execveat, EXEC_FD, (long)"", (long)argv, (long)(argv + 1), 0x1000 /* AT_EMPTY_PATH */, 0);
	else if (has(params, "attack=execmem"))
		sys6(NR_mmap, 0, 4096, 7 /* R|W|X */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
	else if (has(params, "attack=filter"))
		SYS_(NR_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, 8 /* NEW_LISTENER */, &prog);
	else if (has(params, "attack=fork"))
		SYS_(NR_fork, 0, 0, 0);
	else if (has(params, "attack=uid"))
		SYS_(NR_setresuid, 0, 0, 0);
	else if (has(params, "attack=version"))
		msg.version = IK_PROC_ABI_VERSION + 1; /* sent by the exit request below */
	else if (has(params, "attack=reserved"))
		msg.reserved = 0x5a;
	else
		return;
	exit_via_monitor(99); /* the forbidden call returned */
}

void rogue_main(void);
void rogue_main(void)
{
	long r = sys6(NR_mmap, 0, IK_PAGE_SIZE, 1 /* PROT_READ */, 1 /* MAP_SHARED */, IK_PROC_FD_BOOT, 0);
	const struct ik_bootinfo *bi = (const struct ik_bootinfo *)r;

	if (r < 0 && r > -4096)
		SYS_(NR_exit_group, 98, 0, 0);
	attack(bi->params);
	exit_via_monitor(0);
}

__asm__(".section .text.entry, \"ax\"\n"
	".globl _start\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	andq $-16, %rsp\n"
	"	call rogue_main\n"
	"	ud2\n"
	".previous\n");
