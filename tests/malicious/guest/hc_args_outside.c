/* SPDX-License-Identifier: MIT */
/* Attack "hc_args_outside": hypercall arguments at a guest-physical address outside RAM. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	mal_hypercall(IK_HC_CONSOLE, (void *)(uintptr_t)0x3ff00000);
	mal_spin_forever_quietly();
	return 0;
}
