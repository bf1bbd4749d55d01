/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/pci.h>. The driver's PCI bus is the monitor's (bus 0, functions
 * granted as MODEL@pci, IK_FEAT_PCI), reached with configuration mechanism #1 on ports
 * 0xcf8/0xcfc. guest/compat/lib/pci.c enumerates it once (at the first registration or lookup,
 * i.e. at module init), sizes the BARs into pdev->resource[], takes the INTx line into
 * pdev->irq (a paravirtual line: request_irq() as usual), and binds drivers by their ID table.
 * BARs are where the monitor put them: drivers read them, nobody moves them. Power management
 * (save/restore state, D-states, wake-up) is accepted and does nothing: a driver VM is never
 * suspended.
 */
#ifndef _IK_LINUX_PCI_H
#define _IK_LINUX_PCI_H

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mod_devicetable.h>
#include <linux/pm.h>
#include <linux/types.h>

/* Config space registers (include/uapi/linux/pci_regs.h). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INVALIDATE 0x10
#define PCI_COMMAND_PARITY 0x40
#define PCI_COMMAND_SERR 0x100
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CLASS_REVISION 0x08
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_BASE_ADDRESS_SPACE_IO 0x01
#define PCI_BASE_ADDRESS_MEM_MASK (~0x0fUL)
#define PCI_BASE_ADDRESS_IO_MASK (~0x03UL)
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_LIST_NEXT 1

#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_VENDOR_ID_REALTEK 0x10ec
#define PCI_VENDOR_ID_INTEL 0x8086
#define PCI_VENDOR_ID_VMWARE 0x15ad
#define PCI_CLASS_NETWORK_ETHERNET 0x0200

#define PCI_STD_NUM_BARS 6
#define DEVICE_COUNT_RESOURCE (PCI_STD_NUM_BARS + 1)
#define PCI_ROM_RESOURCE PCI_STD_NUM_BARS

#define PCI_DEVFN(slot, func) ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn) & 0x07)

#define PCIBIOS_SUCCESSFUL 0x00
#define PCIBIOS_BAD_REGISTER_NUMBER 0x87
#define PCIBIOS_DEVICE_NOT_FOUND 0x86

typedef int pci_power_t;
#define PCI_D0 ((pci_power_t)0)
#define PCI_D1 ((pci_power_t)1)
#define PCI_D2 ((pci_power_t)2)
#define PCI_D3hot ((pci_power_t)3)
#define PCI_D3cold ((pci_power_t)4)

typedef unsigned int pci_channel_state_t;
typedef unsigned int pci_ers_result_t;
enum { pci_channel_io_normal = 1, pci_channel_io_frozen = 2, pci_channel_io_perm_failure = 3 };
enum {
	PCI_ERS_RESULT_NONE = 1,
	PCI_ERS_RESULT_CAN_RECOVER = 2,
	PCI_ERS_RESULT_NEED_RESET = 3,
	PCI_ERS_RESULT_DISCONNECT = 4,
	PCI_ERS_RESULT_RECOVERED = 5,
};

struct pci_bus {
	unsigned char number;
};

struct pci_dev {
	struct pci_bus *bus;
	unsigned int devfn;
	unsigned short vendor, device;
	unsigned short subsystem_vendor, subsystem_device;
	unsigned int class; /* base class << 16 | subclass << 8 | prog-if */
	u8 revision;
	u8 pin;
	unsigned int irq;
	u64 dma_mask;
	struct device dev;
	struct resource resource[DEVICE_COUNT_RESOURCE];
	pci_channel_state_t error_state;
	unsigned int is_busmaster : 1;
	int enable_cnt;
	struct pci_driver *driver;
	/* the compat core's */
	char ik_name[16]; /* "0000:00:SS.0" */
	struct pci_dev *ik_next;
};

