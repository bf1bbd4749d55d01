/* SPDX-License-Identifier: MIT */
/*
 * Cooperative context switch. Threads only switch at a call to ik_switch(), so the only state
 * to save is what the SysV ABI says a callee must preserve: rbx, rbp, r12-r15 and rsp. There is
 * no FPU/SSE state: all guest code is built with -mgeneral-regs-only.
 *
 * void ik_switch(uint64_t *save_rsp, uint64_t new_rsp);
 */
	.text
	.globl ik_switch
	.type ik_switch, @function
ik_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size ik_switch, . - ik_switch

/*
 * First code of a new thread: ik_thread_spawn() builds a frame that ik_switch() "returns" into
 * here. Clear the frame pointer so backtraces stop, align the stack for the call, and run
 * ik_thread_main(), which never returns.
 */
	.globl ik_thread_trampoline
	.type ik_thread_trampoline, @function
ik_thread_trampoline:
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	ik_thread_main
	ud2
	.size ik_thread_trampoline, . - ik_thread_trampoline

	.section .note.GNU-stack, "", @progbits
