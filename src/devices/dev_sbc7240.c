/* SPDX-License-Identifier: MIT */
/*
 * "sbc7240": the watchdog of the iEi EPIC Nano 7240 single-board computer. It decodes two
 * scattered ports (1-byte accesses only):
 *   PORT (default 0x443)  read: enable the watchdog / feed it; write N: timeout N s (1..255)
 *   PORT - 0x400 (0x043)  read: disable the watchdog
 * Expiry is reported as a board reset (simplewdt.h). Writing a timeout outside 1..255 is a
 * misuse of the board and ends the VM.
 */
#include <errno.h>
#include <stdlib.h>

#include "simplewdt.h"

#define SBC7240_DEFAULT_TIMEOUT 30u

static int sbc7240_init(struct ik_device *dev)
{
	struct simplewdt *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->timeout_s = SBC7240_DEFAULT_TIMEOUT;
	dev->state = w;
	return 0;
}

static void sbc7240_destroy(struct ik_device *dev)
{
	free(dev->state);
	dev->state = NULL;
}

static int sbc7240_read(struct ik_device *dev, uint16_t reg, unsigned size, uint32_t *val)
{
	struct simplewdt *w = dev->state;

	if (size != 1)
		return -EINVAL;
	if (reg == 0) {
		if (w->enabled)
			swdt_feed(w);
		else
			swdt_enable(dev, w);
	} else {
		swdt_disable(dev, w);
	}
	*val = 0xff;
	return 0;
}

static int sbc7240_write(struct ik_device *dev, uint16_t reg, unsigned size, uint32_t val)
{
	struct simplewdt *w = dev->state;

	if (size != 1 || reg != 0)
		return -EINVAL;
	if (val < 1 || val > 255)
		return -EINVAL;
	w->timeout_s = val;
	return 0;
}

static void sbc7240_tick(struct ik_device *dev, uint64_t now_ns)
{
	swdt_tick(dev, dev->state, now_ns);
}

static const struct ik_port_range sbc7240_ranges[] = {
	{.delta = 0, .count = 1, .reg = 0},
	{.delta = -0x400, .count = 1, .reg = 1},
};

const struct ik_devmodel ik_dev_sbc7240 = {
	.name = "sbc7240",
	.summary = "iEi SBC7240 watchdog (enable/feed 0x443, disable 0x043)",
	.default_port = 0x443,
	.nports = 2,
	.init = sbc7240_init,
	.destroy = sbc7240_destroy,
	.pio_read = sbc7240_read,
	.pio_write = sbc7240_write,
	.ranges = sbc7240_ranges,
	.nranges = 2,
	.tick = sbc7240_tick,
};
