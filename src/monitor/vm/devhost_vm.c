/* SPDX-License-Identifier: MIT */
/*
 * The driver VM as the host of its device models (devmodel.h struct ik_dev_host): interrupts
 * go to the VM's pending mask and event page, device lines to the monitor log prefixed with
 * the driver's name; a port or MMIO access outside the grants ends the VM with where the vCPU
 * was. Device DMA goes through ik_vm_gpa(), the one checked translator: guest RAM the driver
 * itself may read (for a device read) or write (for a device write), nothing else.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

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

static int vm_dma_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	const void *src = ik_vm_gpa(ctx, gpa, len, false);

	if (!src)
		return -EFAULT;
	memcpy(buf, src, len);
	return 0;
}

static int vm_dma_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	void *dst = ik_vm_gpa(ctx, gpa, len, true);

	if (!dst)
		return -EFAULT;
	memcpy(dst, buf, len);
	return 0;
}

/* A device's DMA is not an instruction of the driver's: no "where" (and the vCPU may be
 * running while a timer thread does it). */
static void vm_dev_violation(void *ctx, const char *why)
{
	struct ik_vm *vm = ctx;

	ik_vm_end(vm, IK_END_VIOLATION, "driver '%s' violation: %s", vm->dh.name, why);
}

int ik_devices_init(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen)
{
	const struct ik_dev_host host = {
		.ctx = vm,
		.raise_irq = vm_raise_irq,
		.log = vm_log,
		.ended = vm_ended,
		.dma_read = vm_dma_read,
		.dma_write = vm_dma_write,
		.violation = vm_dev_violation,
		.ram_base = 0,
		.ram_size = cfg->mem_size ? cfg->mem_size : IK_MEM_DEFAULT,
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

void ik_devices_mmio(struct ik_vm *vm, uint64_t gpa, unsigned size, bool write, uint8_t *data)
{
	char why[200], where[160];
	uint64_t val = 0;

	if (write)
		memcpy(&val, data, size < sizeof(val) ? size : sizeof(val));
	if (ik_devset_mmio(&vm->devs, vm->dh.name, gpa, size, write, &val, why, sizeof(why)) == 0) {
		if (!write)
			memcpy(data, &val, size);
		return;
	}
	ik_crash_where(vm, where, sizeof(where));
	ik_vm_end(vm, IK_END_VIOLATION, "driver '%s' violation: %s%s", vm->dh.name, why, where);
}
