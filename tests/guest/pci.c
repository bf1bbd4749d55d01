// SPDX-License-Identifier: MIT
/* The PCI bus of the compat layer against a testdev granted as testdev@pci (slot 1, BAR0 its
 * 4 KiB MMIO window at 0x61000000, BAR1 its 8 ports at 0xc000, INTx line 16), at both
 * isolation levels: enumeration and ID-table binding, config space, BAR sizing, the command
 * register gating decoding and DMA, regions, pci_iomap of both BAR kinds, request_irq on
 * pdev->irq, DMA with bus mastering, remove on unregister.
 * --param attack=nomaster: DMA after pci_clear_master (the monitor must refuse it). */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "guest_test.h"

static DECLARE_WAIT_QUEUE_HEAD(wq);
static int probes, removes, irqs;
static struct pci_dev *found;

static const struct pci_device_id ids[] = {
	{PCI_DEVICE(0x10ec, 0x8029)}, /* not on this bus */
	{PCI_DEVICE(0x1b36, 0x0005), .driver_data = 42},
	{0},
};

static irqreturn_t on_irq(int irq, void *dev_id)
{
	GUEST_ASSERT(dev_id == found);
	GUEST_ASSERT_EQ(irq, 16);
	irqs++;
	wake_up(&wq);
	return IRQ_HANDLED;
}

static void check_identity(struct pci_dev *pdev, const struct pci_device_id *id)
{
	static const struct pci_device_id by_class[] = {{PCI_DEVICE_CLASS(0xff0000, 0xff0000)}, {0}};
	static const struct pci_device_id other_sub[] = {
		{PCI_DEVICE_SUB(0x1b36, 0x0005, 0x1af4, 0x9999)}, {0}};
	u16 status;
	u8 pin;

	GUEST_ASSERT_EQ(id->driver_data, 42);
	GUEST_ASSERT_EQ(pdev->vendor, 0x1b36);
	GUEST_ASSERT_EQ(pdev->device, 0x0005);
	GUEST_ASSERT_EQ(pdev->subsystem_vendor, 0x1af4);
	GUEST_ASSERT_EQ(pdev->subsystem_device, 0x1100);
	GUEST_ASSERT_EQ(pdev->class, 0xff0000);
	GUEST_ASSERT_EQ(pdev->revision, 1);
	GUEST_ASSERT_EQ(PCI_SLOT(pdev->devfn), 1);
	GUEST_ASSERT_STR(pci_name(pdev), "0000:00:01.0");
	GUEST_ASSERT_EQ(pdev->irq, 16);
	GUEST_ASSERT(pci_match_id(by_class, pdev) == by_class);
	GUEST_ASSERT(pci_match_id(other_sub, pdev) == NULL);
	GUEST_ASSERT_EQ(pci_read_config_byte(pdev, PCI_INTERRUPT_PIN, &pin), 0);
	GUEST_ASSERT_EQ(pin, 1);
	GUEST_ASSERT_EQ(pci_read_config_word(pdev, PCI_STATUS, &status), 0);
	GUEST_ASSERT(status & PCI_STATUS_CAP_LIST);
	GUEST_ASSERT_EQ(pci_find_capability(pdev, PCI_CAP_ID_PM), 0x40);
	GUEST_ASSERT_EQ(pci_find_capability(pdev, PCI_CAP_ID_EXP), 0);
	GUEST_ASSERT(pci_read_config_word(pdev, 0x101, &status) != 0); /* bad offset */
	GUEST_ASSERT_EQ(pci_resource_flags(pdev, 0) & IORESOURCE_MEM, IORESOURCE_MEM);
	GUEST_ASSERT_EQ(pci_resource_start(pdev, 0), 0x61000000);
	GUEST_ASSERT_EQ(pci_resource_len(pdev, 0), 0x1000);
	GUEST_ASSERT_EQ(pci_resource_flags(pdev, 1) & IORESOURCE_IO, IORESOURCE_IO);
	GUEST_ASSERT_EQ(pci_resource_start(pdev, 1), 0xc000);
	GUEST_ASSERT_EQ(pci_resource_len(pdev, 1), 8);
	GUEST_ASSERT_EQ(pci_resource_len(pdev, 2), 0);
	GUEST_ASSERT_EQ(pci_select_bars(pdev, IORESOURCE_MEM | IORESOURCE_IO), 3);
}

