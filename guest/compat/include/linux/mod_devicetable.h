/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/mod_devicetable.h> (the PCI ID table entry). */
#ifndef _IK_LINUX_MOD_DEVICETABLE_H
#define _IK_LINUX_MOD_DEVICETABLE_H

#include <linux/types.h>

#define PCI_ANY_ID (~0)

struct pci_device_id {
	__u32 vendor, device;       /* vendor and device ID or PCI_ANY_ID */
	__u32 subvendor, subdevice; /* subsystem IDs or PCI_ANY_ID */
	__u32 class, class_mask;    /* (class, subclass, prog-if) triplet */
	kernel_ulong_t driver_data; /* data private to the driver */
	__u32 override_only;
};

#endif
