/* SPDX-License-Identifier: MIT */
/*
 * The hang rule, the driver-host core's for both isolation levels (drvhost.h). A driver's
 * runtime bumps events->heartbeat on every pass of its scheduler loop; a driver that uses
 * hang_ms of its own CPU time with no pass, while not asleep in its idle wait, is stuck in a
 * loop and is ended as hung. Its own CPU time (the vCPU thread's, or the driver process's), not
 * the wall time: on a loaded host a driver is descheduled for long stretches, and its host's
 * waits while serving it (a memslot change, a lock, a slow device model) burn none of it; a
 * driver looping with or without exits burns it all the same (tests guest-hang,
 * guest-hang_ports, guest-slow_device, guest-proc-hang). The heartbeat is driver-written: it is
 * only compared, never interpreted.
 */
#include "drvhost.h"

bool ik_dh_hang_tick(struct ik_dh_hang *h, uint64_t heartbeat, bool asleep, uint64_t cpu_ns,
		     unsigned hang_ms)
{
	if (!h->armed || heartbeat != h->heartbeat || asleep || cpu_ns < h->cpu_at_pass) {
		h->heartbeat = heartbeat;
		h->cpu_at_pass = cpu_ns;
		h->armed = true;
		return false;
	}
	return cpu_ns - h->cpu_at_pass >= (uint64_t)hang_ms * 1000000ull;
}

void ik_dh_hang_reason(const struct ik_drvhost *dh, unsigned hang_ms, char *out, size_t len)
{
	snprintf(out, len, "driver '%s' hung: no progress for %u ms of its CPU time", dh->name,
		 hang_ms);
}
