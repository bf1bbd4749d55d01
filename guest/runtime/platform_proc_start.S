/* SPDX-License-Identifier: MIT */
/*
 * Entry of a driver built as a Linux process (platform_proc.c). Linux starts us with RSP at
 * argc, already jailed by the monitor-lite (its seccomp filter included); ik_proc_setup() maps
 * guest RAM and the boot info and returns the top of stack 0, where the runtime runs exactly as
 * in the VM.
 */
	.section .text.entry, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	ik_proc_setup
	movq	%rax, %rsp
	andq	$-16, %rsp
	call	ik_rt_main
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
