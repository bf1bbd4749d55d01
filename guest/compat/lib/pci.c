/* SPDX-License-Identifier: MIT */
/*
 * The PCI bus of a driver VM (<linux/pci.h>): the monitor's bus 0 (IK_FEAT_PCI), through
 * configuration mechanism #1 (CONFIG_ADDRESS 0xcf8, CONFIG_DATA 0xcfc: port accesses, so the
 * same code serves both isolation levels). Enumerated once, when a driver first registers or
 * looks a device up (module init): each function's ids, its BARs sized the standard way
 * (write all-ones, read the mask, restore) into resource[], its INTx line into irq. Drivers bind
 * by their ID table. Cooperative threads: no locking.
 */
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA 0xcfc
#define MAX_SLOTS 32

static struct pci_bus bus0;
static struct pci_dev *devices;
static struct pci_driver *drivers;
static bool enumerated;

static void config_select(unsigned int devfn, int where)
{
	outl(0x80000000u | devfn << 8 | ((unsigned int)where & 0xfcu), CONFIG_ADDRESS);
}

static u32 config_read(unsigned int devfn, int where, unsigned int size)
{
	config_select(devfn, where);
	if (size == 1)
		return inb(CONFIG_DATA + (where & 3));
	if (size == 2)
		return inw(CONFIG_DATA + (where & 2));
	return inl(CONFIG_DATA);
}

static void config_write(unsigned int devfn, int where, unsigned int size, u32 val)
{
	config_select(devfn, where);
	if (size == 1)
		outb((u8)val, CONFIG_DATA + (where & 3));
	else if (size == 2)
		outw((u16)val, CONFIG_DATA + (where & 2));
	else
		outl(val, CONFIG_DATA);
}

/* An offset inside the 256-byte header, aligned to its size. */
static bool config_offset_ok(int where, unsigned int size)
{
	return where >= 0 && where + (int)size <= 256 && (where & (int)(size - 1)) == 0;
}

#define PCI_CONFIG_ACCESSORS(sfx, type, size)                                                      \
	int pci_read_config_##sfx(const struct pci_dev *dev, int where, type *val)                 \
	{                                                                                          \
		if (!config_offset_ok(where, size)) {                                              \
			*val = (type)~0u;                                                          \
			return PCIBIOS_BAD_REGISTER_NUMBER;                                        \
		}                                                                                  \
		*val = (type)config_read(dev->devfn, where, size);                                 \
		return PCIBIOS_SUCCESSFUL;                                                         \
	}                                                                                          \
	int pci_write_config_##sfx(const struct pci_dev *dev, int where, type val)                 \
	{                                                                                          \
		if (!config_offset_ok(where, size))                                                \
			return PCIBIOS_BAD_REGISTER_NUMBER;                                        \
		config_write(dev->devfn, where, size, val);                                        \
		return PCIBIOS_SUCCESSFUL;                                                         \
	}

PCI_CONFIG_ACCESSORS(byte, u8, 1)
PCI_CONFIG_ACCESSORS(word, u16, 2)
PCI_CONFIG_ACCESSORS(dword, u32, 4)

u8 pci_find_capability(struct pci_dev *dev, int cap)
{
	u8 pos = 0, id = 0;
	u16 status = 0;

	pci_read_config_word(dev, PCI_STATUS, &status);
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	pci_read_config_byte(dev, PCI_CAPABILITY_LIST, &pos);
	for (int ttl = 48; ttl-- && pos >= 0x40;) { /* bounded: a loop in the list ends */
		pos &= ~3;
		pci_read_config_byte(dev, pos, &id);
		if (id == cap)
			return pos;
		pci_read_config_byte(dev, pos + PCI_CAP_LIST_NEXT, &pos);
	}
	return 0;
}

/* BAR n: write all-ones, read the size mask back, restore; its resource from the two. */
static void size_bar(struct pci_dev *dev, int n)
{
	int reg = PCI_BASE_ADDRESS_0 + 4 * n;
	struct resource *res = &dev->resource[n];
	u32 orig, mask, size;

	pci_read_config_dword(dev, reg, &orig);
	pci_write_config_dword(dev, reg, ~0u);
	pci_read_config_dword(dev, reg, &mask);
	pci_write_config_dword(dev, reg, orig);
	if (!mask || mask == ~0u)
		return;
	if (orig & PCI_BASE_ADDRESS_SPACE_IO) {
		size = ~(mask & (u32)PCI_BASE_ADDRESS_IO_MASK) + 1;
		res->flags = IORESOURCE_IO;
		res->start = orig & (u32)PCI_BASE_ADDRESS_IO_MASK & 0xffffu;
		size &= 0xffffu;
	} else {
		size = ~(mask & (u32)PCI_BASE_ADDRESS_MEM_MASK) + 1;
		res->flags = IORESOURCE_MEM;
		res->start = orig & (u32)PCI_BASE_ADDRESS_MEM_MASK;
	}
	if (!size)
		return;
	res->end = res->start + size - 1;
	res->name = dev->ik_name;
}

