/* SPDX-License-Identifier: MIT */
/*
 * A monitor VM without KVM for the fuzz targets: guest RAM is a plain buffer with the usual
 * fixed pages and permissions, every fd is -1 (ioctls and eventfd writes fail harmlessly), the
 * log goes to /dev/null, and stop_requested makes IK_HC_WAIT return at once. The code under
 * test (hypercall.c, drvhost.c, mmio.c, devices.c) is the monitor's own, unchanged.
 */
#ifndef IK_FUZZ_FAKEVM_H
#define IK_FUZZ_FAKEVM_H

#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

#define FAKE_MEM 0x400000ull

static struct ik_vm *fake_vm(void)
{
	struct ik_vm *vm = calloc(1, sizeof(*vm));

	snprintf(vm->dh.name, sizeof(vm->dh.name), "fuzz");
	vm->dh.log = fopen("/dev/null", "w");
	ik_budget_init(&vm->dh.out, NULL); /* as ik_dh_init does: the models' lines pass */
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = vm->mem_fd = -1;
	vm->kick_fd = vm->ctl_wake_fd = vm->dh.listen_fd = -1;
	/* the driver-host core, as ik_vm_create sets it up (not serving) */
	vm->dh.ops = &ik_vm_dh_ops;
	vm->dh.be = vm;
	vm->dh.lock = &vm->lock;
	vm->dh.cond = &vm->cond;
	ik_door_init(&vm->dh.door);
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		vm->chans[i].client_fd = vm->chans[i].mem_fd = vm->chans[i].done_fd = -1;
	vm->layout.mem_size = FAKE_MEM;
	vm->ram = calloc(FAKE_MEM, 1);
	vm->page_flags = calloc(FAKE_MEM / IK_PAGE_SIZE, 1);
	vm->bootinfo = (struct ik_bootinfo *)(vm->ram + IK_GPA_BOOTINFO);
	vm->events = (struct ik_events *)(vm->ram + IK_GPA_EVENTS);
	ik_mem_protect(vm, IK_GPA_GDT, IK_PAGE_SIZE, IK_PF_PRESENT);
	ik_mem_protect(vm, IK_GPA_BOOTINFO, IK_PAGE_SIZE, IK_PF_PRESENT | IK_PF_UREAD);
	ik_mem_protect(vm, IK_GPA_EVENTS, IK_PAGE_SIZE, IK_PF_PRESENT | IK_PF_UREAD | IK_PF_UWRITE);
	/* "image": code (RX) then data (RW), like a loaded driver */
	ik_mem_protect(vm, IK_GPA_IMAGE, 0x10000, IK_PF_PRESENT | IK_PF_UREAD | IK_PF_UEXEC);
	ik_mem_protect(vm, IK_GPA_IMAGE + 0x10000, 0x100000,
		       IK_PF_PRESENT | IK_PF_UREAD | IK_PF_UWRITE);
	vm->stop_requested = 1; /* IK_HC_WAIT never sleeps */
	vm->hang_ms = 1000;
	return vm;
}

static void fake_vm_free(struct ik_vm *vm)
{
	fclose(vm->dh.log);
	free(vm->ram);
	free(vm->page_flags);
	free(vm);
}

/* Forget how the previous input ended the VM. */
static void fake_vm_reset(struct ik_vm *vm)
{
	atomic_store(&vm->ended, false);
	memset(&vm->result, 0, sizeof(vm->result));
	vm->dh.ready = false;
	vm->dh.nnodes = 0;
}

#endif
