/* SPDX-License-Identifier: MIT */
/*
 * Hang watchdog, ticked by the control thread. The guest's scheduler bumps events->heartbeat
 * on every loop; if the vCPU is running (not sleeping in IK_HC_WAIT) and the heartbeat has not
 * moved for hang_ms of the guest's own time, the VM ends as a hang and the vCPU is kicked out
 * of KVM_RUN. The heartbeat is guest-written: it is only compared, never interpreted.
 *
 * The guest's own time is the wall time since the heartbeat last moved minus what the vCPU
 * thread spent in the monitor handling exits meanwhile (vm->exit_ns): closing a channel
 * (memslot and ioeventfd ioctls) or waiting for vm->lock took up to 0.6 s on this nested,
 * loaded machine, and a driver must not be killed as hung for the monitor's slowness. The
 * exit itself (entry and return, 25-60 us here) still counts as the guest's, so a guest that
 * loops on exits without a scheduler pass is caught all the same.
 */
#include "heartbeat.h"
#include "vm_internal.h"

void ik_watchdog_tick(struct ik_vm *vm)
{
	uint64_t now = ik_mono_ns();
	uint64_t hb = __atomic_load_n(&vm->events->heartbeat, __ATOMIC_RELAXED);
	/* `since` first, paired with vm_run.c's release: seen 0, exit_ns has that exit; seen set,
	 * an exit ending meanwhile may be counted twice, which only delays a verdict one tick. */
	uint64_t since = atomic_load_explicit(&vm->exit_since, memory_order_acquire);
	uint64_t in_monitor = atomic_load_explicit(&vm->exit_ns, memory_order_relaxed);
	uint64_t stalled;

	if (atomic_load(&vm->ended))
		return;
	if (hb != vm->wd_last_heartbeat || !atomic_load(&vm->vcpu_known) ||
	    atomic_load(&vm->in_wait) || vm->wd_last_change_ns == 0) {
		vm->wd_last_heartbeat = hb;
		vm->wd_last_change_ns = now;
		vm->wd_exit_ns_at_change = in_monitor;
		return;
	}
	stalled = now - vm->wd_last_change_ns;
	in_monitor -= vm->wd_exit_ns_at_change;
	if (since && since < now) /* an exit is being handled: its time so far is ours too */
		in_monitor += now - (since > vm->wd_last_change_ns ? since : vm->wd_last_change_ns);
	stalled = stalled > in_monitor ? stalled - in_monitor : 0;
	if (stalled >= (uint64_t)vm->hang_ms * 1000000ull)
		ik_vm_end(vm, IK_END_HANG, "driver '%s' hung: no progress for %u ms", vm->name,
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
