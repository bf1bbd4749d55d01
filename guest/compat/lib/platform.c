/* SPDX-License-Identifier: MIT */
/* Platform devices (<linux/platform_device.h>): a list of registered devices, and drivers bound
 * to the ones of their name. No bus, no hot-plug: binding happens when a driver registers or
 * probes. */
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

#define PLATFORM_MAX_RESOURCES 8u

static struct platform_device *devices;

struct platform_device *platform_device_register_simple(const char *name, int id,
							 const struct resource *res,
							 unsigned int num)
{
	struct platform_device *pdev;

	if (num > PLATFORM_MAX_RESOURCES)
		return ERR_PTR(-EINVAL);
	pdev = kzalloc(sizeof(*pdev) + num * sizeof(*res), GFP_KERNEL);
	if (!pdev)
		return ERR_PTR(-ENOMEM);
	pdev->name = name;
	pdev->id = id;
	pdev->num_resources = num;
	pdev->resource = (struct resource *)(pdev + 1);
	if (num)
		memcpy(pdev->resource, res, num * sizeof(*res));
	pdev->ik_next = devices;
	devices = pdev;
	return pdev;
}

/* After remove (or a failed probe) the driver core forgets the driver's data: a driver may call
 * its remove again on the device (ne.c does) and must then find nothing. */
static void unbind(struct platform_device *pdev)
{
	if (pdev->ik_driver && pdev->ik_driver->remove)
		pdev->ik_driver->remove(pdev);
	pdev->ik_driver = NULL;
	platform_set_drvdata(pdev, NULL);
}

void platform_device_unregister(struct platform_device *pdev)
{
	if (IS_ERR_OR_NULL(pdev))
		return;
	for (struct platform_device **p = &devices; *p; p = &(*p)->ik_next) {
		if (*p == pdev) {
			*p = pdev->ik_next;
			break;
		}
	}
	unbind(pdev);
	kfree(pdev);
}

/* Bind drv to every unbound device of its name, oldest first as Linux's bus walk goes. */
static int bind_all(struct platform_driver *drv, int (*probe)(struct platform_device *))
{
	struct platform_device *list[64];
	unsigned int n = 0;
	int bound = 0;

	for (struct platform_device *p = devices; p && n < 64; p = p->ik_next)
		list[n++] = p;
	while (n--) {
		struct platform_device *p = list[n];

		if (p->ik_driver || strcmp(p->name, drv->driver.name))
			continue;
		if (probe && probe(p) != 0) {
			platform_set_drvdata(p, NULL);
			continue;
		}
		p->ik_driver = drv;
		bound++;
	}
	return bound;
}

int platform_driver_register(struct platform_driver *drv)
{
	bind_all(drv, drv->probe);
	return 0;
}

int platform_driver_probe(struct platform_driver *drv, int (*probe)(struct platform_device *))
{
	return bind_all(drv, probe) ? 0 : -ENODEV;
}

void platform_driver_unregister(struct platform_driver *drv)
{
	for (struct platform_device *p = devices; p; p = p->ik_next)
		if (p->ik_driver == drv)
			unbind(p);
}

struct resource *platform_get_resource(struct platform_device *pdev, unsigned int type,
				       unsigned int num)
{
	for (u32 i = 0; i < pdev->num_resources; i++) {
		struct resource *r = &pdev->resource[i];

		if ((r->flags & type) && num-- == 0)
			return r;
	}
	return NULL;
}

int platform_get_irq(struct platform_device *pdev, unsigned int num)
{
	struct resource *r = platform_get_resource(pdev, IORESOURCE_IRQ, num);

	return r ? (int)r->start : -ENXIO;
}
