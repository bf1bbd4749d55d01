/* SPDX-License-Identifier: MIT */
/*
 * The common core of the small ISA watchdog boards (sbc7240, sbc_epx_c3, wafer5823): a timer
 * that, once enabled, must be fed within `timeout_s` seconds, or it "resets the board" — which
 * the model reports to the monitor log (the driver VM keeps running: it is the supervisor's
 * business what a board reset means). A reset also disables the timer, as a reset board comes
 * back with its watchdog off. Header-only; each board file decodes its own ports.
 */
#ifndef IKMON_SIMPLEWDT_H
#define IKMON_SIMPLEWDT_H

#include "devmodel.h"

struct simplewdt {
	bool enabled;
	unsigned timeout_s;
	uint64_t fed_ns;
	unsigned resets, feeds;
};

static inline void swdt_enable(struct ik_device *dev, struct simplewdt *w)
{
	if (!w->enabled)
		ik_dev_log(dev, "%s@0x%x: watchdog enabled, timeout %u s", dev->model->name,
			   dev->port, w->timeout_s);
	w->enabled = true;
	w->fed_ns = ik_dev_now_ns();
}

static inline void swdt_disable(struct ik_device *dev, struct simplewdt *w)
{
	if (w->enabled)
		ik_dev_log(dev, "%s@0x%x: watchdog disabled", dev->model->name, dev->port);
	w->enabled = false;
}

static inline void swdt_feed(struct simplewdt *w)
{
	if (w->enabled) {
		w->fed_ns = ik_dev_now_ns();
		w->feeds++;
	}
}

static inline void swdt_tick(struct ik_device *dev, struct simplewdt *w, uint64_t now_ns)
{
	if (!w->enabled || now_ns - w->fed_ns < (uint64_t)w->timeout_s * 1000000000ull)
		return;
	w->enabled = false;
	w->resets++;
	ik_dev_log(dev, "%s@0x%x: watchdog expired (not fed for %u s): BOARD RESET (reset #%u)",
		   dev->model->name, dev->port, w->timeout_s, w->resets);
}

#endif /* IKMON_SIMPLEWDT_H */
