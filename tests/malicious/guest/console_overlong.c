/* SPDX-License-Identifier: MIT */
/* Attack "console_overlong": a console write claiming a 1 TiB buffer. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	static char text[] = "hello";
	struct ik_hc_console con = {(uintptr_t)text, 1ull << 40};

	mal_hypercall(IK_HC_CONSOLE, &con);
	mal_spin_forever_quietly();
	return 0;
}
