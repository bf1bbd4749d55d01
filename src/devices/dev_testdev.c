/* SPDX-License-Identifier: MIT */
/*
 * "testdev": a device for tests (8 ports).
 *   base+0 write v: raise interrupt line v (v < 64; larger values end the VM)
 *   base+1 read   : number of writes to the device so far
 *   base+2        : scratch register, 1/2/4-byte accesses read back what was written
 *   base+3 write v: a slow device: the access takes v ms (v <= 1000) of the monitor's time
 *   base+4 write  : 4-byte DMA address (guest-physical; the driver's own address in a process)
 *   base+5 write v: DMA of 64 bytes at that address: 1 = the device writes bytes i ^ 0xa5,
 *                   2 = the device reads them and keeps their sum in the scratch register
 *   base+6 write v: the access log (below) takes v's low byte
 *   base+7 read   : the scratch register's low byte, a port read shadow (IK_SHADOW_PORT_READ:
 *                   the guest reads it without an exit while no port write is held)
 *   other ports   : read 0, writes ignored (but counted)
 * MMIO window (4 KiB): offset 0 an 8-byte scratch register (any width reads back what was
 * written), offset 8 reads the number of MMIO accesses so far (that reached the model), offset
 * 16 the access log: a write there, like one to port base+6, shifts the value's low byte in
 * (log = log << 8 | v), an 8-byte read returns the last eight such bytes, oldest highest (the
 * order in which port and MMIO writes arrived); offset 24 (4 bytes) reads the scratch
 * register's low half, and is a read shadow (devmodel.h: the guest reads it without an exit,
 * so such a read is not counted); offset 28, a lazy register, logs its writes as offset 16
 * does; the rest reads 0.
 * As a PCI function (testdev@pci): 1b36:0005 (QEMU's PCI test device ids), class ff0000, BAR0
 * the MMIO window, BAR1 the 8 ports.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "ikernel/abi.h"

#include "devmodel.h"

#define TESTDEV_DMA_LEN 64u

struct testdev {
	uint32_t writes;
	uint32_t scratch;
	uint32_t dma_addr;
	uint64_t mmio_scratch;
	uint64_t mmio_accesses;
	uint64_t log; /* the access log: the last eight bytes written to it, newest lowest */
};

#define TESTDEV_LOG_PORT 6u
#define TESTDEV_LOG_MMIO 16u
#define TESTDEV_STATUS   24u /* read shadow: the scratch register's low half */
#define TESTDEV_LAZY_LOG 28u /* lazy: a log write that may wait past a read of STATUS */
#define TESTDEV_SHADOW_PORT 7u /* port read shadow: the scratch register's low byte */

static const struct ik_dev_shadow testdev_shadows[] = {
	{TESTDEV_STATUS, IK_SHADOW_READ}, /* shadow 0 */
	{TESTDEV_LAZY_LOG, IK_SHADOW_LAZY},
	{TESTDEV_SHADOW_PORT, IK_SHADOW_PORT_READ}, /* shadow 2 */
};

/* The port scratch register changed: its shadow port follows. */
static void set_scratch(struct ik_device *dev, struct testdev *t, uint32_t v)
{
	t->scratch = v;
	ik_dev_shadow_set(dev, 2, v & 0xffu);
}

static int testdev_init(struct ik_device *dev)
{
	dev->state = calloc(1, sizeof(struct testdev));
	return dev->state ? 0 : -ENOMEM;
}

static void testdev_destroy(struct ik_device *dev)
{
	free(dev->state);
	dev->state = NULL;
}

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static int testdev_read(struct ik_device *dev, uint16_t off, unsigned size, uint32_t *val)
{
	struct testdev *t = dev->state;

	if (off == 1)
		*val = t->writes & size_mask(size);
	else if (off == 2)
		*val = t->scratch & size_mask(size);
	else if (off == TESTDEV_SHADOW_PORT)
		*val = t->scratch & 0xffu;
	else
		*val = 0;
	return 0;
}

