/* SPDX-License-Identifier: MIT */
/*
 * Device-model registry and grants: "MODEL[@PORT][,KEY=VALUE...]" strings from the operator
 * become device instances; the driver's port accesses are routed to the instance whose grant
 * (one of its port ranges) contains them, and any access outside every grant ends the driver.
 * Each instance has a lock serialising its port accesses (vCPU or service thread) with its
 * timer thread. Knows no monitor: it reaches the one running the driver through the set's
 * struct ik_dev_host (devmodel.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "ikernel/abi.h"
#include "registry_internal.h"

/*
 * The models, in the order messages and `ikernel run --help` list them. Adding one is its file
 * dev_NAME.c defining `const struct ik_devmodel ik_dev_NAME`, its line here and its file in
 * meson.build: nothing else names the models (tests and docs checks read this registry).
 */
#define IK_DEVMODELS(X)                                                                         \
	X(parport)                                                                              \
	X(testdev)                                                                              \
	X(cmos)                                                                                 \
	X(wdt501)                                                                               \
	X(dtlk)                                                                                 \
	X(sbc7240)                                                                              \
	X(sbc_epx_c3)                                                                           \
	X(wafer5823)                                                                            \
	X(ne2000)                                                                               \
	X(e1000)

#define IK_DEVMODEL_DECLARE(n) extern const struct ik_devmodel ik_dev_##n;
IK_DEVMODELS(IK_DEVMODEL_DECLARE)
#define IK_DEVMODEL_REF(n) &ik_dev_##n,
static const struct ik_devmodel *const registry[] = {IK_DEVMODELS(IK_DEVMODEL_REF)};

#define NMODELS (sizeof(registry) / sizeof(registry[0]))

const struct ik_devmodel *ik_devmodel_at(size_t i)
{
	return i < NMODELS ? registry[i] : NULL;
}

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

/* The ranges a model decodes (one {0, nports, 0} unless it lists its own). */
static unsigned model_ranges(const struct ik_devmodel *m, struct ik_port_range *out)
{
	if (!m->ranges || m->nranges == 0) {
		out[0] = (struct ik_port_range){.delta = 0, .count = m->nports, .reg = 0};
		return 1;
	}
	for (unsigned i = 0; i < m->nranges && i < IK_DEV_MAX_RANGES; i++)
		out[i] = m->ranges[i];
	return m->nranges < IK_DEV_MAX_RANGES ? m->nranges : IK_DEV_MAX_RANGES;
}

/* Options the registry itself takes, for every model: dma=strict|ram (dma.c). */
static const char *const registry_options[] = {"dma", NULL};

static bool option_known(const struct ik_devmodel *m, const char *key, size_t klen)
{
	for (const char *const *o = registry_options; *o; o++)
		if (strlen(*o) == klen && !strncmp(*o, key, klen))
			return true;
	for (const char *const *o = m->options; o && *o; o++)
		if (strlen(*o) == klen && !strncmp(*o, key, klen))
			return true;
	return false;
}

static void option_list(const struct ik_devmodel *m, char *out, size_t outlen)
{
	size_t n = 0;

	out[0] = '\0';
	for (const char *const *o = m->options; o && *o && n < outlen; o++)
		n += (size_t)snprintf(out + n, outlen - n, "%s, ", *o);
	if (n < outlen)
		snprintf(out + n, outlen - n, "%s", registry_options[0]);
}

