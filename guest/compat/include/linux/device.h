/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/device.h>, the minimum: no driver model in a driver VM. */
#ifndef _IK_LINUX_DEVICE_H
#define _IK_LINUX_DEVICE_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/pm.h>

/* What a bus driver (platform, PCI) embeds: its name and power-management callbacks (which a
 * driver VM, never suspended, does not call). */
struct device_driver {
	const char *name;
	const struct dev_pm_ops *pm;
};

struct device {
	struct device *parent;
	const char *init_name;
	void *driver_data;
};

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

#define dev_err(dev, fmt, ...) ((void)(dev), pr_err(fmt, ##__VA_ARGS__))
#define dev_warn(dev, fmt, ...) ((void)(dev), pr_warn(fmt, ##__VA_ARGS__))
#define dev_info(dev, fmt, ...) ((void)(dev), pr_info(fmt, ##__VA_ARGS__))
#define dev_notice(dev, fmt, ...) ((void)(dev), pr_notice(fmt, ##__VA_ARGS__))
#define dev_dbg(dev, fmt, ...) ((void)(dev), pr_debug(fmt, ##__VA_ARGS__))

#endif
