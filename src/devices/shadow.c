/* SPDX-License-Identifier: MIT */
/*
 * Read shadows (devmodel.h, docs/ABI.md "Read shadows"): the registers models declare, listed
 * for the boot info, and their values published in the event page the guest reads them from.
 * The monitor only ever stores into that page: a guest that scribbles on it fools itself.
 * Table entry n (the boot info's mmio_shadow[n]) and value slot n are the same n: the declared
 * registers of every grant with an MMIO window, in grant order, at most IK_MAX_MMIO_SHADOWS.
 */
#include <stddef.h>

#include "ikernel/abi.h"

#include "devmodel.h"
#include "registry_internal.h"

/* Declaration i of d's model is usable: a READ or LAZY register of 4 bytes inside the window,
 * or a PORT_READ port of the grant. */
static bool declared(const struct ik_device *d, unsigned i)
{
	const struct ik_dev_shadow *s = &d->model->shadows[i];

	if (i >= IK_DEV_MAX_SHADOWS)
		return false;
	if (s->kind == IK_SHADOW_PORT_READ)
		return d->model->nports && s->offset < d->model->nports;
	return d->mmio_base && (s->kind == IK_SHADOW_READ || s->kind == IK_SHADOW_LAZY) &&
	       !(s->offset & 3u) && s->offset + 4u <= d->model->mmio_size;
}

static bool port_entry(const struct ik_dev_shadow *s)
{
	return s->kind == IK_SHADOW_PORT_READ;
}

/* Calls fn(d, i, n) for declaration i of device d holding table entry n, in table order. */
static unsigned each_entry(const struct ik_devset *set, unsigned max,
			   void (*fn)(const struct ik_devset *set, size_t dev, unsigned i,
				      unsigned n, void *arg),
			   void *arg)
{
	unsigned n = 0;

	for (size_t k = 0; k < set->ndevices; k++)
		for (unsigned i = 0; i < set->devices[k].model->nshadows && n < max; i++)
			if (declared(&set->devices[k], i))
				fn(set, k, i, n++, arg);
	return n;
}

static void table_entry(const struct ik_devset *set, size_t dev, unsigned i, unsigned n, void *arg)
{
	const struct ik_device *d = &set->devices[dev];
	const struct ik_dev_shadow *s = &d->model->shadows[i];

	struct ik_mmio_shadow e = {.size = 4, .kind = s->kind};

	if (port_entry(s)) {
		e.addr = (uint32_t)d->port + s->offset;
		e.size = 1;
	} else {
		e.addr = (uint32_t)(d->mmio_base + s->offset);
	}
	((struct ik_mmio_shadow *)arg)[n] = e;
}

unsigned ik_devset_mmio_shadows(const struct ik_devset *set, struct ik_mmio_shadow *table,
				unsigned max)
{
	return each_entry(set, max, table_entry, table);
}

/* What the guest would read now: the model's value, or all-ones while decoding is off. */
static void publish(struct ik_device *d, unsigned i)
{
	bool port = port_entry(&d->model->shadows[i]);
	uint32_t v = port ? (d->shadow_value[i] & 0xffu) : d->shadow_value[i];

	if (d->on_pci && !(d->pci_command & (port ? IK_PCI_CMD_IO : IK_PCI_CMD_MEMORY)))
		v = port ? 0xffu : UINT32_MAX;
	if (d->shadow_pub[i])
		atomic_store_explicit(d->shadow_pub[i], v, memory_order_release);
}

void ik_dev_shadow_set(struct ik_device *dev, unsigned i, uint32_t v)
{
	if (i >= IK_DEV_MAX_SHADOWS)
		return;
	dev->shadow_value[i] = v;
	publish(dev, i);
}

void ik_dev_shadow_republish(struct ik_device *dev)
{
	for (unsigned i = 0; i < dev->model->nshadows && i < IK_DEV_MAX_SHADOWS; i++)
		publish(dev, i);
}

static void attach_entry(const struct ik_devset *set, size_t dev, unsigned i, unsigned n, void *arg)
{
	struct ik_device *d = (struct ik_device *)&set->devices[dev];

	if (d->model->shadows[i].kind != IK_SHADOW_READ && !port_entry(&d->model->shadows[i]))
		return;
	pthread_mutex_lock(&d->lock); /* its timer may be running: publish under the lock */
	d->shadow_pub[i] = &((_Atomic uint32_t *)arg)[n];
	publish(d, i);
	pthread_mutex_unlock(&d->lock);
}

void ik_devset_shadow_attach(struct ik_devset *set, _Atomic uint32_t *values, unsigned max)
{
	each_entry(set, max, attach_entry, values);
}