/* "KEY=VALUE,KEY=VALUE": every key known to the model, none twice, no empty key. */
static int check_options(const char *spec, const struct ik_devmodel *m, const char *opts,
			 char *err, size_t errlen)
{
	char known[128];

	for (const char *o = opts; *o;) {
		const char *comma = strchr(o, ',');
		size_t len = comma ? (size_t)(comma - o) : strlen(o);
		const char *eq = memchr(o, '=', len);
		size_t klen = eq ? (size_t)(eq - o) : len;

		if (!eq || klen == 0) {
			snprintf(err, errlen, "bad option '%.*s' in device '%s': expected KEY=VALUE",
				 (int)len, o, spec);
			return -EINVAL;
		}
		if (!option_known(m, o, klen)) {
			option_list(m, known, sizeof(known));
			snprintf(err, errlen, "unknown option '%.*s' in device '%s' (%s options: %s)",
				 (int)klen, o, spec, m->name, known);
			return -EINVAL;
		}
		for (const char *p = opts; p < o;) {
			const char *pc = strchr(p, ',');

			if (!strncmp(p, o, klen) && p[klen] == '=') {
				snprintf(err, errlen, "option '%.*s' given twice in device '%s'",
					 (int)klen, o, spec);
				return -EINVAL;
			}
			p = pc + 1;
		}
		o += len + (comma ? 1 : 0);
		if (comma && !*o) {
			snprintf(err, errlen, "empty option after ',' in device '%s'", spec);
			return -EINVAL;
		}
	}
	return 0;
}

static int check_port_ranges(const char *spec, struct ik_device *dev, char *err, size_t errlen)
{
	struct ik_port_range r[IK_DEV_MAX_RANGES];
	unsigned n = model_ranges(dev->model, r);

	for (unsigned i = 0; i < n; i++) {
		long first = (long)dev->port + r[i].delta, last = first + (long)r[i].count - 1;

		if (first < 0 || last >= (long)IK_PIO_PORTS) {
			snprintf(err, errlen, "device '%s': ports 0x%lx-0x%lx go past port 0xffff",
				 spec, (unsigned long)first, (unsigned long)last);
			return -ERANGE;
		}
	}
	return 0;
}

