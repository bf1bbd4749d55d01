/* SPDX-License-Identifier: MIT */
/* The vCPU loop (ik_vm_run): KVM_RUN on the calling thread and dispatch of every exit. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest_profile.h"
#include "kvm_stats.h"
#include "sandbox.h"
#include "vm_internal.h"

static void pin_vcpu(struct ik_vm *vm)
{
	cpu_set_t set;

	if (vm->vcpu_cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(vm->vcpu_cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		ik_log(vm, "ikernel: cannot pin the vCPU of '%s' to CPU %d", vm->dh.name, vm->vcpu_cpu);
}

/* The kick signal must reach this thread even if the caller blocked it. */
static void unblock_kick_signal(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static void handle_exit(struct ik_vm *vm)
{
	struct kvm_run *run = vm->run;
	char what[128];

	/* The exits that end the VM (a triple fault, an unexpected kind): counted by reason. */
	if (run->exit_reason != KVM_EXIT_MMIO && run->exit_reason != KVM_EXIT_INTR)
		ik_exit_profile_count(vm->profile, IK_EXIT_OTHER, run->exit_reason);
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		if (run->mmio.phys_addr >= IK_GPA_EXC_REPORT &&
		    run->mmio.phys_addr < IK_GPA_EXC_REPORT + 16 * IK_EXC_VECTORS &&
		    ik_crash_exception(vm))
			break;
		ik_mmio_exit(vm);
		break;
	case KVM_EXIT_SHUTDOWN:
		ik_crash_shutdown(vm);
		break;
	case KVM_EXIT_INTR:
		ik_guest_profile_sample(vm);
		ik_exit_profile_count(vm->profile, IK_EXIT_KICK, 0);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		if (ik_crash_exception(vm))
			break;
		snprintf(what, sizeof(what),
			 "KVM internal error (suberror %u%s)", run->internal.suberror,
			 run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
				 ? ": emulation failed, e.g. executing outside guest RAM"
				 : "");
		ik_crash_other(vm, what);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what), "VM entry failed (hardware reason 0x%llx)",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		ik_crash_other(vm, what);
		break;
	case KVM_EXIT_HLT:
		ik_crash_other(vm, "unexpected HLT");
		break;
	case KVM_EXIT_IO:
		snprintf(what, sizeof(what), "unexpected port I/O instruction (port 0x%x)",
			 run->io.port);
		ik_crash_other(vm, what);
		break;
	default:
		snprintf(what, sizeof(what), "unexpected KVM exit reason %u", run->exit_reason);
		ik_crash_other(vm, what);
		break;
	}
}

static void run_loop(struct ik_vm *vm)
{
	while (!atomic_load(&vm->ended)) {
		int r;

		if (vm->stop_requested) {
			ik_vm_end(vm, IK_END_STOPPED, "driver '%s' stopped", vm->dh.name);
			break;
		}
		atomic_store(&vm->in_guest, true);
		r = ioctl(vm->vcpu_fd, KVM_RUN, 0);
		atomic_store(&vm->in_guest, false);
		__atomic_store_n(&vm->exits, vm->exits + 1, __ATOMIC_RELAXED); /* read by the watchdog */
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				ik_guest_profile_sample(vm);
				ik_exit_profile_count(vm->profile, IK_EXIT_KICK, 0);
				continue;
			}
			ik_vm_end(vm, IK_END_CRASH, "driver '%s' crashed: KVM_RUN failed: %s", vm->dh.name,
				  strerror(errno));
			break;
		}
		atomic_store_explicit(&vm->exit_since, ik_mono_ns(), memory_order_relaxed);
		handle_exit(vm);
		atomic_store_explicit(&vm->exit_since, 0, memory_order_release); /* watchdog.c */
	}
}

/* Enter the sandbox (sandbox.c) when asked: every fd and thread the VM needs exists now. */
static bool enter_sandbox(struct ik_vm *vm)
{
	struct ik_sandbox_opts o = {
		.user = vm->sandbox_user[0] ? vm->sandbox_user : NULL,
		.keep_fd = fileno(vm->dh.log),
	};
	char err[300];

	if (!vm->sandbox)
		return true;
	if (ik_sandbox_enter(&o, err, sizeof(err)) < 0) {
		ik_vm_end(vm, IK_END_STOPPED, "driver '%s' not started: sandbox: %s", vm->dh.name, err);
		return false;
	}
	return true;
}

/* With the exit profile: KVM's own counters too, exits it handled in the kernel included. */
static void report_kvm_stats(struct ik_vm *vm, int stats_fd)
{
	char line[1024];
	int r;

	if (stats_fd < 0)
		return;
	r = ik_kvm_stats_describe(stats_fd, line, sizeof(line));
	if (r < 0)
		ik_log(vm, "ikernel: driver '%s' KVM's counters: cannot read them: %s", vm->dh.name,
		       strerror(-r));
	else
		ik_log(vm, "ikernel: driver '%s' KVM's counters (in-kernel exits too): %s",
		       vm->dh.name, line);
	close(stats_fd);
}

int ik_vm_run(struct ik_vm *vm, struct ik_vm_result *res)
{
	int stats_fd = -1;

	vm->vcpu_thread = pthread_self();
	if (pthread_getcpuclockid(vm->vcpu_thread, &vm->vcpu_clock))
		vm->vcpu_clock = CLOCK_MONOTONIC; /* not expected on Linux: wall time, as before */
	atomic_store(&vm->vcpu_known, true);
	unblock_kick_signal();
	pin_vcpu(vm);
	vm->profile = ik_exit_profile_new(); /* before the sandbox: it reads the environment */
	if (vm->profile)
		stats_fd = ik_kvm_stats_open(vm->vcpu_fd); /* an ioctl: before the sandbox too */
	ik_guest_profile_start(vm); /* a thread: before the sandbox too */
	if (enter_sandbox(vm))
		run_loop(vm);
	atomic_store(&vm->vcpu_known, false);
	ik_exit_profile_report(vm->profile, &vm->dh);
	vm->profile = NULL;
	report_kvm_stats(vm, stats_fd);
	ik_guest_profile_report(vm);
	if (vm->result.end == IK_END_HANG)
		ik_crash_finish_hang(vm);
	ik_server_notify_dead(vm);
	/* Free the driver's name now, not in ik_vm_destroy(): a replacement can start while this
	 * VM's slower tear-down (channels, memslots, descriptors) is still to come. */
	ik_rdv_remove(&vm->dh);
	pthread_mutex_lock(&vm->lock);
	*res = vm->result;
	res->exits = vm->exits;
	pthread_mutex_unlock(&vm->lock);
	ik_dh_finish(&vm->dh, res); /* when serving: the end report, then "... its name is free" */
	return 0;
}