static struct pci_dev *probe_slot(unsigned int slot)
{
	unsigned int devfn = PCI_DEVFN(slot, 0);
	u32 id = config_read(devfn, PCI_VENDOR_ID, 4), v;
	struct pci_dev *dev;

	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return NULL;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return NULL;
	dev->bus = &bus0;
	dev->devfn = devfn;
	dev->vendor = (unsigned short)id;
	dev->device = (unsigned short)(id >> 16);
	v = config_read(devfn, PCI_CLASS_REVISION, 4);
	dev->revision = (u8)v;
	dev->class = v >> 8;
	v = config_read(devfn, PCI_SUBSYSTEM_VENDOR_ID, 4);
	dev->subsystem_vendor = (unsigned short)v;
	dev->subsystem_device = (unsigned short)(v >> 16);
	v = config_read(devfn, PCI_INTERRUPT_LINE, 4);
	dev->irq = v & 0xff;
	dev->pin = (u8)(v >> 8);
	dev->dma_mask = DMA_BIT_MASK(32);
	dev->error_state = pci_channel_io_normal;
	snprintf(dev->ik_name, sizeof(dev->ik_name), "0000:00:%02x.0", slot);
	dev->dev.init_name = dev->ik_name;
	for (int n = 0; n < PCI_STD_NUM_BARS; n++)
		size_bar(dev, n);
	return dev;
}

static void enumerate(void)
{
	struct pci_dev **tail = &devices;

	if (enumerated)
		return;
	enumerated = true;
	if (!(ik_bootinfo()->features & IK_FEAT_PCI))
		return; /* no bus: its ports are not ours to touch */
	for (unsigned int slot = 0; slot < MAX_SLOTS; slot++) {
		struct pci_dev *dev = probe_slot(slot);

		if (dev) {
			*tail = dev;
			tail = &dev->ik_next;
		}
	}
}

static bool id_field_matches(__u32 want, unsigned int have)
{
	return want == (__u32)PCI_ANY_ID || want == have;
}

const struct pci_device_id *pci_match_id(const struct pci_device_id *ids, struct pci_dev *dev)
{
	for (; ids && (ids->vendor || ids->subvendor || ids->class_mask); ids++) {
		if (id_field_matches(ids->vendor, dev->vendor) &&
		    id_field_matches(ids->device, dev->device) &&
		    id_field_matches(ids->subvendor, dev->subsystem_vendor) &&
		    id_field_matches(ids->subdevice, dev->subsystem_device) &&
		    !((ids->class ^ dev->class) & ids->class_mask))
			return ids;
	}
	return NULL;
}

static void try_bind(struct pci_driver *drv, struct pci_dev *dev)
{
	const struct pci_device_id *id = pci_match_id(drv->id_table, dev);
	int r;

	if (!id || dev->driver)
		return;
	r = drv->probe(dev, id);
	if (r == 0)
		dev->driver = drv;
	else
		pr_info("pci %s: probe of %s failed with error %d\n", dev->ik_name, drv->name, r);
}

int pci_register_driver(struct pci_driver *drv)
{
	enumerate();
	drv->ik_next = drivers;
	drivers = drv;
	for (struct pci_dev *dev = devices; dev; dev = dev->ik_next)
		try_bind(drv, dev);
	return 0;
}

void pci_unregister_driver(struct pci_driver *drv)
{
	for (struct pci_dev *dev = devices; dev; dev = dev->ik_next) {
		if (dev->driver != drv)
			continue;
		if (drv->remove)
			drv->remove(dev);
		dev->driver = NULL;
		dev_set_drvdata(&dev->dev, NULL);
	}
	for (struct pci_driver **p = &drivers; *p; p = &(*p)->ik_next) {
		if (*p == drv) {
			*p = drv->ik_next;
			break;
		}
	}
}

struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device, struct pci_dev *from)
{
	enumerate();
	for (struct pci_dev *dev = from ? from->ik_next : devices; dev; dev = dev->ik_next)
		if (id_field_matches(vendor, dev->vendor) && id_field_matches(device, dev->device))
			return dev;
	return NULL;
}

/* ---- enabling, bus mastering, regions ------------------------------------------------------ */

static void command_update(struct pci_dev *dev, u16 set, u16 clear)
{
	u16 cmd = 0;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	if (((cmd | set) & ~clear) != cmd)
		pci_write_config_word(dev, PCI_COMMAND, (cmd | set) & ~clear);
}

