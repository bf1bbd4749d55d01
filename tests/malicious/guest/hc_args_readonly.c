/* SPDX-License-Identifier: MIT */
/* Attack "hc_args_readonly": hypercall arguments in the read-only boot info page (the monitor would write results there). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	mal_hypercall(IK_HC_WAIT, (void *)(uintptr_t)IK_GPA_BOOTINFO);
	mal_spin_forever_quietly();
	return 0;
}
