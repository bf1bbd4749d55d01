/* SPDX-License-Identifier: MIT */
/*
 * Image entry point and ABI note.
 *
 * The monitor starts the vCPU at CPL3 in 64-bit mode with RSP = top of stack 0 and RIP = _start;
 * there is no kernel below us. (The note below spells out abi.h values: abi.h is C only.)
 * the stack 16-byte aligned as the SysV ABI wants at a call, and enter C.
 */

	.section .text.entry, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	ik_rt_main
	ud2	/* ik_rt_main never returns; a fault here is reported with this RIP */
	.size _start, . - _start

/*
 * The ELF note the monitor checks before loading: name "iKernel" (namesz 8 with the NUL),
 * type IK_NOTE_TYPE_ABI, desc struct ik_abi_note_desc { IK_ABI_VERSION, 0 }. It lives in this
 * file so that every image that links the runtime carries it.
 */
	.section .note.ikernel, "a", @note
	.balign 4
	.long	8			/* n_namesz */
	.long	8			/* n_descsz */
	.long	0x494b0001		/* n_type = IK_NOTE_TYPE_ABI */
	.asciz	"iKernel"
	.balign 4
	.long	1			/* abi_version = IK_ABI_VERSION */
	.long	0			/* reserved */
	.balign 4

	.section .note.GNU-stack, "", @progbits
