/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the monitor's decoding of guest MMIO exits and hypercall arguments
 * (src/monitor/vm/mmio.c, hypercall.c) against a KVM-less VM (fakevm.h). Input:
 *   [u64 phys_addr selector][u8 len][u8 is_write][8 bytes data][rest: guest RAM from 1 MiB+64K]
 * so the argument structs and the strings/buffers they point to come from the fuzzer too. An
 * NE2000 is granted at 0x300-0x31f for IK_HC_PIO_STRING (seeds pio_string_in/out), a dma=strict
 * testdev at 0x500 (MMIO window 0x61000000) for IK_HC_DMA_MAP and its DMA (seed dma_map), and
 * a testdev@pci (window 0x61001000, I/O BAR 0xc000) for the PCI host and device MMIO (seed
 * mmio): selector 5 picks an address of the device MMIO area.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakevm.h"

static uint64_t pick_addr(uint64_t raw)
{
	switch (raw & 7) {
	case 0: case 1: case 2: /* a hypercall */
		return IK_GPA_HYPERCALL + ((raw >> 3) % (IK_HC__COUNT + 2)) * 8 + ((raw >> 12) & 1);
	case 3:
		return IK_GPA_DOORBELL + ((raw >> 3) % 0x1000);
	case 4:
		return IK_GPA_PIO + ((raw >> 3) % (IK_PIO_PORTS + 8));
	case 5:
		return IK_GPA_DEVMMIO + ((raw >> 3) % 0x3000);
	default:
		return raw >> 3;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ik_vm *vm;
	static struct kvm_run run;
	const size_t hdr = 8 + 1 + 1 + 8;
	uint64_t raw;

	if (!vm) {
		/* a granted card, so that IK_HC_PIO_STRING reaches a model (ne2000 at 0x300) */
		const char *list[] = {"ne2000", "testdev@0x500,dma=strict", "testdev@pci"};
		struct ik_vm_config cfg = {.devices = list, .ndevices = 3};
		char err[512];

		vm = fake_vm();
		vm->run = &run;
		if (ik_devices_init(vm, &cfg, err, sizeof(err)) != 0)
			abort();
		vm->dh.devs = &vm->devs;
	}
	if (size < hdr)
		return 0;
	fake_vm_reset(vm);
	memcpy(&raw, data, 8);
	size_t n = size - hdr < 0x100000 ? size - hdr : 0x100000;
	memset(vm->ram + IK_GPA_IMAGE + 0x10000, 0, 0x1000);
	memcpy(vm->ram + IK_GPA_IMAGE + 0x10000, data + hdr, n);
	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_MMIO;
	run.mmio.phys_addr = pick_addr(raw);
	run.mmio.len = 1u + data[8] % 8u;
	run.mmio.is_write = data[9] & 1;
	memcpy(run.mmio.data, data + 10, 8);
	/* args pointers in the data usually point into the fuzzed RAM: bias them there */
	if ((raw & 7) <= 2) {
		uint64_t a;
		memcpy(&a, run.mmio.data, 8);
		if (!(a >> 63))
			a = IK_GPA_IMAGE + 0x10000 + a % 0x100000;
		memcpy(run.mmio.data, &a, 8);
	}
	ik_mmio_exit(vm);
	return 0;
}
