/* SPDX-License-Identifier: MIT */
/*
 * "wafer5823": the watchdog of the ICP Wafer 5823 single-board computer. It decodes two
 * scattered ports (1-byte accesses only):
 *   PORT (default 0x443)  write N: timeout N s (1..255, else the VM ends); read: (re)start
 *   PORT + 0x400 (0x843)  read: stop
 * The driver feeds it with a stop then a start. Expiry: a board reset (simplewdt.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "simplewdt.h"

#define WAFER_DEFAULT_TIMEOUT 60u

struct wafer {
	struct simplewdt w;
	bool stopping; /* stopped, and not yet started again: a feed or a real stop */
	uint64_t stop_ns;
};

static int wafer_init(struct ik_device *dev)
{
	struct wafer *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	b->w.timeout_s = WAFER_DEFAULT_TIMEOUT;
	dev->state = b;
	return 0;
}

static void wafer_destroy(struct ik_device *dev)
{
	free(dev->state);
	dev->state = NULL;
}

static int wafer_read(struct ik_device *dev, uint16_t reg, unsigned size, uint32_t *val)
{
	struct wafer *b = dev->state;

	if (size != 1)
		return -EINVAL;
	if (reg == 1) {
		/* quiet: the driver feeds with stop + start; a stop that stays is logged by tick */
		b->w.enabled = false;
		b->stopping = true;
		b->stop_ns = ik_dev_now_ns();
	} else if (b->stopping) {
		b->stopping = false;
		b->w.enabled = true;
		b->w.fed_ns = ik_dev_now_ns();
		b->w.feeds++;
	} else {
		swdt_enable(dev, &b->w);
	}
	*val = 0xff;
	return 0;
}

static int wafer_write(struct ik_device *dev, uint16_t reg, unsigned size, uint32_t val)
{
	struct wafer *b = dev->state;

	if (size != 1 || reg != 0 || val < 1 || val > 255)
		return -EINVAL;
	b->w.timeout_s = val;
	return 0;
}

static void wafer_tick(struct ik_device *dev, uint64_t now_ns)
{
	struct wafer *b = dev->state;

	if (b->stopping && now_ns - b->stop_ns > 100000000ull) { /* not a feed */
		b->stopping = false;
		ik_dev_log(dev, "wafer5823@0x%x: watchdog disabled", dev->port);
	}
	swdt_tick(dev, &b->w, now_ns);
}

static const struct ik_port_range wafer_ranges[] = {
	{.delta = 0, .count = 1, .reg = 0},
	{.delta = 0x400, .count = 1, .reg = 1},
};

const struct ik_devmodel ik_dev_wafer5823 = {
	.name = "wafer5823",
	.summary = "ICP Wafer 5823 watchdog (start 0x443, stop 0x843)",
	.default_port = 0x443,
	.nports = 2,
	.init = wafer_init,
	.destroy = wafer_destroy,
	.pio_read = wafer_read,
	.pio_write = wafer_write,
	.ranges = wafer_ranges,
	.nranges = 2,
	.tick = wafer_tick,
};
