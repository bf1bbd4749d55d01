/* SPDX-License-Identifier: MIT */
/*
 * Hang watchdog, ticked by the control thread. The guest's scheduler bumps events->heartbeat
 * on every loop; if the vCPU is running (not sleeping in IK_HC_WAIT) and the heartbeat has not
 * moved for hang_ms of the guest's own time, the VM ends as a hang and the vCPU is kicked out
 * of KVM_RUN. The heartbeat is guest-written: it is only compared, never interpreted.
 *
 * The guest's own time is the CPU time of the vCPU thread (its clock, vm->vcpu_clock), not the
 * wall time: on this nested, shared machine a loaded host deschedules the vCPU for long
 * stretches (nvram's 256 port exits per read took over 1 s of wall time in the soak), and the
 * monitor's own waits while handling an exit (closing a channel's memslot: up to 0.6 s, a
 * lock, a slow device model) sleep without burning CPU. A guest looping with or without exits
 * burns the vCPU thread's CPU all the same and is caught (tests guest-hang, guest-hang_ports,
 * guest-slow_device).
 */
#include "heartbeat.h"
#include "vm_internal.h"

static uint64_t vcpu_cpu_ns(const struct ik_vm *vm)
{
	struct timespec ts;

	if (clock_gettime(vm->vcpu_clock, &ts))
		return ik_mono_ns();
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ik_watchdog_tick(struct ik_vm *vm)
{
	uint64_t hb = __atomic_load_n(&vm->events->heartbeat, __ATOMIC_RELAXED);
	uint64_t cpu;

	if (atomic_load(&vm->ended))
		return;
	if (!atomic_load(&vm->vcpu_known)) {
		vm->wd_last_change_ns = 0;
		return;
	}
	cpu = vcpu_cpu_ns(vm);
	if (hb != vm->wd_last_heartbeat || atomic_load(&vm->in_wait) || vm->wd_last_change_ns == 0) {
		vm->wd_last_heartbeat = hb;
		vm->wd_last_change_ns = ik_mono_ns();
		vm->wd_cpu_at_change = cpu;
		return;
	}
	if (cpu - vm->wd_cpu_at_change >= (uint64_t)vm->hang_ms * 1000000ull)
		ik_vm_end(vm, IK_END_HANG, "driver '%s' hung: no progress for %u ms", vm->dh.name,
			  vm->hang_ms);
}

/*
 * The supervisor's view of this monitor (heartbeat.h): this thread is alive, and since when the
 * vCPU thread has been busy in the monitor with one exit, asleep in the guest's idle wait not
 * counted. "Since" is when this thread first saw that exit busy, not the exit's start: a wait
 * exit that began an hour ago and is in its last microseconds must not look an hour busy.
 */
void ik_watchdog_heartbeat(struct ik_vm *vm)
{
	uint64_t now = ik_mono_ns();
	uint64_t since = atomic_load_explicit(&vm->exit_since, memory_order_acquire);

	if (!since || atomic_load(&vm->in_wait)) {
		vm->hb_exit_seen = vm->hb_busy_since = 0;
	} else if (since != vm->hb_exit_seen) {
		vm->hb_exit_seen = since;
		vm->hb_busy_since = now;
	}
	ik_heartbeat_beat(now, vm->hb_busy_since);
}
