/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/platform_device.h>. Platform devices are how ISA NIC drivers
 * built as modules (ne.c) find their boards: the module registers devices from its io=/irq=
 * parameters, then binds a driver to them (guest/compat/lib/platform.c).
 */
#ifndef _IK_LINUX_PLATFORM_DEVICE_H
#define _IK_LINUX_PLATFORM_DEVICE_H

#include <linux/device.h>
#include <linux/err.h>
#include <linux/ioport.h>
#include <linux/pm.h>
#include <linux/types.h>

struct platform_device {
	const char *name;
	int id;
	struct device dev;
	u32 num_resources;
	struct resource *resource;
	/* the compat core's */
	struct platform_driver *ik_driver; /* bound to */
	struct platform_device *ik_next;
};

struct platform_driver {
	int (*probe)(struct platform_device *);
	int (*remove)(struct platform_device *);
	void (*shutdown)(struct platform_device *);
	int (*suspend)(struct platform_device *, pm_message_t state);
	int (*resume)(struct platform_device *);
	struct device_driver driver;
};

struct platform_device *platform_device_register_simple(const char *name, int id,
							 const struct resource *res,
							 unsigned int num);
void platform_device_unregister(struct platform_device *pdev);
int platform_driver_register(struct platform_driver *drv);
void platform_driver_unregister(struct platform_driver *drv);
/* Bind drv, with `probe`, to the registered devices of its name now (no later hot-plug):
 * 0 when at least one bound, else -ENODEV. */
int platform_driver_probe(struct platform_driver *drv, int (*probe)(struct platform_device *));
struct resource *platform_get_resource(struct platform_device *pdev, unsigned int type,
				       unsigned int num);
int platform_get_irq(struct platform_device *pdev, unsigned int num);

static inline void *platform_get_drvdata(const struct platform_device *pdev)
{
	return dev_get_drvdata(&pdev->dev);
}
static inline void platform_set_drvdata(struct platform_device *pdev, void *data)
{
	dev_set_drvdata(&pdev->dev, data);
}

#endif
