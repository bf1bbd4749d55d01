/* SPDX-License-Identifier: MIT */
/*
 * Ending a VM. Whoever notices first (vCPU thread: crash, panic, violation; control thread:
 * hang, client-reported violation; ik_vm_stop) records the result; later reasons are dropped.
 * The vCPU is then kicked out of KVM_RUN (or out of its IK_HC_WAIT sleep).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vm_internal.h"

bool ik_vm_end_with(struct ik_vm *vm, const struct ik_dh_end *e)
{
	bool first = false;

	pthread_mutex_lock(&vm->lock);
	if (!atomic_load(&vm->ended)) {
		ik_dh_result_record(&vm->result, e);
		atomic_store(&vm->ended, true);
		pthread_cond_broadcast(&vm->cond);
		first = true;
	}
	pthread_mutex_unlock(&vm->lock);
	ik_vm_kick_vcpu(vm);
	return first;
}

bool ik_vm_end(struct ik_vm *vm, enum ik_vm_end end, const char *fmt, ...)
{
	char reason[sizeof(vm->result.reason)];
	struct ik_dh_end e = {.end = end, .reason = reason};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return ik_vm_end_with(vm, &e);
}

/* Async-signal-safe: only atomics, a store into kvm_run, write(2) and pthread_kill(3). */
void ik_vm_kick_vcpu(struct ik_vm *vm)
{
	if (vm->run)
		vm->run->immediate_exit = 1;
	ik_vm_wake_guest(vm);
	if (atomic_load(&vm->vcpu_known))
		pthread_kill(vm->vcpu_thread, SIGUSR1);
}

void ik_vm_wake_guest(struct ik_vm *vm)
{
	uint64_t one = 1;

	/* On the vCPU thread (a device model raising its line while it serves an exit) the guest
	 * is not asleep: it sees `attention` when the exit returns, and its idle wait checks the
	 * pending events before it sleeps (hypercall.c), and does not sleep when a line was raised
	 * while it applied the writes it carries (drvhost.c hc_wait), so no wake-up is lost. */
	if (atomic_load(&vm->vcpu_known) && pthread_equal(pthread_self(), vm->vcpu_thread))
		return;
	ssize_t r = write(vm->kick_fd, &one, sizeof(one));

	(void)r; /* EAGAIN: the counter is already non-zero, the guest is woken anyway */
}

void ik_vm_stop(struct ik_vm *vm)
{
	uint64_t one = 1;

	vm->stop_requested = 1;
	/* The eventfd even on the vCPU thread (ik_vm_wake_guest skips it there): a signal
	 * handler may run on that thread between the idle wait's look at stop_requested and its
	 * ppoll (hypercall.c sleep_on_kick), which would then sleep for good with no timer in the
	 * guest. The counter makes that ppoll return at once. Async-signal-safe. */
	ssize_t r = write(vm->kick_fd, &one, sizeof(one));
	(void)r;
	ik_vm_kick_vcpu(vm);
}

void ik_vm_symbolize(const struct ik_vm *vm, uint64_t addr, char *out, size_t outlen)
{
	uint64_t off = 0;
	const char *sym = ik_image_symbolize(&vm->image, addr, &off);

	if (!*sym)
		snprintf(out, outlen, "%s", "");
	else
		snprintf(out, outlen, "%s+0x%llx", sym, (unsigned long long)off);
}

void ik_vm_raise_irq(struct ik_vm *vm, unsigned line)
{
	if (line >= 64)
		return;
	ik_dh_irq_raise(&vm->dh, vm->events, line);
	ik_vm_wake_guest(vm);
}
