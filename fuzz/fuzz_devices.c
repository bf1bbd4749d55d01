/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: device-model register access through the monitor's port dispatch
 * (src/devices/devices.c and every model in the registry), with every model granted at its
 * default port, plus every PCI-capable model as MODEL@pci. Input: records
 *   [u8 device][u8 register][u8 size][u8 flags][u32 value]
 * flags bit 0: a write; bit 1: an access of the device's MMIO window (register * 8, sizes up
 * to 8) instead of its ports; bit 2: a PCI configuration access (CONFIG_ADDRESS of the device's
 * slot, or of slot `value >> 24` for another, then CONFIG_DATA at register) instead.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakevm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ik_vm *vm;
	static size_t ngranted;

	if (!vm) {
		const char *list[IK_MAX_DEVICES];
		char err[512];
		size_t n = 0;

		/* grant the registry's models one by one: some share default ports; keep those that
		 * fit */
		static char pci[IK_MAX_DEVICES][64];

		for (size_t i = 0; n < IK_MAX_DEVICES; i++) { /* model i / 2: at its port, then @pci */
			const struct ik_devmodel *m = ik_devmodel_at(i / 2);

			if (!m)
				break;
			if (i % 2 && !m->pci)
				continue;
			struct ik_vm *probe = fake_vm();
			snprintf(pci[n], sizeof(pci[n]), "%s@pci", m->name);
			list[n] = i % 2 ? pci[n] : m->name;
			struct ik_vm_config cfg = {.devices = list, .ndevices = n + 1};
			if (ik_devices_init(probe, &cfg, err, sizeof(err)) == 0)
				n++;
			ik_devices_destroy(probe);
			fake_vm_free(probe);
		}
		vm = fake_vm();
		struct ik_vm_config cfg = {.devices = list, .ndevices = n};
		if (ik_devices_init(vm, &cfg, err, sizeof(err)) != 0)
			abort();
		ngranted = vm->devs.ndevices;
	}
	fake_vm_reset(vm);
	for (size_t i = 0; i + 8 <= size && ngranted; i += 8) {
		const struct ik_device *d = &vm->devs.devices[data[i] % ngranted];
		static const unsigned sizes[] = {1, 2, 4, 1, 8, 2, 4, 8};
		uint8_t val[8] = {0};
		unsigned flags = data[i + 3], size = sizes[data[i + 2] & 7];
		uint16_t port = (uint16_t)(d->port + data[i + 1] % (d->model->nports + 2));

		memcpy(val, data + i + 4, 4);
		if (flags & 4) {
			uint32_t slot = data[i + 7] ? data[i + 7] % 32u : d->pci_slot;
			uint32_t addr = 0x80000000u | slot << 11 | (data[i + 1] & 0xfcu);
			ik_devices_pio(vm, 0xcf8, 4, true, (uint8_t *)&addr);
			ik_devices_pio(vm, (uint16_t)(0xcfc + (data[i + 1] & 3u)), size > 4 ? 4 : size,
				       flags & 1, val);
		} else if ((flags & 2) && d->mmio_base) {
			ik_devices_mmio(vm, d->mmio_base + data[i + 1] * 8u + (data[i + 2] >> 3 & 7u) +
						    (flags >> 4) * 0x800u, size, flags & 1, val);
		} else {
			ik_devices_pio(vm, port, size > 4 ? 4 : size, flags & 1, val);
		}
		fake_vm_reset(vm);
	}
	return 0;
}