static u16 decode_bits(struct pci_dev *dev, unsigned long flags)
{
	u16 bits = 0;

	for (int n = 0; n < PCI_STD_NUM_BARS; n++) {
		unsigned long f = dev->resource[n].flags & flags;

		if (f & IORESOURCE_IO)
			bits |= PCI_COMMAND_IO;
		if (f & IORESOURCE_MEM)
			bits |= PCI_COMMAND_MEMORY;
	}
	return bits;
}

static int enable_decoding(struct pci_dev *dev, unsigned long flags)
{
	command_update(dev, decode_bits(dev, flags), 0);
	dev->enable_cnt++;
	return 0;
}

int pci_enable_device(struct pci_dev *dev)
{
	return enable_decoding(dev, IORESOURCE_IO | IORESOURCE_MEM);
}

int pci_enable_device_io(struct pci_dev *dev)
{
	return enable_decoding(dev, IORESOURCE_IO);
}

int pci_enable_device_mem(struct pci_dev *dev)
{
	return enable_decoding(dev, IORESOURCE_MEM);
}

void pci_disable_device(struct pci_dev *dev)
{
	if (dev->enable_cnt > 0 && --dev->enable_cnt == 0) {
		command_update(dev, 0, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
		dev->is_busmaster = 0;
	}
}

void pci_set_master(struct pci_dev *dev)
{
	command_update(dev, PCI_COMMAND_MASTER, 0);
	dev->is_busmaster = 1;
}

void pci_clear_master(struct pci_dev *dev)
{
	command_update(dev, 0, PCI_COMMAND_MASTER);
	dev->is_busmaster = 0;
}

int pci_select_bars(struct pci_dev *dev, unsigned long flags)
{
	int bars = 0;

	for (int n = 0; n < PCI_STD_NUM_BARS; n++)
		if (dev->resource[n].flags & flags)
			bars |= 1 << n;
	return bars;
}

int pci_request_region(struct pci_dev *dev, int bar, const char *name)
{
	struct resource *res;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS || !pci_resource_len(dev, bar))
		return 0;
	res = &dev->resource[bar];
	if (res->flags & IORESOURCE_IO)
		return request_region(res->start, pci_resource_len(dev, bar), name) ? 0 : -EBUSY;
	if (res->flags & IORESOURCE_MEM)
		return request_mem_region(res->start, pci_resource_len(dev, bar), name) ? 0 : -EBUSY;
	return 0;
}

void pci_release_region(struct pci_dev *dev, int bar)
{
	struct resource *res;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS || !pci_resource_len(dev, bar))
		return;
	res = &dev->resource[bar];
	if (res->flags & IORESOURCE_IO)
		release_region(res->start, pci_resource_len(dev, bar));
	else if (res->flags & IORESOURCE_MEM)
		release_mem_region(res->start, pci_resource_len(dev, bar));
}

int pci_request_selected_regions(struct pci_dev *dev, int bars, const char *name)
{
	for (int n = 0; n < PCI_STD_NUM_BARS; n++) {
		int r;

		if (!(bars & (1 << n)))
			continue;
		if ((r = pci_request_region(dev, n, name))) {
			while (n--)
				if (bars & (1 << n))
					pci_release_region(dev, n);
			return r;
		}
	}
	return 0;
}

void pci_release_selected_regions(struct pci_dev *dev, int bars)
{
	for (int n = 0; n < PCI_STD_NUM_BARS; n++)
		if (bars & (1 << n))
			pci_release_region(dev, n);
}

int pci_request_regions(struct pci_dev *dev, const char *name)
{
	return pci_request_selected_regions(dev, (1 << PCI_STD_NUM_BARS) - 1, name);
}

void pci_release_regions(struct pci_dev *dev)
{
	pci_release_selected_regions(dev, (1 << PCI_STD_NUM_BARS) - 1);
}

/* ---- mapping BARs -------------------------------------------------------------------------- */

void __iomem *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen)
{
	resource_size_t len;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS || !(len = pci_resource_len(dev, bar)))
		return NULL;
	if (maxlen && maxlen < len)
		len = maxlen;
	if (dev->resource[bar].flags & IORESOURCE_IO)
		return ioport_map(dev->resource[bar].start, (unsigned int)len);
	if (dev->resource[bar].flags & IORESOURCE_MEM)
		return ioremap(dev->resource[bar].start, len);
	return NULL;
}

void pci_iounmap(struct pci_dev *dev, void __iomem *addr)
{
	(void)dev;
	if (!__ik_iomap_is_port(addr))
		iounmap(addr);
}

void __iomem *pci_ioremap_bar(struct pci_dev *dev, int bar)
{
	if (bar < 0 || bar >= PCI_STD_NUM_BARS || !(dev->resource[bar].flags & IORESOURCE_MEM))
		return NULL;
	return ioremap(dev->resource[bar].start, pci_resource_len(dev, bar));
}
