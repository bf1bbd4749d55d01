/* SPDX-License-Identifier: MIT */
/*
 * KVM_EXIT_MMIO dispatch. The MMIO area holds the hypercall page, the doorbells (normally
 * served by ioeventfds without an exit), the port window and device-model MMIO windows.
 * Any other access outside RAM ends the VM as a violation naming the address.
 */
#include <stdio.h>
#include <string.h>

#include "vm_internal.h"

static const char *access_kind(bool write)
{
	return write ? "write" : "read";
}

static void violation(struct ik_vm *vm, const char *what)
{
	char where[160];

	ik_crash_where(vm, where, sizeof(where));
	ik_vm_end(vm, IK_END_VIOLATION, "driver '%s' violation: %s%s", vm->dh.name, what, where);
}

static void hypercall_exit(struct ik_vm *vm, uint64_t off, unsigned len, bool write,
			   const uint8_t *data)
{
	char what[160];
	uint64_t args;

	if (!write || len != 8 || off % 8) {
		snprintf(what, sizeof(what),
			 "bad hypercall access (%u-byte %s at offset 0x%llx; expected an 8-byte write)",
			 len, access_kind(write), (unsigned long long)off);
		violation(vm, what);
		return;
	}
	memcpy(&args, data, sizeof(args));
	ik_exit_profile_count(vm->profile, IK_EXIT_HYPERCALL, off / 8);
	ik_hypercall(vm, (unsigned)(off / 8), args);
}

static void port_exit(struct ik_vm *vm, uint64_t port, unsigned len, bool write, uint8_t *data)
{
	char what[160];

	if ((len != 1 && len != 2 && len != 4) || port + len > IK_PIO_PORTS) {
		snprintf(what, sizeof(what), "bad port access (%u-byte %s of port 0x%llx)", len,
			 access_kind(write), (unsigned long long)port);
		violation(vm, what);
		return;
	}
	ik_exit_profile_count(vm->profile, write ? IK_EXIT_PORT_WRITE : IK_EXIT_PORT_READ, port);
	ik_devices_pio(vm, (uint16_t)port, len, write, data);
}

/* A doorbell write reached user space: the channel has no ioeventfd (no client). Harmless. */
static void doorbell_exit(struct ik_vm *vm, uint64_t off, unsigned len, bool write)
{
	char what[160];

	if (write && len == 4 && off % 8 == 0 && off / 8 < IK_MAX_CHANNELS) {
		/* A race with a leaving client does this once; a flood is noted (once) and costs
		 * the driver only its own vCPU time. */
		if (!vm->doorbell_noted)
			ik_log(vm, "ikernel: driver '%s' rang the doorbell of channel %llu, which has no "
			       "client (ignored; not logged again)", vm->dh.name,
			       (unsigned long long)(off / 8));
		vm->doorbell_noted = true;
		return;
	}
	snprintf(what, sizeof(what), "bad doorbell access (%u-byte %s at 0x%llx)", len,
		 access_kind(write), (unsigned long long)(IK_GPA_DOORBELL + off));
	violation(vm, what);
}

void ik_mmio_exit(struct ik_vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t addr = run->mmio.phys_addr;
	unsigned len = run->mmio.len;
	bool write = run->mmio.is_write;
	char what[200];

	if (addr >= IK_GPA_HYPERCALL && addr < IK_GPA_HYPERCALL + 0x1000) {
		hypercall_exit(vm, addr - IK_GPA_HYPERCALL, len, write, run->mmio.data);
	} else if (addr >= IK_GPA_DOORBELL && addr < IK_GPA_DOORBELL + 0x1000) {
		doorbell_exit(vm, addr - IK_GPA_DOORBELL, len, write);
	} else if (addr >= IK_GPA_PIO && addr < IK_GPA_PIO + IK_PIO_PORTS) {
		port_exit(vm, addr - IK_GPA_PIO, len, write, run->mmio.data);
	} else if (addr >= IK_GPA_DEVMMIO && addr < IK_GPA_MMIO_END) {
		/* a granted model's window (sizes and bounds checked by the registry), else the end */
		ik_exit_profile_count(vm->profile, write ? IK_EXIT_MMIO_WRITE : IK_EXIT_MMIO_READ, addr);
		ik_devices_mmio(vm, addr, len, write, run->mmio.data);
	} else if (addr >= IK_GPA_CHAN_BASE && addr < IK_GPA_CHAN_BASE + IK_MAX_CHANNELS * IK_CHAN_STRIDE) {
		snprintf(what, sizeof(what), "%u-byte %s of channel %llu's area at 0x%llx, which has no client",
			 len, access_kind(write),
			 (unsigned long long)((addr - IK_GPA_CHAN_BASE) / IK_CHAN_STRIDE),
			 (unsigned long long)addr);
		violation(vm, what);
	} else {
		snprintf(what, sizeof(what), "%u-byte %s of guest-physical address 0x%llx, outside RAM and every MMIO window",
			 len, access_kind(write), (unsigned long long)addr);
		violation(vm, what);
	}
}