static int parse_one(const char *spec, struct ik_device *dev, char *err, size_t errlen)
{
	char model[64], known[128], portstr[32];
	const char *comma = strchr(spec, ',');
	size_t head = comma ? (size_t)(comma - spec) : strlen(spec);
	const char *at = memchr(spec, '@', head);
	size_t mlen = at ? (size_t)(at - spec) : head;
	unsigned long port;
	char *end;
	int r;

	if (mlen == 0 || mlen >= sizeof(model)) {
		snprintf(err, errlen, "bad device '%s': expected MODEL[@PORT][,KEY=VALUE...]", spec);
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
	dev->opts[0] = '\0';
	if (comma) {
		if (strlen(comma + 1) >= sizeof(dev->opts)) {
			snprintf(err, errlen, "options of device '%s' are too long (at most %u bytes)",
				 spec, IK_DEV_OPTS_MAX - 1);
			return -E2BIG;
		}
		snprintf(dev->opts, sizeof(dev->opts), "%s", comma + 1);
		if ((r = check_options(spec, dev->model, dev->opts, err, errlen)))
			return r;
	}
	dev->port = dev->model->default_port;
	dev->on_pci = false;
	if (!at)
		return check_port_ranges(spec, dev, err, errlen);
	snprintf(portstr, sizeof(portstr), "%.*s", (int)(head - mlen - 1), at + 1);
	if (!strcmp(portstr, "pci")) {
		if (!dev->model->pci) {
			snprintf(err, errlen, "device '%s': model %s is not a PCI device", spec, model);
			return -EINVAL;
		}
		dev->on_pci = true; /* its ports: ik_pci_assign() */
		return 0;
	}
	errno = 0;
	port = strtoul(portstr, &end, 0);
	if (!portstr[0] || *end || errno || portstr[0] == '-' || head - mlen - 1 >= sizeof(portstr)) {
		snprintf(err, errlen, "bad port '%s' in device '%s' (e.g. %s@0x%x)", portstr, spec,
			 model, dev->model->default_port);
		return -EINVAL;
	}
	if (port + dev->model->nports > IK_PIO_PORTS) {
		snprintf(err, errlen, "device '%s': ports 0x%lx-0x%lx go past port 0xffff", spec, port,
			 port + dev->model->nports - 1);
		return -ERANGE;
	}
	dev->port = (uint16_t)port;
	return check_port_ranges(spec, dev, err, errlen);
}

/* The first port of two overlapping grants (or -1): a's and b's ranges, pairwise. */
static long overlap(const struct ik_device *a, const struct ik_device *b)
{
	struct ik_port_range ra[IK_DEV_MAX_RANGES], rb[IK_DEV_MAX_RANGES];
	unsigned na = model_ranges(a->model, ra), nb = model_ranges(b->model, rb);

	for (unsigned i = 0; i < na; i++) {
		long a0 = (long)a->port + ra[i].delta, a1 = a0 + ra[i].count;

		for (unsigned j = 0; j < nb; j++) {
			long b0 = (long)b->port + rb[j].delta, b1 = b0 + rb[j].count;

			if (a0 < b1 && b0 < a1)
				return a0 > b0 ? a0 : b0;
		}
	}
	return -1;
}

/* Each MMIO window at the next naturally aligned slot of the device MMIO hole, in grant order. */
static int place_mmio(const char *const *specs, size_t n, struct ik_device *devs, char *err,
		      size_t errlen)
{
	uint64_t next = IK_GPA_DEVMMIO;

	for (size_t i = 0; i < n; i++) {
		uint32_t size = devs[i].model->mmio_size;

		devs[i].mmio_base = 0;
		if (!size)
			continue;
		if (size < IK_DEV_MMIO_MIN || size > IK_DEV_MMIO_MAX || (size & (size - 1)) ||
		    !devs[i].model->mmio_read || !devs[i].model->mmio_write) {
			snprintf(err, errlen, "device '%s': model %s has a bad MMIO size 0x%x", specs[i],
				 devs[i].model->name, size);
			return -EINVAL;
		}
		next = (next + size - 1) & ~((uint64_t)size - 1);
		if (next + size > IK_GPA_MMIO_END) {
			snprintf(err, errlen, "device '%s': its MMIO window (0x%x bytes) does not fit "
				 "in the device MMIO area", specs[i], size);
			return -ENOSPC;
		}
		devs[i].mmio_base = next;
		next += size;
	}
	return 0;
}

int ik_devices_parse(const char *const *specs, size_t n, struct ik_device *devs, char *err,
		     size_t errlen)
{
	int r;

	if (n > IK_MAX_DEVICES) {
		snprintf(err, errlen, "too many devices (%zu, at most %u)", n, IK_MAX_DEVICES);
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++)
		if ((r = parse_one(specs[i], &devs[i], err, errlen)))
			return r;
	if ((r = ik_pci_assign(specs, n, devs, err, errlen)) ||
	    (r = place_mmio(specs, n, devs, err, errlen)))
		return r;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			long port = overlap(&devs[i], &devs[j]);

			if (port >= 0 && !devs[i].model->ranges && !devs[j].model->ranges) {
				snprintf(err, errlen,
					 "device '%s' (ports 0x%x-0x%x) overlaps device '%s' (ports 0x%x-0x%x)",
					 specs[i], devs[i].port, devs[i].port + devs[i].model->nports - 1,
					 specs[j], devs[j].port, devs[j].port + devs[j].model->nports - 1);
				return -EBUSY;
			}
			if (port >= 0) {
				snprintf(err, errlen, "device '%s' overlaps device '%s' at port 0x%lx",
					 specs[i], specs[j], port);
				return -EBUSY;
			}
			if (devs[j].model == devs[i].model)
				devs[i].index++;
		}
	}
	return 0;
}

/* Wait on the model's input descriptor (and the wake eventfd) until `deadline_ns`, without the
 * device lock; then, under the lock again, let the model take what arrived. */
