/* SPDX-License-Identifier: MIT */
/* Attack "exec_data": execute bytes it wrote into its data segment. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	static uint8_t code[16] = {0xc3}; /* ret */

	((void (*)(void))(uintptr_t)code)();
	mal_spin_forever_quietly();
	return 0;
}
