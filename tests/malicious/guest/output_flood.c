/* SPDX-License-Identifier: MIT */
/* Attack "output_flood": take the client's first read, then for 5 s make the host write all
 * it can -- console writes of 4096 newlines (each a line of the host's: an amplification of
 * the input bytes) and LED board changes on the granted parport (each a line of the model's)
 * -- then answer the read honestly. The host's output budget (--log-budget) must bound what
 * reaches its log: the test compares the log's size with it. */
#include "mal.h"

static char nl[IK_CONSOLE_MAX];

static inline void outb(uint16_t port, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)(IK_GPA_PIO + port) = v;
}

int main(void)
{
	struct ik_hc_console con = {(uintptr_t)nl, sizeof(nl)};
	struct mal_chan c;
	struct ik_sqe s;
	uint64_t khz = mal_bootinfo()->tsc_khz ? mal_bootinfo()->tsc_khz : 1000000;
	uint64_t end;

	for (unsigned i = 0; i < sizeof(nl); i++)
		nl[i] = '\n';
	mal_first_read(&c, &s);
	end = mal_rdtsc() + 5000ull * khz; /* 5 s */
	for (unsigned i = 0; mal_rdtsc() < end; i++) {
		mal_hypercall(IK_HC_CONSOLE, &con);
		for (unsigned j = 0; j < 64; j++)
			outb(0x378, (uint8_t)(i * 64 + j));
		mal_heartbeat();
	}
	mal_serve_honest(&c, &s);
	mal_serve_forever(&c);
	return 0;
}
