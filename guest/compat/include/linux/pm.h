/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/pm.h> and <linux/pm_wakeup.h>. A driver VM is never suspended
 * and cannot wake anything: a driver's power-management callbacks are kept (linked, never
 * called) and wake-up is refused (no device can wake the system). */
#ifndef _IK_LINUX_PM_H
#define _IK_LINUX_PM_H

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/types.h>

struct device;

typedef struct pm_message {
	int event;
} pm_message_t;

#define PM_EVENT_ON 0x0000
#define PM_EVENT_SUSPEND 0x0002
#define PMSG_ON ((struct pm_message){.event = PM_EVENT_ON})
#define PMSG_SUSPEND ((struct pm_message){.event = PM_EVENT_SUSPEND})

struct dev_pm_ops {
	int (*prepare)(struct device *dev);
	void (*complete)(struct device *dev);
	int (*suspend)(struct device *dev);
	int (*resume)(struct device *dev);
	int (*freeze)(struct device *dev);
	int (*thaw)(struct device *dev);
	int (*poweroff)(struct device *dev);
	int (*restore)(struct device *dev);
	int (*runtime_suspend)(struct device *dev);
	int (*runtime_resume)(struct device *dev);
	int (*runtime_idle)(struct device *dev);
};

#define SET_SYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn)                                             \
	.suspend = (suspend_fn), .resume = (resume_fn), .freeze = (suspend_fn),                    \
	.thaw = (resume_fn), .poweroff = (suspend_fn), .restore = (resume_fn),
#define SET_RUNTIME_PM_OPS(suspend_fn, resume_fn, idle_fn)                                         \
	.runtime_suspend = (suspend_fn), .runtime_resume = (resume_fn), .runtime_idle = (idle_fn),
#define SIMPLE_DEV_PM_OPS(name, suspend_fn, resume_fn)                                             \
	const struct dev_pm_ops __maybe_unused name = {                                            \
		SET_SYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn)}
#define pm_ptr(ptr) (ptr)
#define pm_sleep_ptr(ptr) (ptr)

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
