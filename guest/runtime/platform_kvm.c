/* SPDX-License-Identifier: MIT */
/* The driver VM platform (platform.h): hypercalls are MMIO stores. Port I/O is pio.c. */
#include "internal.h"

/*
 * An 8-byte MMIO store of the args address; the store exits to the monitor, which reads the
 * args (and writes OUT fields back) before the vCPU resumes. The "memory" clobber keeps the
 * compiler from sinking stores to *args below the hypercall or hoisting loads of OUT fields
 * above it. Posted writes (pio_post.c) go first, as their own request, unless the call carries
 * them (IK_HC_IO_BATCH; the scheduler's IK_HC_WAIT took them: ik_posted_attach).
 */
void ik_hypercall(unsigned nr, void *args)
{
	volatile uint64_t *reg = (volatile uint64_t *)(uintptr_t)(IK_GPA_HYPERCALL + 8ull * nr);

	if (nr != IK_HC_IO_BATCH)
		ik_posted_send_all(); /* posted writes before anything else the monitor hears */
	__asm__ volatile("movq %1, %0" : "=m"(*reg) : "r"((uint64_t)(uintptr_t)args) : "memory");
}
