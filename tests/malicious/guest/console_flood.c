/* SPDX-License-Identifier: MIT */
/* Attack "console_flood": 100000 console lines as fast as the exits go, then serve honestly.
 * The monitor must keep its log bounded (rate limit) and keep serving. */
#include "mal.h"

int main(void)
{
	static char line[] = "mal: flooding the console with this line over and over again\n";
	struct ik_hc_console con = {(uintptr_t)line, sizeof(line) - 1};
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	for (unsigned i = 0; i < 100000; i++) {
		mal_hypercall(IK_HC_CONSOLE, &con);
		mal_heartbeat();
	}
	mal_wait_ns(1200000000ull, NULL); /* a second of budget comes back */
	mal_print("mal: flood done\n");
	mal_serve_honest(&c, &s);
	mal_serve_forever(&c);
	return 0;
}
