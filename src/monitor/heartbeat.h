/* SPDX-License-Identifier: MIT */
/*
 * The monitor's liveness signal for the supervisor (`ikernel up`, issue 14.6): one shared page
 * the supervisor creates per run (a memfd) and hands to `ikernel run` as descriptor
 * $IKERNEL_HEARTBEAT_FD. The monitor's control thread (the monitor-lite's service thread at
 * isolation=process) stores the time of each of its ticks there (every 50 ms) and, when the
 * vCPU thread is busy in the monitor handling one exit (not asleep in the guest's idle wait),
 * since when. Plain stores to memory: no system call on either side, nothing on the data path
 * (which never goes through the monitor). The supervisor reads the page on its own timer; a
 * beat that stops (the monitor is stopped, or its control thread stuck) or an exit that never
 * ends (the monitor stuck outside the guest) is a stalled monitor. The guest's own heartbeat
 * stays the monitor's business (watchdog.c).
 */
#ifndef IKMON_HEARTBEAT_H
#define IKMON_HEARTBEAT_H

#include <stdint.h>

#define IK_HEARTBEAT_ENV     "IKERNEL_HEARTBEAT_FD"
#define IK_HEARTBEAT_MAGIC   0x5442484bu /* "KHBT" */
#define IK_HEARTBEAT_VERSION 1u
#define IK_HEARTBEAT_TICK_MS 50u          /* how often a healthy monitor beats */

struct ik_heartbeat {
	uint32_t magic;         /* IK_HEARTBEAT_MAGIC once a monitor has attached */
	uint32_t version;
	uint64_t beat_ns;       /* CLOCK_MONOTONIC of the last beat */
	uint64_t busy_since_ns; /* the vCPU thread busy in the monitor (one exit) since; 0: not */
	uint64_t beats;
	int32_t pid;            /* the monitor's */
	uint32_t pad;
	uint64_t exits;         /* this run's cost count: VM exits (returns from KVM_RUN), or the
				 * requests a driver process made (isolation=process) */
	uint64_t irqs;          /* this run's interrupts delivered to the driver: interrupt lines
				 * its idle wait fetched (each runs its handlers once) */
};

/* In `ikernel run`, before anything else (the sandbox closes inherited descriptors): map the
 * page named by $IKERNEL_HEARTBEAT_FD, if any, close the descriptor and unset the variable
 * (nothing we start inherits either). Without it every beat is a no-op. */
void ik_heartbeat_attach(void);

/* One beat (a single thread per process beats). */
void ik_heartbeat_beat(uint64_t now_ns, uint64_t busy_since_ns, uint64_t exits, uint64_t irqs);

#endif