static void device_poll_input(struct ik_device *d, int fd, uint64_t deadline_ns)
{
	uint64_t now = ik_dev_now_ns(), left = deadline_ns > now ? deadline_ns - now : 0, drain;
	struct timespec ts = {.tv_sec = (time_t)(left / 1000000000u),
			      .tv_nsec = (long)(left % 1000000000u)};
	struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = d->wake_fd, .events = POLLIN}};
	int n;

	pthread_mutex_unlock(&d->lock);
	n = ppoll(p, d->wake_fd >= 0 ? 2 : 1, &ts, NULL);
	if (n > 0 && (p[1].revents & POLLIN) && read(d->wake_fd, &drain, sizeof(drain)) < 0)
		drain = 0; /* nothing to drain: another wake took it */
	pthread_mutex_lock(&d->lock);
	if (n > 0 && (p[0].revents & POLLIN) && !atomic_load(&d->ticker_quit) &&
	    !d->host->ended(d->host->ctx))
		d->model->poll_ready(d);
}

/* The earlier of the next regular tick and the model's own request. */
static uint64_t device_deadline(const struct ik_device *d, uint64_t next)
{
	return d->tick_at && d->tick_at < next ? d->tick_at : next;
}

void ik_dev_tick_at(struct ik_device *dev, uint64_t deadline_ns)
{
	uint64_t one = 1;

	if (dev->tick_at && dev->tick_at <= deadline_ns)
		return;
	dev->tick_at = deadline_ns;
	if (!dev->lock_ready)
		return; /* not the registry's (a harness's device): no timer thread to wake */
	pthread_cond_signal(&dev->tick_cond);
	if (dev->wake_fd >= 0 && write(dev->wake_fd, &one, sizeof(one)) < 0)
		return; /* the counter is full: the thread is awake anyway */
}

static void device_wait(struct ik_device *d, uint64_t deadline_ns)
{
	struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000u),
			      .tv_nsec = (long)(deadline_ns % 1000000000u)};

	pthread_cond_timedwait(&d->tick_cond, &d->lock, &ts);
}

/* The device timer thread: tick() every IK_DEV_TICK_MS (and when the model asked for it with
 * ik_dev_tick_at), and the model's input in between, under the device lock until destroy. */
