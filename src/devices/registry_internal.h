/* SPDX-License-Identifier: MIT */
/* Device registry internals shared by devices.c (grants, routing), pci_host.c (the PCI bus)
 * and dma.c (device DMA): not for models. */
#ifndef IKMON_REGISTRY_INTERNAL_H
#define IKMON_REGISTRY_INTERNAL_H

#include "devmodel.h"

/* Configuration mechanism #1: CONFIG_ADDRESS at 0xcf8, CONFIG_DATA at 0xcfc-0xcff. */
#define IK_PCI_PORT_FIRST 0xcf8u
#define IK_PCI_PORT_END   0xd00u
/* I/O BARs of the functions: 0x100 ports per slot from here; INTx lines from IK_PCI_IRQ_BASE. */
#define IK_PCI_IO_BASE  0xc000u
#define IK_PCI_IO_SLOT  0x100u
#define IK_PCI_IRQ_BASE 16u
#define IK_PCI_FIRST_SLOT 1u

/* Command register bits the bus honours. */
#define IK_PCI_CMD_IO     0x0001u
#define IK_PCI_CMD_MEMORY 0x0002u
#define IK_PCI_CMD_MASTER 0x0004u

/* Slots, I/O BAR ports and INTx lines of the MODEL@pci grants (after parsing, before the
 * overlap checks); refuses an ISA grant of the configuration ports next to a PCI grant. */
int ik_pci_assign(const char *const *specs, size_t n, struct ik_device *devs, char *err,
		  size_t errlen);
/* A port access to the PCI host's ports (IK_PCI_PORT_FIRST..END) of a set with PCI grants. */
void ik_pci_config_pio(struct ik_devset *set, uint16_t port, unsigned size, bool write,
		       uint8_t *data);
/* The set's log lines for each PCI function (slot, ids, BARs, IRQ) and MMIO window. */
void ik_devset_log_layout(struct ik_devset *set);
/* The I/O BAR size of a PCI function's nports (a power of two, at least 4). */
uint32_t ik_pci_io_size(const struct ik_device *dev);

/* shadow.c: the PCI command register of dev changed (under dev->lock): republish its read
 * shadows (all-ones while memory decoding is off). */
void ik_dev_shadow_republish(struct ik_device *dev);

/* dma.c: read the grant's dma= option at init; free the strict table. */
int ik_dma_init(struct ik_devset *set, struct ik_device *dev);
void ik_dma_destroy(struct ik_devset *set);

#endif