struct pci_error_handlers {
	pci_ers_result_t (*error_detected)(struct pci_dev *dev, pci_channel_state_t error);
	pci_ers_result_t (*mmio_enabled)(struct pci_dev *dev);
	pci_ers_result_t (*slot_reset)(struct pci_dev *dev);
	void (*resume)(struct pci_dev *dev);
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	void (*remove)(struct pci_dev *dev);
	int (*suspend)(struct pci_dev *dev, pm_message_t state);
	int (*resume)(struct pci_dev *dev);
	void (*shutdown)(struct pci_dev *dev);
	const struct pci_error_handlers *err_handler;
	struct device_driver driver;
	/* the compat core's */
	struct pci_driver *ik_next;
};

#define to_pci_dev(d) container_of(d, struct pci_dev, dev)
#define to_pci_driver(d) container_of(d, struct pci_driver, driver)

#define PCI_DEVICE(vend, dev)                                                                     \
	.vendor = (vend), .device = (dev), .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID
#define PCI_VDEVICE(vend, dev)                                                                    \
	.vendor = PCI_VENDOR_ID_##vend, .device = (dev), .subvendor = PCI_ANY_ID,                  \
	.subdevice = PCI_ANY_ID, 0, 0
#define PCI_DEVICE_SUB(vend, dev, subvend, subdev)                                                 \
	.vendor = (vend), .device = (dev), .subvendor = (subvend), .subdevice = (subdev)
#define PCI_DEVICE_CLASS(dev_class, dev_class_mask)                                                \
	.class = (dev_class), .class_mask = (dev_class_mask), .vendor = PCI_ANY_ID,                \
	.device = PCI_ANY_ID, .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID

/* Enumeration and binding. */
int pci_register_driver(struct pci_driver *drv);
#define __pci_register_driver(drv, owner, name) pci_register_driver(drv)
void pci_unregister_driver(struct pci_driver *drv);
const struct pci_device_id *pci_match_id(const struct pci_device_id *ids, struct pci_dev *dev);
struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device, struct pci_dev *from);
static inline struct pci_dev *pci_dev_get(struct pci_dev *dev)
{
	return dev;
}
static inline void pci_dev_put(struct pci_dev *dev)
{
	(void)dev;
}
#define module_pci_driver(drv)                                                                     \
	static int __init drv##_ik_init(void)                                                      \
	{                                                                                          \
		return pci_register_driver(&(drv));                                                \
	}                                                                                          \
	module_init(drv##_ik_init);                                                                \
	static void __exit drv##_ik_exit(void)                                                     \
	{                                                                                          \
		pci_unregister_driver(&(drv));                                                     \
	}                                                                                          \
	module_exit(drv##_ik_exit)

/* Config space. 0 (PCIBIOS_SUCCESSFUL), or a PCIBIOS_* error for a bad offset. */
int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *dev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val);
u8 pci_find_capability(struct pci_dev *dev, int cap);
static inline int pcibios_err_to_errno(int err)
{
	return err ? -EIO : 0;
}

/* Enabling, bus mastering, regions. */
int pci_enable_device(struct pci_dev *dev);
int pci_enable_device_io(struct pci_dev *dev);
int pci_enable_device_mem(struct pci_dev *dev);
void pci_disable_device(struct pci_dev *dev);
static inline int pci_is_enabled(struct pci_dev *dev)
{
	return dev->enable_cnt > 0;
}
void pci_set_master(struct pci_dev *dev);
void pci_clear_master(struct pci_dev *dev);
/* Memory-write-and-invalidate needs the cache line size register, which the monitor's functions
 * do not keep: refused as Linux refuses it when the size does not stick. */
static inline int pci_set_mwi(struct pci_dev *dev)
{
	(void)dev;
	return -EINVAL;
}
static inline void pci_clear_mwi(struct pci_dev *dev)
{
	(void)dev;
}
/* The bus is conventional PCI: no function has a PCI-X capability (Linux: -EINVAL then). */
static inline int pcix_get_mmrbc(struct pci_dev *dev)
{
	(void)dev;
	return -EINVAL;
}
static inline int pcix_set_mmrbc(struct pci_dev *dev, int mmrbc)
{
	(void)dev;
	(void)mmrbc;
	return -EINVAL;
}
int pci_select_bars(struct pci_dev *dev, unsigned long flags);
int pci_request_region(struct pci_dev *dev, int bar, const char *name);
void pci_release_region(struct pci_dev *dev, int bar);
int pci_request_selected_regions(struct pci_dev *dev, int bars, const char *name);
void pci_release_selected_regions(struct pci_dev *dev, int bars);
int pci_request_regions(struct pci_dev *dev, const char *name);
void pci_release_regions(struct pci_dev *dev);

#define pci_resource_start(dev, bar) ((dev)->resource[(bar)].start)
#define pci_resource_end(dev, bar) ((dev)->resource[(bar)].end)
#define pci_resource_flags(dev, bar) ((dev)->resource[(bar)].flags)
#define pci_resource_len(dev, bar)                                                                 \
	((pci_resource_end((dev), (bar)) == 0) ? 0 :                                               \
	 (pci_resource_end((dev), (bar)) - pci_resource_start((dev), (bar)) + 1))

/* Mapping BARs: a memory BAR is its MMIO window; an I/O BAR a port cookie (asm/io.h). */
void __iomem *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen);
void pci_iounmap(struct pci_dev *dev, void __iomem *addr);
void __iomem *pci_ioremap_bar(struct pci_dev *dev, int bar);

