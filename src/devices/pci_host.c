/* SPDX-License-Identifier: MIT */
/*
 * The monitor's PCI host: bus 0 of the driver's VM (or process) holds the device models granted
 * as MODEL@pci, one function 0 per slot from IK_PCI_FIRST_SLOT, reached by configuration
 * mechanism #1 (CONFIG_ADDRESS at port 0xcf8, CONFIG_DATA at 0xcfc-0xcff) through the port path
 * every driver already has, at both isolation levels.
 *
 * Config space is computed from the model, not stored: a type-0 header with the model's
 * vendor/device/class/revision/subsystem ids, BAR0 its MMIO window (if any), then an I/O BAR,
 * the INTx line (pin A) the monitor assigned, and one capability (power management, D0 only)
 * so the list is not empty. The BARs are fixed where the monitor placed them: writing all-ones
 * sizes a BAR (the next read gives its size mask, as on hardware), any other value restores
 * the address. The command register keeps I/O, memory and bus-master enables (honoured by the
 * registry and dma.c), parity, SERR and INTx-disable bits; every other write is ignored.
 * Everything the guest sends is a plain value: no access here can fail or reach memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ikernel/abi.h"
#include "registry_internal.h"

#define CFG_ENABLE    0x80000000u
#define CMD_WRITABLE  0x0547u
#define STATUS_CAPS   0x0010u
#define CAP_PM_OFFSET 0x40u
#define CAP_ID_PM     0x01u
#define PM_VERSION    0x0003u

uint32_t ik_pci_io_size(const struct ik_device *dev)
{
	uint32_t size = 4;

	while (size < dev->model->nports)
		size <<= 1;
	return size;
}

static bool has_io_bar(const struct ik_device *d)
{
	return d->model->nports > 0;
}

/* BAR n of d: 1 for an I/O BAR, 0 for a memory BAR, -1 for none. */
static int bar_kind(const struct ik_device *d, unsigned n)
{
	bool mem = d->model->mmio_size != 0;

	if (n == 0)
		return mem ? 0 : has_io_bar(d) ? 1 : -1;
	if (n == 1 && mem && has_io_bar(d))
		return 1;
	return -1;
}

static uint32_t bar_value(const struct ik_device *d, unsigned n)
{
	switch (bar_kind(d, n)) {
	case 0:
		if (d->pci_sizing & (1u << n))
			return ~(d->model->mmio_size - 1u) & 0xfffffff0u;
		return (uint32_t)d->mmio_base; /* 32-bit, not prefetchable */
	case 1:
		if (d->pci_sizing & (1u << n))
			return ~(ik_pci_io_size(d) - 1u) | 1u;
		return (uint32_t)d->port | 1u;
	default:
		return 0;
	}
}

static uint32_t config_dword(const struct ik_device *d, unsigned reg)
{
	const struct ik_pci_ident *id = d->model->pci;

	switch (reg) {
	case 0x00: return (uint32_t)id->device << 16 | id->vendor;
	case 0x04: return (uint32_t)STATUS_CAPS << 16 | d->pci_command;
	case 0x08: return id->class_code << 8 | id->revision;
	case 0x2c: return (uint32_t)id->subdevice << 16 | id->subvendor;
	case 0x34: return CAP_PM_OFFSET;
	case 0x3c: return 1u << 8 | (d->irq & 0xffu); /* pin INTA, the assigned line */
	case CAP_PM_OFFSET: return (uint32_t)PM_VERSION << 16 | CAP_ID_PM; /* last capability */
	default:
		if (reg >= 0x10 && reg <= 0x24)
			return bar_value(d, (reg - 0x10) / 4);
		return 0; /* PMCSR (D0) and everything else */
	}
}

static void config_write_dword(struct ik_device *d, unsigned reg, uint32_t v)
{
	if (reg == 0x04) {
		d->pci_command = (uint16_t)(v & CMD_WRITABLE);
		ik_dev_shadow_republish(d); /* decoding on or off: what a read would give */
	} else if (reg >= 0x10 && reg <= 0x24) {
		unsigned n = (reg - 0x10) / 4;

		if (v == 0xffffffffu && bar_kind(d, n) >= 0)
			d->pci_sizing |= (uint8_t)(1u << n);
		else
			d->pci_sizing &= (uint8_t)~(1u << n);
	}
}

static struct ik_device *function_at(struct ik_devset *set, uint32_t address)
{
	unsigned bus = (address >> 16) & 0xffu, slot = (address >> 11) & 0x1fu, fn = (address >> 8) & 7u;

