/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: device-model register access through the monitor's port dispatch
 * (src/devices/devices.c and every model in the registry), with every model granted at its
 * default port. Input: records [u8 device][u8 register][u8 size][u8 write][u32 value].
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
		for (size_t i = 0; ik_devmodel_at(i) && n < IK_MAX_DEVICES; i++) {
			struct ik_vm *probe = fake_vm();
			list[n] = ik_devmodel_at(i)->name;
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
		static const unsigned sizes[] = {1, 2, 4, 1};
		uint8_t val[4];
		uint16_t port = (uint16_t)(d->port + data[i + 1] % (d->model->nports + 2));

		memcpy(val, data + i + 4, 4);
		ik_devices_pio(vm, port, sizes[data[i + 2] & 3], data[i + 3] & 1, val);
		fake_vm_reset(vm);
	}
	return 0;
}
