/* SPDX-License-Identifier: MIT */
/* The boot info page: everything the guest runtime learns from the monitor at start. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "ikernel/ring.h"
#include "vm_internal.h"

int ik_bootinfo_fill(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen)
{
	struct ik_bootinfo *bi = vm->bootinfo;
	const struct ik_layout *l = &vm->layout;
	int khz;

	if (cfg->params && strlen(cfg->params) >= IK_PARAMS_MAX) {
		snprintf(err, errlen, "module parameters are too long (%zu bytes, at most %u)",
			 strlen(cfg->params), IK_PARAMS_MAX - 1);
		return -E2BIG;
	}
	khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0) {
		snprintf(err, errlen, "KVM_GET_TSC_KHZ failed: %s", strerror(errno));
		return -errno;
	}
	bi->magic = IK_BOOTINFO_MAGIC;
	bi->abi_version = IK_ABI_VERSION;
	bi->features = IK_FEAT_IRQ | IK_FEAT_DOORBELL | IK_FEAT_PIO | IK_FEAT_FAULT |
		       IK_FEAT_PORT_GRANTS | IK_FEAT_RING_SEQ;
	/* More ranges than fit is not an error: the guest then refuses the rest in
	 * request_region(), the monitor allows them all. */
	ik_devset_port_grants(&vm->devs, bi->port_grant, IK_MAX_PORT_GRANTS);
	bi->mem_size = l->mem_size;
	bi->heap_start = l->heap_start;
	bi->heap_end = l->heap_end;
	bi->stack_base = l->stack_base;
	bi->stack_count = l->stack_count;
	bi->max_channels = IK_MAX_CHANNELS;
	bi->tsc_khz = (uint64_t)khz;
	bi->spin_ns = vm->spin_ns;
	bi->chan = ik_geometry_default();
	snprintf(bi->name, sizeof(bi->name), "%s", vm->name);
	if (cfg->params)
		snprintf(bi->params, sizeof(bi->params), "%s", cfg->params);
	return 0;
}
