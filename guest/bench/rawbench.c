/* SPDX-License-Identifier: MIT */
/*
 * rawbench: the raw limits of host <-> guest notification, without the rings.
 *
 * The host finds `rawbench_shared` by symbol name, writes a sequence number to the ping word
 * and waits for the guest to echo it in the pong word (another cache line, so each side writes
 * its own line). Modes (param "mode="):
 *   pingpong   pure shared memory: the guest spins on ping
 *   ioeventfd  the same, plus a 4-byte write to doorbell 15 after each pong (the host
 *              registers an eventfd there and may sleep on it)
 *   mmio       the same, plus one MMIO exit to the monitor (IK_HC_WAIT with timeout 0, the
 *              cheapest hypercall) before each pong: the cost of an exit to user space
 * Ping 0xffffffff ends the run (exit status 0).
 */
#include "ik/rt.h"

#define PING 0
#define PONG 16 /* 64 bytes further: another cache line */
#define STOP 0xffffffffu
#define BENCH_DOORBELL (IK_GPA_DOORBELL + 8ull * 15)

uint32_t rawbench_shared[1024] __attribute__((aligned(4096)));

static void ring_bench_doorbell(void)
{
	*(volatile uint32_t *)(uintptr_t)BENCH_DOORBELL = 1;
}

/* Wait for a ping different from `last`; keep the hang detector fed while spinning. */
static uint32_t wait_ping(uint32_t last)
{
	uint32_t v;
	unsigned spins = 0;

	while ((v = __atomic_load_n(&rawbench_shared[PING], __ATOMIC_ACQUIRE)) == last) {
		__builtin_ia32_pause();
		if (++spins == 4096) {
			ik_heartbeat();
			spins = 0;
		}
	}
	return v;
}

enum mode { M_PINGPONG, M_IOEVENTFD, M_MMIO };

static void mmio_exit(void)
{
	struct ik_hc_wait hc = { .timeout_ns = 0 };

	ik_hypercall(IK_HC_WAIT, &hc);
}

static int run(enum mode m)
{
	uint32_t last = 0; /* the initial value: a ping written before we got here still counts */

	for (;;) {
		uint32_t v = wait_ping(last);

		if (v == STOP)
			return 0;
		if (m == M_MMIO)
			mmio_exit();
		__atomic_store_n(&rawbench_shared[PONG], v, __ATOMIC_RELEASE);
		if (m == M_IOEVENTFD)
			ring_bench_doorbell();
		last = v;
	}
}

int ik_guest_test(void)
{
	const char *mode = ik_param("mode");

	if (!mode || strcmp(mode, "pingpong") == 0)
		return run(M_PINGPONG);
	if (strcmp(mode, "ioeventfd") == 0)
		return run(M_IOEVENTFD);
	if (strcmp(mode, "mmio") == 0)
		return run(M_MMIO);
	ik_printf("rawbench: unknown mode=%s (pingpong, ioeventfd, mmio)\n", mode);
	return 2;
}
