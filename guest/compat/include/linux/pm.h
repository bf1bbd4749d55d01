/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/pm.h> and <linux/pm_wakeup.h>. A driver VM is never suspended
 * and cannot wake anything: a driver's power-management callbacks are kept (linked, never
 * called) and wake-up is refused (no device can wake the system). */
#ifndef _IK_LINUX_PM_H
#define _IK_LINUX_PM_H

#include <linux/errno.h>
#include <linux/types.h>

struct device;

struct dev_pm_ops {
	int (*suspend)(struct device *dev);
	int (*resume)(struct device *dev);
	int (*freeze)(struct device *dev);
	int (*thaw)(struct device *dev);
	int (*poweroff)(struct device *dev);
	int (*restore)(struct device *dev);
};

#define SIMPLE_DEV_PM_OPS(name, suspend_fn, resume_fn)                                             \
	const struct dev_pm_ops name = {                                                           \
		.suspend = (suspend_fn), .resume = (resume_fn), .freeze = (suspend_fn),            \
		.thaw = (resume_fn), .poweroff = (suspend_fn), .restore = (resume_fn),             \
	}

static inline bool device_can_wakeup(struct device *dev)
{
	(void)dev;
	return false;
}

static inline int device_set_wakeup_enable(struct device *dev, bool enable)
{
	(void)dev;
	return enable ? -EINVAL : 0;
}

#define device_init_wakeup(dev, enable) device_set_wakeup_enable((dev), (enable))

#endif
