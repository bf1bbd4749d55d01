/* SPDX-License-Identifier: MIT */
/*
 * The runtime's platform layer: the few places where the runtime meets what runs it.
 *
 *   vm       (default build) the driver VM: hypercalls and port I/O are MMIO stores that exit
 *            to the monitor, the doorbell is an MMIO store on an ioeventfd, the boot info and
 *            the event page sit at fixed guest-physical addresses. Everything is a constant or
 *            an inline store: the VM path costs exactly what it did before this layer existed.
 *   process  (IK_PLATFORM_PROC, platform_proc.c) the same runtime, compat layer and driver as a
 *            jailed Linux process: hypercalls are request/response messages to the monitor-lite
 *            (src/monitor/process/proc*.c), the doorbell is a write() to the channel's done eventfd, the
 *            boot info and the event page are wherever the platform mapped them.
 * The channel regions keep their addresses (IK_GPA_CHAN_BASE + ch * IK_CHAN_STRIDE) on every
 * platform: the process platform maps each channel memfd there.
 */
#ifndef IK_RT_PLATFORM_H
#define IK_RT_PLATFORM_H

#include <stdint.h>

#include "ikernel/abi.h"

#ifdef IK_PLATFORM_PROC

extern const struct ik_bootinfo *ik_plat_bootinfo;
extern struct ik_events *ik_plat_events;
#define IK_BOOTINFO_PTR ik_plat_bootinfo
#define IK_EVENTS_PTR   ik_plat_events

/* Wake the client of channel ch (it said it sleeps). */
void ik_plat_doorbell(unsigned ch);

#else /* the driver VM */

#define IK_BOOTINFO_PTR ((const struct ik_bootinfo *)(uintptr_t)IK_GPA_BOOTINFO)
#define IK_EVENTS_PTR   ((struct ik_events *)(uintptr_t)IK_GPA_EVENTS)

/* A 4-byte store on the channel's doorbell: an ioeventfd, no exit. */
static inline void ik_plat_doorbell(unsigned ch)
{
	volatile uint32_t *bell = (volatile uint32_t *)(uintptr_t)(IK_GPA_DOORBELL + 8ull * ch);

	*bell = 1;
}

#endif

#endif /* IK_RT_PLATFORM_H */
