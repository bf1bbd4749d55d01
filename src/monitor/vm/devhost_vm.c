/* SPDX-License-Identifier: MIT */
/*
 * The driver VM as the host of its device models (devmodel.h struct ik_dev_host): interrupts
 * go to the VM's pending mask and event page, device lines to the monitor log prefixed with
 * the driver's name; a port access outside the grants ends the VM with where the vCPU was.
 */
#include <stdatomic.h>

#include "vm_internal.h"

static void vm_raise_irq(void *ctx, unsigned line)
{
	ik_vm_raise_irq(ctx, line);
}

static void vm_log(void *ctx, const char *line)
{
	struct ik_vm *vm = ctx;

	ik_dh_out(&vm->dh, "[%s] %s", vm->dh.name, line); /* charged to its output budget */
}

static bool vm_ended(void *ctx)
{
	struct ik_vm *vm = ctx;

	return atomic_load(&vm->ended);
}

int ik_devices_init(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen)
{
	const struct ik_dev_host host = {
		.ctx = vm,
		.raise_irq = vm_raise_irq,
		.log = vm_log,
		.ended = vm_ended,
	};

	return ik_devset_init(&vm->devs, &host, cfg->devices, cfg->ndevices, err, errlen);
}

void ik_devices_destroy(struct ik_vm *vm)
{
	ik_devset_destroy(&vm->devs);
}

void ik_devices_pio(struct ik_vm *vm, uint16_t port, unsigned size, bool write, uint8_t *data)
{
	char why[200], where[160];

	if (ik_devset_pio(&vm->devs, vm->dh.name, port, size, write, data, why, sizeof(why)) == 0)
		return;
	ik_crash_where(vm, where, sizeof(where));
	ik_vm_end(vm, IK_END_VIOLATION, "driver '%s' violation: %s%s", vm->dh.name, why, where);
}