/* A refused DMA has ended the driver already (ik_dev_dma_*): nothing more to do here. */
static int testdev_dma(struct ik_device *dev, struct testdev *t, uint32_t op)
{
	uint8_t buf[TESTDEV_DMA_LEN];
	uint32_t sum = 0;

	if (op == 1) {
		for (unsigned i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)(i ^ 0xa5u);
		ik_dev_dma_write(dev, t->dma_addr, buf, sizeof(buf));
	} else if (op == 2) {
		if (ik_dev_dma_read(dev, t->dma_addr, buf, sizeof(buf)) == 0) {
			for (unsigned i = 0; i < sizeof(buf); i++)
				sum += buf[i];
			set_scratch(dev, t, sum);
		}
	} else {
		return -EINVAL;
	}
	return 0;
}

static int testdev_mmio_read(struct ik_device *dev, uint32_t off, unsigned size, uint64_t *val)
{
	struct testdev *t = dev->state;
	uint64_t v = off < 8 ? t->mmio_scratch >> (8 * off) : off == 8 ? t->mmio_accesses
				  : off == TESTDEV_LOG_MMIO ? t->log
				  : off == TESTDEV_STATUS ? (uint32_t)t->mmio_scratch : 0;

	t->mmio_accesses++;
	*val = size == 8 ? v : v & ((1ull << (8 * size)) - 1);
	return 0;
}

static int testdev_mmio_write(struct ik_device *dev, uint32_t off, unsigned size, uint64_t val)
{
	struct testdev *t = dev->state;
	uint64_t mask = size == 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;

	t->mmio_accesses++;
	if (off + size <= 8) {
		t->mmio_scratch = (t->mmio_scratch & ~(mask << (8 * off))) | (val & mask) << (8 * off);
		ik_dev_shadow_set(dev, 0, (uint32_t)t->mmio_scratch);
	} else if (off == TESTDEV_LOG_MMIO || off == TESTDEV_LAZY_LOG) {
		t->log = t->log << 8 | (val & 0xff);
	}
	return 0;
}

static int testdev_write(struct ik_device *dev, uint16_t off, unsigned size, uint32_t val)
{
	struct testdev *t = dev->state;

	t->writes++;
	if (off == 0) {
		if (val >= 64)
			return -EINVAL;
		ik_dev_raise_irq(dev, val);
	} else if (off == 2) {
		set_scratch(dev, t, val & size_mask(size));
	} else if (off == 4 && size == 4) {
		t->dma_addr = val;
	} else if (off == TESTDEV_LOG_PORT) {
		t->log = t->log << 8 | (val & 0xff);
	} else if (off == 5) {
		return testdev_dma(dev, t, val);
	} else if (off == 3) {
		struct timespec ts = {.tv_sec = val / 1000, .tv_nsec = (long)(val % 1000) * 1000000};

		if (val > 1000)
			return -EINVAL;
		nanosleep(&ts, NULL); /* allowed by the sandboxes: the monitors sleep anyway */
	}
	return 0;
}

static const struct ik_pci_ident testdev_pci = {
	.vendor = 0x1b36, .device = 0x0005, .subvendor = 0x1af4, .subdevice = 0x1100,
	.class_code = 0xff0000, .revision = 1,
};

const struct ik_devmodel ik_dev_testdev = {
	.name = "testdev",
	.summary = "test device: irq trigger, write counter, scratch registers, slow access, DMA, MMIO, PCI",
	.default_port = 0x500,
	.nports = 8,
	.init = testdev_init,
	.destroy = testdev_destroy,
	.pio_read = testdev_read,
	.pio_write = testdev_write,
	.mmio_size = 0x1000,
	.mmio_read = testdev_mmio_read,
	.mmio_write = testdev_mmio_write,
	.pci = &testdev_pci,
	.shadows = testdev_shadows,
	.nshadows = sizeof(testdev_shadows) / sizeof(testdev_shadows[0]),
};
