/* SPDX-License-Identifier: MIT */
/*
 * Device-model registry and grants: "MODEL[@PORT]" strings from the operator become device
 * instances; guest port accesses are routed to the instance whose grant contains them, and
 * any access outside every grant ends the VM.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

static const struct ik_devmodel *const registry[] = {
	&ik_dev_parport,
	&ik_dev_testdev,
};

#define NMODELS (sizeof(registry) / sizeof(registry[0]))

const struct ik_devmodel *ik_devmodel_find(const char *name)
{
	for (size_t i = 0; i < NMODELS; i++)
		if (!strcmp(registry[i]->name, name))
			return registry[i];
	return NULL;
}

void ik_devmodel_list(char *out, size_t outlen)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < NMODELS && n < outlen; i++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%s", i ? ", " : "", registry[i]->name);
}

static int parse_one(const char *spec, struct ik_device *dev, char *err, size_t errlen)
{
	char model[64], known[128];
	const char *at = strchr(spec, '@');
	size_t mlen = at ? (size_t)(at - spec) : strlen(spec);
	unsigned long port;
	char *end;

	if (mlen == 0 || mlen >= sizeof(model)) {
		snprintf(err, errlen, "bad device '%s': expected MODEL[@PORT]", spec);
		return -EINVAL;
	}
	memcpy(model, spec, mlen);
	model[mlen] = '\0';
	dev->model = ik_devmodel_find(model);
	if (!dev->model) {
		ik_devmodel_list(known, sizeof(known));
		snprintf(err, errlen, "unknown device model '%s' (known: %s)", model, known);
		return -ENOENT;
	}
	dev->port = dev->model->default_port;
	if (!at)
		return 0;
	errno = 0;
	port = strtoul(at + 1, &end, 0);
	if (!at[1] || *end || errno || at[1] == '-') {
		snprintf(err, errlen, "bad port '%s' in device '%s' (e.g. %s@0x%x)", at + 1, spec, model,
			 dev->model->default_port);
		return -EINVAL;
	}
	if (port + dev->model->nports > IK_PIO_PORTS) {
		snprintf(err, errlen, "device '%s': ports 0x%lx-0x%lx go past port 0xffff", spec, port,
			 port + dev->model->nports - 1);
		return -ERANGE;
	}
	dev->port = (uint16_t)port;
	return 0;
}

static bool overlap(const struct ik_device *a, const struct ik_device *b)
{
	return a->port < b->port + b->model->nports && b->port < a->port + a->model->nports;
}

int ik_devices_parse(const char *const *specs, size_t n, struct ik_device *devs, char *err,
		     size_t errlen)
{
	if (n > IK_MAX_DEVICES) {
		snprintf(err, errlen, "too many devices (%zu, at most %u)", n, IK_MAX_DEVICES);
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++) {
		int r = parse_one(specs[i], &devs[i], err, errlen);

		if (r)
			return r;
		for (size_t j = 0; j < i; j++) {
			if (overlap(&devs[i], &devs[j])) {
				snprintf(err, errlen,
					 "device '%s' (ports 0x%x-0x%x) overlaps device '%s' (ports 0x%x-0x%x)",
					 specs[i], devs[i].port, devs[i].port + devs[i].model->nports - 1,
					 specs[j], devs[j].port, devs[j].port + devs[j].model->nports - 1);
				return -EBUSY;
			}
			if (devs[j].model == devs[i].model)
				devs[i].index++;
		}
	}
	return 0;
}

int ik_devices_init(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen)
{
	int r = ik_devices_parse(cfg->devices, cfg->ndevices, vm->devices, err, errlen);

	if (r)
		return r;
	for (size_t i = 0; i < cfg->ndevices; i++) {
		struct ik_device *d = &vm->devices[i];

		d->vm = vm;
		if (d->model->init && (r = d->model->init(d)) < 0) {
			snprintf(err, errlen, "device '%s': cannot initialise: %s", cfg->devices[i],
				 strerror(-r));
			return r;
		}
		vm->ndevices = i + 1;
	}
	return 0;
}

void ik_devices_destroy(struct ik_vm *vm)
{
	for (size_t i = 0; i < vm->ndevices; i++)
		if (vm->devices[i].model->destroy)
			vm->devices[i].model->destroy(&vm->devices[i]);
	vm->ndevices = 0;
}

static struct ik_device *find_grant(struct ik_vm *vm, uint16_t port, unsigned size)
{
	for (size_t i = 0; i < vm->ndevices; i++) {
		struct ik_device *d = &vm->devices[i];

		if (port >= d->port && (uint32_t)port + size <= (uint32_t)d->port + d->model->nports)
			return d;
	}
	return NULL;
}

static void pio_violation(struct ik_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void pio_violation(struct ik_vm *vm, const char *fmt, ...)
{
	char what[200], where[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ik_crash_where(vm, where, sizeof(where));
	ik_vm_end(vm, IK_END_VIOLATION, "driver '%s' violation: %s%s", vm->name, what, where);
}

void ik_devices_pio(struct ik_vm *vm, uint16_t port, unsigned size, bool write, uint8_t *data)
{
	struct ik_device *d = find_grant(vm, port, size);
	const char *kind = write ? "write" : "read";
	uint32_t val = 0;
	int r;

	if (!d) {
		pio_violation(vm, "port 0x%x (%u-byte %s) is not granted to driver '%s'", port, size,
			      kind, vm->name);
		return;
	}
	if (write) {
		memcpy(&val, data, size);
		r = d->model->pio_write(d, (uint16_t)(port - d->port), size, val);
	} else {
		r = d->model->pio_read(d, (uint16_t)(port - d->port), size, &val);
		memcpy(data, &val, size);
	}
	if (r < 0)
		pio_violation(vm, "device %s@0x%x refused a %u-byte %s of port 0x%x: %s", d->model->name,
			      d->port, size, kind, port, strerror(-r));
}

void ik_dev_log(struct ik_device *dev, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ik_log(dev->vm, "[%s] %s", dev->vm->name, line);
}
