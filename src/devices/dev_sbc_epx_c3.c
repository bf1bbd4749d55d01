/* SPDX-License-Identifier: MIT */
/*
 * "sbc_epx_c3": the watchdog of the Winsystems EPX-C3 single-board computer (2 ports, default
 * 0x1ee, 1-byte accesses only):
 *   +0 write 1: enable, 0: disable (other values end the VM)
 *   +1 write anything: feed the watchdog (once enabled)
 * Reads return 0xff (the board has no readable registers). The timeout is fixed at 1 s, as
 * the driver assumes (WDIOC_GETTIMEOUT reports 1). Expiry: a board reset (simplewdt.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "simplewdt.h"

static int epx_init(struct ik_device *dev)
{
	struct simplewdt *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->timeout_s = 1;
	dev->state = w;
	return 0;
}

static void epx_destroy(struct ik_device *dev)
{
	free(dev->state);
	dev->state = NULL;
}

static int epx_read(struct ik_device *dev, uint16_t reg, unsigned size, uint32_t *val)
{
	(void)dev;
	(void)reg;
	if (size != 1)
		return -EINVAL;
	*val = 0xff;
	return 0;
}

static int epx_write(struct ik_device *dev, uint16_t reg, unsigned size, uint32_t val)
{
	struct simplewdt *w = dev->state;

	if (size != 1)
		return -EINVAL;
	if (reg == 1) {
		swdt_feed(w);
		return 0;
	}
	if (val == 1)
		swdt_enable(dev, w);
	else if (val == 0)
		swdt_disable(dev, w);
	else
		return -EINVAL;
	return 0;
}

static void epx_tick(struct ik_device *dev, uint64_t now_ns)
{
	swdt_tick(dev, dev->state, now_ns);
}

const struct ik_devmodel ik_dev_sbc_epx_c3 = {
	.name = "sbc_epx_c3",
	.summary = "Winsystems EPX-C3 watchdog (control 0x1ee, feed 0x1ef, 1 s timeout)",
	.default_port = 0x1ee,
	.nports = 2,
	.init = epx_init,
	.destroy = epx_destroy,
	.pio_read = epx_read,
	.pio_write = epx_write,
	.tick = epx_tick,
};
