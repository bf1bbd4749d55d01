/* SPDX-License-Identifier: MIT */
/*
 * Hang watchdog of a driver VM, ticked by the control thread: the core's rule (hang.c) fed
 * with the guest's heartbeat, whether the vCPU sleeps in IK_HC_WAIT, and the CPU time of the
 * vCPU thread (its clock, vm->vcpu_clock). A hang ends the VM and kicks the vCPU out of
 * KVM_RUN; the end report adds where it was (" at RIP ...").
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
	char reason[160];

	if (atomic_load(&vm->ended))
		return;
	if (!atomic_load(&vm->vcpu_known)) {
		vm->wd.armed = false;
		return;
	}
	if (!ik_dh_hang_tick(&vm->wd, hb, atomic_load(&vm->in_wait), vcpu_cpu_ns(vm), vm->hang_ms))
		return;
	ik_dh_hang_reason(&vm->dh, vm->hang_ms, reason, sizeof(reason));
	ik_vm_end(vm, IK_END_HANG, "%s", reason);
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
	ik_heartbeat_beat(now, vm->hb_busy_since, __atomic_load_n(&vm->exits, __ATOMIC_RELAXED),
			  ik_dh_irqs_delivered(&vm->dh));
}
