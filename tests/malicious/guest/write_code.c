/* SPDX-License-Identifier: MIT */
/* Attack "write_code": patch its own code. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	*(volatile uint8_t *)(uintptr_t)&main = 0x90;
	mal_spin_forever_quietly();
	return 0;
}
