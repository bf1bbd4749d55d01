/* SPDX-License-Identifier: MIT */
/*
 * Hang watchdog, ticked by the control thread. The guest's scheduler bumps events->heartbeat
 * on every loop; if the vCPU is running (not sleeping in IK_HC_WAIT) and the heartbeat has not
 * moved for hang_ms, the VM ends as a hang and the vCPU is kicked out of KVM_RUN. The
 * heartbeat is guest-written: it is only compared, never interpreted.
 */
#include "vm_internal.h"

void ik_watchdog_tick(struct ik_vm *vm)
{
	uint64_t now = ik_mono_ns();
	uint64_t hb = __atomic_load_n(&vm->events->heartbeat, __ATOMIC_RELAXED);

	if (atomic_load(&vm->ended))
		return;
	if (hb != vm->wd_last_heartbeat || !atomic_load(&vm->vcpu_known) ||
	    atomic_load(&vm->in_wait) || vm->wd_last_change_ns == 0) {
		vm->wd_last_heartbeat = hb;
		vm->wd_last_change_ns = now;
		return;
	}
	if (now - vm->wd_last_change_ns >= (uint64_t)vm->hang_ms * 1000000ull)
		ik_vm_end(vm, IK_END_HANG, "driver '%s' hung: no progress for %u ms", vm->name,
			  vm->hang_ms);
}