	if (!(address & CFG_ENABLE) || bus != 0 || fn != 0)
		return NULL;
	for (size_t i = 0; i < set->ndevices; i++)
		if (set->devices[i].on_pci && set->devices[i].pci_slot == slot)
			return &set->devices[i];
	return NULL;
}

/* CONFIG_DATA: `size` bytes at byte `k` of the dword CONFIG_ADDRESS names. */
static void config_data(struct ik_devset *set, unsigned k, unsigned size, bool write,
			uint8_t *data)
{
	struct ik_device *d = function_at(set, set->pci_address);
	unsigned reg = set->pci_address & 0xfcu, shift = 8 * k;
	uint32_t mask = (size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1) << shift;
	uint32_t val = 0, old;

	if (!d || k + size > 4) { /* no function: a master abort reads all-ones */
		if (!write)
			memset(data, 0xff, size);
		return;
	}
	pthread_mutex_lock(&d->lock);
	old = config_dword(d, reg);
	if (write) {
		memcpy(&val, data, size);
		config_write_dword(d, reg, (old & ~mask) | ((val << shift) & mask));
	} else {
		val = (old & mask) >> shift;
		memcpy(data, &val, size);
	}
	pthread_mutex_unlock(&d->lock);
}

void ik_pci_config_pio(struct ik_devset *set, uint16_t port, unsigned size, bool write,
		       uint8_t *data)
{
	if (port >= 0xcfc) {
		config_data(set, port - 0xcfcu, size, write, data);
	} else if (port == 0xcf8 && size == 4) {
		if (write) {
			memcpy(&set->pci_address, data, 4);
			set->pci_address &= CFG_ENABLE | 0x00fffffcu;
		} else {
			memcpy(data, &set->pci_address, 4);
		}
	} else if (!write) {
		memset(data, 0xff, size); /* 0xcf9-0xcfb and narrow accesses: nothing there */
	}
}

static bool overlaps_config_ports(const struct ik_device *d)
{
	return !d->on_pci && d->port < IK_PCI_PORT_END &&
	       (uint32_t)d->port + d->model->nports > IK_PCI_PORT_FIRST;
}

int ik_pci_assign(const char *const *specs, size_t n, struct ik_device *devs, char *err,
		  size_t errlen)
{
	unsigned k = 0;
	size_t first_pci = n;

	for (size_t i = 0; i < n; i++) {
		struct ik_device *d = &devs[i];

		if (!d->on_pci)
			continue;
		if (first_pci == n)
			first_pci = i;
		d->pci_slot = (uint8_t)(IK_PCI_FIRST_SLOT + k);
		d->irq = IK_PCI_IRQ_BASE + k;
		d->port = (uint16_t)(IK_PCI_IO_BASE + k * IK_PCI_IO_SLOT);
		d->pci_command = 0;
		d->pci_sizing = 0;
		if (d->model->nports > IK_PCI_IO_SLOT) {
			snprintf(err, errlen, "device '%s': %u ports do not fit a PCI I/O BAR slot",
				 specs[i], d->model->nports);
			return -EINVAL;
		}
		k++;
	}
	for (size_t i = 0; first_pci < n && i < n; i++) {
		if (overlaps_config_ports(&devs[i])) {
			snprintf(err, errlen, "device '%s' overlaps the PCI configuration ports "
				 "0xcf8-0xcff of device '%s'", specs[i], specs[first_pci]);
			return -EBUSY;
		}
	}
	return 0;
}

void ik_devset_log_layout(struct ik_devset *set)
{
	for (size_t i = 0; i < set->ndevices; i++) {
		struct ik_device *d = &set->devices[i];
		char name[64], mmio[80] = "", io[64] = "";

		ik_dev_describe(d, name, sizeof(name));
		if (d->mmio_base)
			snprintf(mmio, sizeof(mmio), " MMIO 0x%llx-0x%llx",
				 (unsigned long long)d->mmio_base,
				 (unsigned long long)(d->mmio_base + d->model->mmio_size - 1));
		if (!d->on_pci) {
			if (mmio[0])
				ik_dev_log(d, "%s:%s", name, mmio);
			continue;
		}
		if (has_io_bar(d))
			snprintf(io, sizeof(io), " I/O 0x%x-0x%x", d->port,
				 d->port + ik_pci_io_size(d) - 1);
		ik_dev_log(d, "%s: PCI %04x:%04x class %06x,%s%s IRQ %u", name, d->model->pci->vendor,
			   d->model->pci->device, d->model->pci->class_code, mmio, io, d->irq);
	}
}
