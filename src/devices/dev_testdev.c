/* SPDX-License-Identifier: MIT */
/*
 * "testdev": a device for tests (8 ports).
 *   base+0 write v: raise interrupt line v (v < 64; larger values end the VM)
 *   base+1 read   : number of writes to the device so far
 *   base+2        : scratch register, 1/2/4-byte accesses read back what was written
 *   base+3 write v: a slow device: the access takes v ms (v <= 1000) of the monitor's time
 *   other ports   : read 0, writes ignored (but counted)
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "devmodel.h"

struct testdev {
	uint32_t writes;
	uint32_t scratch;
};

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
	else
		*val = 0;
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
		t->scratch = val & size_mask(size);
	} else if (off == 3) {
		struct timespec ts = {.tv_sec = val / 1000, .tv_nsec = (long)(val % 1000) * 1000000};

		if (val > 1000)
			return -EINVAL;
		nanosleep(&ts, NULL); /* allowed by the sandboxes: the monitors sleep anyway */
	}
	return 0;
}

const struct ik_devmodel ik_dev_testdev = {
	.name = "testdev",
	.summary = "test device: irq trigger, write counter, scratch register, slow access",
	.default_port = 0x500,
	.nports = 8,
	.init = testdev_init,
	.destroy = testdev_destroy,
	.pio_read = testdev_read,
	.pio_write = testdev_write,
};
