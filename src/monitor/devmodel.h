/* SPDX-License-Identifier: MIT */
/*
 * Device models: emulated hardware the operator grants to a driver VM ("--device
 * MODEL[@PORT]"). Each model lives in its own file (dev_*.c) and is listed in devices.c.
 * The guest reaches a model's ports through the port window (IK_GPA_PIO + port); the run loop
 * has already checked that the access lies inside the grant, so `offset + size <= nports`.
 */
#ifndef IKMON_DEVMODEL_H
#define IKMON_DEVMODEL_H

#include <stddef.h>
#include <stdint.h>

struct ik_vm;
struct ik_device;

struct ik_devmodel {
	const char *name;
	const char *summary;
	uint16_t default_port, nports;
	int (*init)(struct ik_device *dev);        /* may be NULL */
	void (*destroy)(struct ik_device *dev);    /* may be NULL */
	/* size is 1, 2 or 4. Return 0, or -errno to end the VM (a misuse of the device). */
	int (*pio_read)(struct ik_device *dev, uint16_t offset, unsigned size, uint32_t *val);
	int (*pio_write)(struct ik_device *dev, uint16_t offset, unsigned size, uint32_t val);
};

/* One granted instance of a model. */
struct ik_device {
	const struct ik_devmodel *model;
	struct ik_vm *vm;
	uint16_t port;  /* first port of the grant */
	unsigned index; /* n-th instance of this model in the VM (0, 1, ...) */
	void *state;    /* the model's own */
};

#define IK_MAX_DEVICES 16u

/* Registry. */
const struct ik_devmodel *ik_devmodel_find(const char *name);
/* "parport, testdev": names for messages. */
void ik_devmodel_list(char *out, size_t outlen);

/*
 * Parse grants "MODEL[@PORT]" into devs[] (model, port; not initialised). Refuses unknown
 * models, bad ports, ranges past port 0xffff and overlapping grants with a message in err.
 */
int ik_devices_parse(const char *const *specs, size_t n, struct ik_device *devs, char *err,
		     size_t errlen);

/* Services for models. */
void ik_dev_log(struct ik_device *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern const struct ik_devmodel ik_dev_parport;
extern const struct ik_devmodel ik_dev_testdev;

#endif /* IKMON_DEVMODEL_H */