static inline const char *pci_name(const struct pci_dev *pdev)
{
	return pdev->ik_name;
}
static inline void *pci_get_drvdata(struct pci_dev *pdev)
{
	return dev_get_drvdata(&pdev->dev);
}
static inline void pci_set_drvdata(struct pci_dev *pdev, void *data)
{
	dev_set_drvdata(&pdev->dev, data);
}
static inline int pci_domain_nr(struct pci_bus *bus)
{
	(void)bus;
	return 0;
}
static inline bool pci_channel_offline(struct pci_dev *pdev)
{
	return pdev->error_state != pci_channel_io_normal;
}
static inline int pci_set_dma_mask(struct pci_dev *dev, u64 mask)
{
	return dma_set_mask(&dev->dev, mask);
}
static inline int pci_set_consistent_dma_mask(struct pci_dev *dev, u64 mask)
{
	return dma_set_coherent_mask(&dev->dev, mask);
}

/* Power management: a driver VM is never suspended or woken; these succeed and do nothing. */
static inline int pci_save_state(struct pci_dev *dev)
{
	(void)dev;
	return 0;
}
static inline void pci_restore_state(struct pci_dev *dev)
{
	(void)dev;
}
static inline int pci_set_power_state(struct pci_dev *dev, pci_power_t state)
{
	(void)dev, (void)state;
	return 0;
}
static inline pci_power_t pci_choose_state(struct pci_dev *dev, pm_message_t state)
{
	(void)dev, (void)state;
	return PCI_D0;
}
static inline int pci_enable_wake(struct pci_dev *dev, pci_power_t state, bool enable)
{
	(void)dev, (void)state, (void)enable;
	return 0;
}
static inline int pci_wake_from_d3(struct pci_dev *dev, bool enable)
{
	(void)dev, (void)enable;
	return 0;
}
static inline int pci_prepare_to_sleep(struct pci_dev *dev)
{
	(void)dev;
	return 0;
}
static inline int pci_back_from_sleep(struct pci_dev *dev)
{
	(void)dev;
	return 0;
}
static inline bool pci_dev_run_wake(struct pci_dev *dev)
{
	(void)dev;
	return false;
}
static inline void pci_pme_active(struct pci_dev *dev, bool enable)
{
	(void)dev, (void)enable;
}
static inline bool pci_is_pcie(struct pci_dev *dev)
{
	(void)dev;
	return false;
}
static inline int pci_enable_msi(struct pci_dev *dev)
{
	(void)dev;
	return -ENOSYS; /* INTx only */
}
static inline void pci_disable_msi(struct pci_dev *dev)
{
	(void)dev;
}
static inline void pci_intx(struct pci_dev *dev, int enable)
{
	u16 cmd;

	if (pci_read_config_word(dev, PCI_COMMAND, &cmd) == 0)
		pci_write_config_word(dev, PCI_COMMAND, enable ? cmd & ~PCI_COMMAND_INTX_DISABLE :
								  cmd | PCI_COMMAND_INTX_DISABLE);
}

#endif