static void check_dma(struct pci_dev *pdev, void __iomem *io)
{
	u8 *buf = kzalloc(64, GFP_KERNEL);
	dma_addr_t a;

	GUEST_ASSERT(buf != NULL);
	GUEST_ASSERT_EQ(pci_set_dma_mask(pdev, DMA_BIT_MASK(32)), 0);
	a = dma_map_single(&pdev->dev, buf, 64, DMA_FROM_DEVICE);
	iowrite32((u32)a, io + 4);
	iowrite8(1, io + 5); /* the device writes i ^ 0xa5 */
	dma_unmap_single(&pdev->dev, a, 64, DMA_FROM_DEVICE);
	for (unsigned i = 0; i < 64; i++)
		GUEST_ASSERT_EQ(buf[i], i ^ 0xa5);
	if (strstr(ik_bootinfo()->params, "attack=nomaster")) {
		pci_clear_master(pdev);
		iowrite32((u32)(unsigned long)buf, io + 4);
		iowrite8(1, io + 5);
		GUEST_ASSERT(!"DMA without bus mastering was not stopped");
	}
	kfree(buf);
}

static int probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	void __iomem *mem, *io;
	u16 cmd;

	probes++;
	found = pdev;
	check_identity(pdev, id);
	/* decoding is off until the driver enables the device: the window reads all-ones */
	GUEST_ASSERT_EQ(readl((void __iomem *)0x61000000ul), 0xffffffff);
	/* so does its read shadow (testdev STATUS, at 0x18), without an exit */
	GUEST_ASSERT_EQ(readl((void __iomem *)0x61000018ul), 0xffffffff);
	GUEST_ASSERT_EQ(pci_enable_device(pdev), 0);
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	GUEST_ASSERT_EQ(cmd & 7, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	GUEST_ASSERT_EQ(pci_request_regions(pdev, "pcitest"), 0);
	GUEST_ASSERT(pci_request_regions(pdev, "again") != 0);
	mem = pci_iomap(pdev, 0, 0);
	io = pci_iomap(pdev, 1, 0);
	GUEST_ASSERT(mem != NULL && io != NULL);
	writel(0x12345678, mem);
	GUEST_ASSERT_EQ(ioread32(mem), 0x12345678);
	GUEST_ASSERT_EQ(readl(mem + 0x18), 0x12345678); /* decoding on: the shadow is the value */
	iowrite16(0xbeef, io + 2); /* the port scratch register */
	GUEST_ASSERT_EQ(ioread16(io + 2), 0xbeef);
	GUEST_ASSERT_EQ(inw(pci_resource_start(pdev, 1) + 2), 0xbeef);
	pci_set_master(pdev);
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	GUEST_ASSERT(cmd & PCI_COMMAND_MASTER);
	GUEST_ASSERT_EQ(request_irq(pdev->irq, on_irq, IRQF_SHARED, "pcitest", pdev), 0);
	iowrite8((u8)pdev->irq, io); /* testdev: raise line v */
	GUEST_ASSERT(wait_event_timeout(wq, irqs == 1, HZ) > 0);
	check_dma(pdev, io);
	pci_set_drvdata(pdev, io);
	return 0;
}

static void remove(struct pci_dev *pdev)
{
	GUEST_ASSERT(pci_get_drvdata(pdev) != NULL);
	free_irq(pdev->irq, pdev);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	removes++;
}

static struct pci_driver drv = {
	.name = "pcitest",
	.id_table = ids,
	.probe = probe,
	.remove = remove,
};

int ik_guest_test(void)
{
	u16 cmd;

	GUEST_ASSERT_EQ(pci_register_driver(&drv), 0);
	GUEST_ASSERT_EQ(probes, 1);
	GUEST_ASSERT(pci_get_device(0x1b36, 0x0005, NULL) == found);
	GUEST_ASSERT(pci_get_device(0x1b36, 0x0005, found) == NULL);
	GUEST_ASSERT(pci_get_device(0x10ec, PCI_ANY_ID, NULL) == NULL);
	pci_unregister_driver(&drv);
	GUEST_ASSERT_EQ(removes, 1);
	pci_read_config_word(found, PCI_COMMAND, &cmd);
	GUEST_ASSERT_EQ(cmd & 7, 0);
	return 0;
}
