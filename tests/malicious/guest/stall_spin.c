/* SPDX-License-Identifier: MIT */
/* Attack "stall_spin": spin forever without a heartbeat while its client waits. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	for (;;)
		__asm__ volatile("pause");
	mal_spin_forever_quietly();
	return 0;
}
