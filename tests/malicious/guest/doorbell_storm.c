/* SPDX-License-Identifier: MIT */
/* Attack "doorbell_storm": take the client's first read, then ring its doorbell (an ioeventfd:
 * no exit to the monitor, a wake-up of the client blocked on it) in a loop for 3 s, answering
 * nothing, then answer the read honestly. Spurious doorbells must cost the blocked client a
 * bounded number of wake-ups (libikernel backs off), not a share of a core for as long as
 * the driver likes: the test measures the reading thread's CPU time. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;
	uint64_t khz = mal_bootinfo()->tsc_khz ? mal_bootinfo()->tsc_khz : 1000000;
	uint64_t end;

	mal_first_read(&c, &s);
	end = mal_rdtsc() + 3000ull * khz; /* 3 s */
	while (mal_rdtsc() < end) {
		for (unsigned i = 0; i < 64; i++)
			mal_doorbell(c.id);
		mal_heartbeat();
	}
	mal_serve_honest(&c, &s);
	mal_serve_forever(&c);
	return 0;
}
