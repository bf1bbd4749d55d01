/* SPDX-License-Identifier: MIT */
/*
 * Time from the TSC (rdtsc works at CPL3). ns = (tsc - boot) * mult >> 32 with a 128-bit
 * product: no division on the hot path and no overflow for centuries of uptime.
 */
#include "internal.h"

static uint64_t boot_tsc;
static uint64_t ns_mult;  /* ns per tick, 32.32 fixed point */
static uint64_t tsc_mult; /* ticks per ns, 32.32 fixed point */

/* Reading the clock sends the posted port writes first (pio_post.c): the time a device takes
 * for a write is observable by the clock after it, as on hardware. Writes all to lazy
 * registers may stay (the scheduler's clock at each pass, a driver's jiffies): their delay only
 * makes the device act later, and the scheduler's next pass sends them. */
uint64_t ik_rdtsc(void)
{
	uint32_t lo, hi;

	ik_pio_flush_unless_lazy();
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void ik_time_init(uint64_t tsc_khz)
{
	boot_tsc = ik_rdtsc();
	ns_mult = (1000000ull << 32) / tsc_khz;
	tsc_mult = (tsc_khz << 32) / 1000000ull;
}

uint64_t ik_now_ns(void)
{
	unsigned __int128 p = (unsigned __int128)(ik_rdtsc() - boot_tsc) * ns_mult;

	return (uint64_t)(p >> 32);
}

uint64_t ik_ns_to_tsc(uint64_t ns)
{
	unsigned __int128 p = (unsigned __int128)ns * tsc_mult;

	return (p >> 96) ? UINT64_MAX : (uint64_t)(p >> 32);
}

void ik_delay_ns(uint64_t ns)
{
	uint64_t start, ticks = ik_ns_to_tsc(ns);

	ik_pio_flush_pending(); /* a delay waits on the device: every held write first */
	start = ik_rdtsc();

	/* Busy-wait on purpose (udelay): short hardware delays must not give up the CPU. It does
	 * not bump the heartbeat either, so a driver stuck in a delay loop is still caught. */
	while (ik_rdtsc() - start < ticks)
		ik_cpu_relax();
}
