/* SPDX-License-Identifier: MIT */
/* The boot info page of a driver VM: its layout and clock; the rest is the core's
 * (ik_dh_bootinfo: name, parameters, geometry, port grants). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vm_internal.h"

int ik_bootinfo_fill(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen)
{
	const struct ik_layout *l = &vm->layout;
	int khz;

	(void)cfg; /* name and parameters: checked and kept by the core (ik_dh_init) */
	khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0) {
		snprintf(err, errlen, "KVM_GET_TSC_KHZ failed: %s", strerror(errno));
		return -errno;
	}
	ik_dh_bootinfo(&vm->dh, vm->bootinfo, &(struct ik_dh_boot){
		.features = IK_FEAT_IRQ | IK_FEAT_DOORBELL | IK_FEAT_PIO | IK_FEAT_FAULT |
			    IK_FEAT_PORT_GRANTS | IK_FEAT_RING_SEQ | IK_FEAT_PIO_STRING,
		.mem_size = l->mem_size,
		.heap_start = l->heap_start,
		.heap_end = l->heap_end,
		.stack_base = l->stack_base,
		.stack_count = l->stack_count,
		.tsc_khz = (uint64_t)khz,
		.spin_ns = vm->spin_ns,
		.devs = &vm->devs,
		.events = vm->events,
	});
	return 0;
}