static void *device_ticker(void *arg)
{
	struct ik_device *d = arg;
	uint64_t next = ik_dev_now_ns() + IK_DEV_TICK_MS * 1000000ull;

	pthread_mutex_lock(&d->lock);
	while (!atomic_load(&d->ticker_quit)) {
		int fd = d->model->poll_fd ? d->model->poll_fd(d) : -1;
		uint64_t now;

		if (fd >= 0)
			device_poll_input(d, fd, device_deadline(d, next));
		else
			device_wait(d, device_deadline(d, next));
		if (atomic_load(&d->ticker_quit))
			continue;
		now = ik_dev_now_ns();
		if (d->tick_at && now >= d->tick_at && now < next) {
			d->tick_at = 0; /* the model's own request, before the regular tick */
			if (d->model->tick && !d->host->ended(d->host->ctx))
				d->model->tick(d, now);
			continue;
		}
		if (now < next)
			continue;
		d->tick_at = 0;
		next = ik_dev_now_ns() + IK_DEV_TICK_MS * 1000000ull;
		if (d->model->tick && !d->host->ended(d->host->ctx))
			d->model->tick(d, ik_dev_now_ns());
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

static int device_sync_init(struct ik_device *d)
{
	pthread_condattr_t ca;
	int r;

	if ((r = pthread_mutex_init(&d->lock, NULL)))
		return -r;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	r = pthread_cond_init(&d->tick_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (r) {
		pthread_mutex_destroy(&d->lock);
		return -r;
	}
	d->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->tick_at = 0;
	d->lock_ready = true;
	return 0;
}

static void device_sync_destroy(struct ik_device *d)
{
	if (!d->lock_ready)
		return;
	if (d->wake_fd >= 0)
		close(d->wake_fd);
	d->wake_fd = -1;
	pthread_cond_destroy(&d->tick_cond);
	pthread_mutex_destroy(&d->lock);
	d->lock_ready = false;
}

static struct ik_devset *container_of_set(const struct ik_dev_host *host)
{
	return (struct ik_devset *)((char *)host - offsetof(struct ik_devset, host));
}

static int device_start(const struct ik_dev_host *host, struct ik_device *d, const char *spec,
			char *err, size_t errlen)
{
	int r;

	d->host = host;
	d->err[0] = '\0';
	atomic_init(&d->ticker_quit, false);
	d->ticker_running = false;
	if ((r = device_sync_init(d))) {
		snprintf(err, errlen, "device '%s': cannot create its lock: %s", spec, strerror(-r));
		return r;
	}
	if ((r = ik_dma_init(container_of_set(host), d)) < 0) {
		snprintf(err, errlen, "device '%s': %s", spec, d->err[0] ? d->err : strerror(-r));
		return r;
	}
	if (d->model->init && (r = d->model->init(d)) < 0) {
		snprintf(err, errlen, "device '%s': cannot initialise: %s", spec,
			 d->err[0] ? d->err : strerror(-r));
		return r;
	}
	return 0;
}

static int device_start_ticker(struct ik_device *d, const char *spec, char *err, size_t errlen)
{
	int r;

	if (!d->model->tick && !d->model->poll_fd)
		return 0;
	if ((r = pthread_create(&d->ticker, NULL, device_ticker, d))) {
		snprintf(err, errlen, "device '%s': cannot start its timer thread: %s", spec,
			 strerror(r));
		return -r;
	}
	d->ticker_running = true;
	return 0;
}

int ik_devset_init(struct ik_devset *set, const struct ik_dev_host *host, const char *const *specs,
		   size_t n, char *err, size_t errlen)
{
	int r;

	memset(set, 0, sizeof(*set));
	set->host = *host;
	if ((r = ik_devices_parse(specs, n, set->devices, err, errlen)))
		return r;
	for (size_t i = 0; i < n; i++) {
		struct ik_device *d = &set->devices[i];

		r = device_start(&set->host, d, specs[i], err, errlen);
		if (r) {
			device_sync_destroy(d);
			return r;
		}
		set->ndevices = i + 1;
		set->has_pci |= d->on_pci;
		if ((r = device_start_ticker(d, specs[i], err, errlen)))
			return r;
	}
	ik_devset_log_layout(set);
	return 0;
}

void ik_devset_destroy(struct ik_devset *set)
{
	for (size_t i = 0; i < set->ndevices; i++) {
		struct ik_device *d = &set->devices[i];

		if (d->ticker_running) {
			pthread_mutex_lock(&d->lock);
			atomic_store(&d->ticker_quit, true);
			pthread_cond_signal(&d->tick_cond);
			pthread_mutex_unlock(&d->lock);
			pthread_join(d->ticker, NULL);
			d->ticker_running = false;
		}
		if (d->model->destroy)
			d->model->destroy(d);
		device_sync_destroy(d);
	}
	set->ndevices = 0;
	ik_dma_destroy(set);
}

/* The device whose grant holds [port, port + size), and the register number of `port`. */
static struct ik_device *find_grant(struct ik_devset *set, uint16_t port, unsigned size,
				    uint16_t *reg)
{
	for (size_t i = 0; i < set->ndevices; i++) {
		struct ik_device *d = &set->devices[i];
		struct ik_port_range r[IK_DEV_MAX_RANGES];
		unsigned n = model_ranges(d->model, r);

		for (unsigned k = 0; k < n; k++) {
			long first = (long)d->port + r[k].delta;

			if ((long)port >= first && (long)port + size <= first + r[k].count) {
				*reg = (uint16_t)(r[k].reg + (port - first));
				return d;
			}
		}
	}
	return NULL;
}

/* count accesses of the model at register reg, under its lock; the first refusal stops them,
 * and so does the driver's end (its watchdog or a stop): a string of slow accesses (testdev's
 * sleep register: up to 1 s each) must not hold the vCPU thread for minutes after it. */
static int model_pio_string(struct ik_device *d, uint16_t reg, unsigned size, bool write,
			    uint8_t *data, uint32_t count)
{
	int r = 0;

	pthread_mutex_lock(&d->lock);
	if (d->on_pci && !(d->pci_command & IK_PCI_CMD_IO)) { /* decoding off: nobody answers */
		if (!write)
			memset(data, 0xff, (size_t)count * size);
		pthread_mutex_unlock(&d->lock);
		return 0;
	}
	for (uint32_t i = 0; i < count && r == 0; i++, data += size) {
		if (i > 0 && d->host->ended(d->host->ctx))
			break;
		uint32_t val = 0;

		if (write) {
			memcpy(&val, data, size);
			r = d->model->pio_write(d, reg, size, val);
		} else {
			r = d->model->pio_read(d, reg, size, &val);
			memcpy(data, &val, size);
		}
	}
	pthread_mutex_unlock(&d->lock);
	return r;
}

int ik_devset_pio_string(struct ik_devset *set, const char *driver, uint16_t port,
			 unsigned size, bool write, uint8_t *data, uint32_t count, char *why,
			 size_t whylen)
{
	uint16_t reg = 0;
	struct ik_device *d;
	const char *kind = write ? "write" : "read";
	int r;

	if (set->has_pci && port >= IK_PCI_PORT_FIRST && port < IK_PCI_PORT_END &&
	    port + size <= IK_PCI_PORT_END) {
		for (uint32_t i = 0; i < count; i++, data += size)
			ik_pci_config_pio(set, port, size, write, data);
		return 0;
	}
	d = find_grant(set, port, size, &reg);
	if (!d) {
		snprintf(why, whylen, "port 0x%x (%u-byte %s) is not granted to driver '%s'", port,
			 size, kind, driver);
		return -EPERM;
	}
	if ((r = model_pio_string(d, reg, size, write, data, count)) < 0) {
		char name[64];

		ik_dev_describe(d, name, sizeof(name));
		snprintf(why, whylen, "device %s refused a %u-byte %s of port 0x%x: %s", name, size,
			 kind, port, strerror(-r));
		return -EPERM;
	}
	return 0;
}

int ik_devset_pio(struct ik_devset *set, const char *driver, uint16_t port, unsigned size,
		  bool write, uint8_t *data, char *why, size_t whylen)
{
	return ik_devset_pio_string(set, driver, port, size, write, data, 1, why, whylen);
}

/* The device whose MMIO window holds [gpa, gpa + size). */
static struct ik_device *find_window(struct ik_devset *set, uint64_t gpa, unsigned size)
{
	for (size_t i = 0; i < set->ndevices; i++) {
		struct ik_device *d = &set->devices[i];

		if (d->mmio_base && gpa >= d->mmio_base &&
		    gpa + size <= d->mmio_base + d->model->mmio_size)
			return d;
	}
	return NULL;
}

int ik_devset_mmio(struct ik_devset *set, const char *driver, uint64_t gpa, unsigned size,
		   bool write, uint64_t *val, char *why, size_t whylen)
{
	const char *kind = write ? "write" : "read";
	struct ik_device *d = find_window(set, gpa, size);
	char name[64];
	int r = 0;

	if (!d || (size != 1 && size != 2 && size != 4 && size != 8)) {
		snprintf(why, whylen, "device MMIO 0x%llx (%u-byte %s) is not granted to driver '%s'",
			 (unsigned long long)gpa, size, kind, driver);
		return -EPERM;
	}
	pthread_mutex_lock(&d->lock);
	if (d->on_pci && !(d->pci_command & IK_PCI_CMD_MEMORY)) { /* decoding off */
		if (!write)
			*val = size == 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
	} else if (write) {
		r = d->model->mmio_write(d, (uint32_t)(gpa - d->mmio_base), size, *val);
	} else {
		*val = 0;
		r = d->model->mmio_read(d, (uint32_t)(gpa - d->mmio_base), size, val);
	}
	pthread_mutex_unlock(&d->lock);
	if (r < 0) {
		ik_dev_describe(d, name, sizeof(name));
		snprintf(why, whylen, "device %s refused a %u-byte %s of MMIO 0x%llx: %s", name, size,
			 kind, (unsigned long long)gpa, strerror(-r));
		return -EPERM;
	}
	return 0;
}

void ik_dev_describe(const struct ik_device *dev, char *out, size_t outlen)
{
	if (dev->on_pci)
		snprintf(out, outlen, "%s@pci 00:%02x.0", dev->model->name, dev->pci_slot);
	else
		snprintf(out, outlen, "%s@0x%x", dev->model->name, dev->port);
}

unsigned ik_devset_port_grants(const struct ik_devset *set, uint32_t *grant, unsigned max)
{
	unsigned n = 0;

	for (size_t i = 0; i < set->ndevices; i++) {
		const struct ik_device *d = &set->devices[i];
		struct ik_port_range r[IK_DEV_MAX_RANGES];
		unsigned nr = model_ranges(d->model, r);

		for (unsigned j = 0; j < nr && n < max; j++) {
			uint32_t first = (uint32_t)((int32_t)d->port + r[j].delta) & 0xffffu;

			grant[n++] = first | (uint32_t)r[j].count << 16;
		}
	}
	return n;
}

unsigned ik_devset_mmio_grants(const struct ik_devset *set, uint64_t *grant, unsigned max)
{
	unsigned n = 0;

	for (size_t i = 0; i < set->ndevices && n < max; i++) {
		const struct ik_device *d = &set->devices[i];

		if (d->mmio_base && d->model->mmio_size)
			grant[n++] = d->mmio_base | (uint64_t)d->model->mmio_size << 32;
	}
	return n;
}

void ik_dev_raise_irq(struct ik_device *dev, unsigned line)
{
	if (line < 64)
		dev->host->raise_irq(dev->host->ctx, line);
}

void ik_dev_log(struct ik_device *dev, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dev->host->log(dev->host->ctx, line);
}

int ik_dev_fail(struct ik_device *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->err, sizeof(dev->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int ik_dev_opt(const struct ik_device *dev, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);

	for (const char *o = dev->opts; *o;) {
		const char *comma = strchr(o, ',');
		size_t len = comma ? (size_t)(comma - o) : strlen(o);

		if (len > klen && !strncmp(o, key, klen) && o[klen] == '=') {
			if (len - klen - 1 >= outlen)
				return -ENAMETOOLONG;
			memcpy(out, o + klen + 1, len - klen - 1);
			out[len - klen - 1] = '\0';
			return 0;
		}
		if (!comma)
			break;
		o = comma + 1;
	}
	return -ENOENT;
}

int ik_dev_opt_uint(struct ik_device *dev, const char *key, unsigned long def, unsigned long max,
		    unsigned long *out)
{
	char buf[32], *end;
	unsigned long v;
	int r = ik_dev_opt(dev, key, buf, sizeof(buf));

	if (r == -ENOENT) {
		*out = def;
		return 0;
	}
	if (r)
		return ik_dev_fail(dev, "option %s: value too long", key);
	errno = 0;
	v = strtoul(buf, &end, 0);
	if (!buf[0] || buf[0] == '-' || *end || errno || v > max)
		return ik_dev_fail(dev, "option %s=%s: expected a number from 0 to %lu", key, buf, max);
	*out = v;
	return 0;
}

uint64_t ik_dev_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
