/* SPDX-License-Identifier: MIT */
/*
 * Device models: emulated hardware the operator grants to a driver VM ("--device
 * MODEL[@PORT][,KEY=VALUE...]", e.g. "cmos@0x70,file=/var/lib/nvram.bin"). Each model lives in
 * its own file (dev_*.c) and is listed in devices.c.
 * The guest reaches a model's ports through the port window (IK_GPA_PIO + port); the run loop
 * has already checked that the access lies inside the grant. A model decodes one contiguous
 * range [PORT, PORT + nports) by default, or the ranges it lists in `ranges` (boards that decode
 * scattered ports, e.g. 0x443 and 0x043); either way the callbacks see a register number
 * `offset` < nports (range.reg + port - range start) and `offset + size <= nports` within a range.
 *
 * MMIO (optional, mmio_size != 0): the device has one MMIO window of mmio_size bytes, which the
 * monitor places at a naturally aligned slot of the device MMIO hole (IK_GPA_DEVMMIO, in grant
 * order; the log names it, and a PCI function's BAR0 says it). Every guest access to it is an
 * exit (at isolation=process an IK_PROC_HC_MMIO request) that the registry routes to
 * mmio_read/mmio_write with offset + size <= mmio_size; any other address of the hole ends the
 * driver.
 *
 * PCI (optional, pci != NULL): the model may also be granted as "MODEL@pci": a function on the
 * monitor's PCI bus 0 (config mechanism #1 at ports 0xcf8/0xcfc), whose slot, BARs (BAR0 the MMIO
 * window if any, then an I/O BAR of nports rounded up to a power of two) and INTx line (dev->irq)
 * the monitor assigns and logs. The command register gates the model: I/O and memory decoding
 * off make reads all-ones and drop writes; bus mastering off refuses its DMA.
 *
 * DMA: a model reaches guest memory only through ik_dev_dma_read/ik_dev_dma_write, which check
 * the range (the driver's RAM, with the driver's own read/write permission; with the grant
 * option dma=strict also pages the driver mapped for DMA; bus mastering on for a PCI function)
 * and end the driver with a violation naming the device and the address when refused.
 *
 * Read shadows (optional, shadows != NULL; docs/ABI.md "Read shadows"): registers of the MMIO
 * window the driver may read without an exit. A model lists (a) IK_SHADOW_READ registers whose
 * reads have no side effect, and keeps each one's current value published with
 * ik_dev_shadow_set() from its init and wherever the register changes (any callback, any
 * thread: always under dev->lock); the guest answers a read of it from that value, unless a
 * held write to a register that is not lazy precedes it; and (b) IK_SHADOW_LAZY registers: a
 * posted write to one may stay held past such a read, so it must not change any shadowed value
 * nor stop the device's DMA -- delaying it may only make the device act a little later. The
 * registry publishes the values in the event page (ik_devset_shadow_attach) and lists the
 * registers in the boot info; it shows all-ones while a PCI function's memory decoding is off,
 * as a read would. The monitor never reads a shadow back. A port model may list (c)
 * IK_SHADOW_PORT_READ ports (offset from its first port, 1-byte reads): side-effect-free reads
 * whose published value is what a read returns now, whatever selects it (a register page); the
 * guest reads one only while no port write is held (all-ones while a PCI function's I/O
 * decoding is off).
 *
 * Threads: pio_read/pio_write/mmio_read/mmio_write run on the vCPU thread (the monitor-lite's service thread at
 * isolation=process), tick and poll_ready on the device's own timer thread; the registry serialises them with
 * dev->lock, so a model needs no locking of its own.
 *
 * Models do not know which monitor runs them: the registry (struct ik_devset) reaches its
 * monitor only through a struct ik_dev_host, which the VM monitor (devhost_vm.c) and the
 * monitor-lite of isolation=process (proc_devices.c) each implement. The same models, grants
 * and messages serve both levels.
 */
#ifndef IKMON_DEVMODEL_H
#define IKMON_DEVMODEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ik_device;

/*
 * What the monitor running a driver offers its devices. Callbacks may be called from the
 * vCPU/service thread and from the devices' timer threads (with that device's lock held), so
 * each must be thread-safe and must not call back into the registry.
 */
struct ik_dev_host {
	void *ctx;
	/* Raise paravirtual interrupt line `line` (< 64): pending mask, `attention`, wake. */
	void (*raise_irq)(void *ctx, unsigned line);
	/* One line for the monitor log (the device's own text; the host adds "[driver] "). */
	void (*log)(void *ctx, const char *line);
	/* The driver has ended: timers stop calling tick(). */
	bool (*ended)(void *ctx);
	/* DMA: copy len bytes from the driver's memory at DMA address `gpa` (guest-physical in a
	 * VM, the driver's own address at isolation=process) into buf, or from buf to it. 0, or
	 * -EFAULT when the range is not the driver's RAM readable (writable) by the driver. Goes
	 * through the monitor's one checked translator; ends nothing (ik_dev_dma_* does). */
	int (*dma_read)(void *ctx, uint64_t gpa, void *buf, size_t len);
	int (*dma_write)(void *ctx, uint64_t gpa, const void *buf, size_t len);
	/* End the driver as a violation: "driver '<name>' violation: <why>". */
	void (*violation)(void *ctx, const char *why);
	/* The DMA addresses that can be RAM, [ram_base, ram_base + ram_size): dma=strict's page
	 * table covers them. */
	uint64_t ram_base, ram_size;
};

/* What a model is on the PCI bus (config space; docs/ARCHITECTURE.md "PCI and DMA"). */
struct ik_pci_ident {
	uint16_t vendor, device;
	uint16_t subvendor, subdevice;
	uint32_t class_code; /* base class << 16 | subclass << 8 | programming interface */
	uint8_t revision;
};

/* One decoded port range: ports [PORT + delta, PORT + delta + count) are registers reg... */
struct ik_port_range {
	int32_t delta;
	uint16_t count, reg;
};

#define IK_DEV_MAX_RANGES 4u
#define IK_DEV_OPTS_MAX   256u
#define IK_DEV_TICK_MS    20u

/* A register of the MMIO window for read shadows (above): its offset, IK_SHADOW_READ or
 * IK_SHADOW_LAZY (ikernel/abi.h), accesses of 4 bytes; or a port (offset from the first port)
 * read a byte at a time, IK_SHADOW_PORT_READ. */
struct ik_dev_shadow {
	uint32_t offset;
	uint8_t kind;
};

#define IK_DEV_MAX_SHADOWS 8u

struct ik_devmodel {
	const char *name;
	const char *summary;
	uint16_t default_port, nports;
	int (*init)(struct ik_device *dev);        /* may be NULL; ik_dev_fail() for a message */
	void (*destroy)(struct ik_device *dev);    /* may be NULL */
	/* size is 1, 2 or 4. Return 0, or -errno to end the VM (a misuse of the device). */
	int (*pio_read)(struct ik_device *dev, uint16_t offset, unsigned size, uint32_t *val);
	int (*pio_write)(struct ik_device *dev, uint16_t offset, unsigned size, uint32_t val);
	/* Optional. */
	const struct ik_port_range *ranges;  /* NULL: one range {0, nports, 0} */
	unsigned nranges;
	const char *const *options;          /* NULL-terminated KEY names accepted after the port */
	/* Time-based behaviour (counters running down, expiry): called every IK_DEV_TICK_MS on
	 * the device's timer thread while the VM lives. May be NULL. */
	void (*tick)(struct ik_device *dev, uint64_t now_ns);
	/* Outside input (a network card's wire): the descriptor the timer thread polls between
	 * ticks, -1 for none at the moment (asked again after each wake); when it is readable,
	 * poll_ready() runs under the device lock. Both NULL, or both set. */
	int (*poll_fd)(struct ik_device *dev);
	void (*poll_ready)(struct ik_device *dev);
	/* MMIO window: bytes (a power of two, IK_DEV_MMIO_MIN..IK_DEV_MMIO_MAX), 0 for none.
	 * size is 1, 2, 4 or 8 and offset + size <= mmio_size. 0, or -errno to end the driver. */
	uint32_t mmio_size;
	int (*mmio_read)(struct ik_device *dev, uint32_t offset, unsigned size, uint64_t *val);
	int (*mmio_write)(struct ik_device *dev, uint32_t offset, unsigned size, uint64_t val);
	/* Non-NULL: the model may be granted as MODEL@pci, with this identity. */
	const struct ik_pci_ident *pci;
	/* Read shadows (above): at most IK_DEV_MAX_SHADOWS registers of the MMIO window; entry i
	 * of a READ register is ik_dev_shadow_set(dev, i, ...)'s i. */
	const struct ik_dev_shadow *shadows;
	unsigned nshadows;
};

#define IK_DEV_MMIO_MIN 0x1000u
#define IK_DEV_MMIO_MAX 0x800000u

/* One granted instance of a model. */
struct ik_device {
	const struct ik_devmodel *model;
	const struct ik_dev_host *host;
	uint16_t port;  /* first port of the grant */
	unsigned index; /* n-th instance of this model in the VM (0, 1, ...) */
	void *state;    /* the model's own */
	char opts[IK_DEV_OPTS_MAX]; /* "KEY=VALUE,KEY=VALUE" from the grant, keys checked */
	char err[160];              /* why init failed (ik_dev_fail) */
	uint64_t mmio_base;         /* guest address of its MMIO window; 0 for none */
	/* PCI (granted MODEL@pci): slot on bus 0 (function 0) and the INTx line the monitor
	 * assigned, which the model raises with ik_dev_raise_irq(dev, dev->irq) */
	bool on_pci;
	uint8_t pci_slot;
	unsigned irq;
	bool dma_strict; /* grant option dma=strict: DMA only to pages the driver mapped */
	/* registry-owned PCI config state, under lock */
	uint16_t pci_command;
	uint8_t pci_sizing; /* bit n: BAR n was written all-ones (reads give its size mask) */
	/* registry-owned read shadows, under lock: the model's values, and where each is
	 * published in the event page (NULL: not published) */
	uint32_t shadow_value[IK_DEV_MAX_SHADOWS];
	_Atomic uint32_t *shadow_pub[IK_DEV_MAX_SHADOWS];
	/* registry-owned */
	pthread_mutex_t lock;
	pthread_cond_t tick_cond;
	pthread_t ticker;
	bool lock_ready, ticker_running;
	uint64_t tick_at; /* ik_dev_tick_at(): tick() due then (0: only the regular ticks) */
	int wake_fd;      /* eventfd: wakes the timer thread out of its wait (tick_at moved) */
	atomic_bool ticker_quit;
};

#define IK_MAX_DEVICES 16u

/* The devices granted to one driver, and the monitor they report to. */
struct ik_devset {
	struct ik_dev_host host;
	struct ik_device devices[IK_MAX_DEVICES];
	size_t ndevices; /* initialised ones (destroy frees exactly these) */
	bool has_pci;    /* a MODEL@pci grant: ports 0xcf8-0xcff are the PCI host's */
	uint32_t pci_address; /* the CONFIG_ADDRESS latch (port 0xcf8), vCPU/service thread */
	/* dma=strict: per RAM page, how many of the driver's DMA mappings hold it (NULL when no
	 * grant is strict); IK_HC_DMA_MAP changes it, strict devices' DMA reads it */
	_Atomic uint16_t *dma_pages;
};

/* Registry (devices.c lists the models: each is `const struct ik_devmodel ik_dev_NAME` in its
 * dev_NAME.c, declared there, not here). */
const struct ik_devmodel *ik_devmodel_find(const char *name);
/* The i-th model of the registry, NULL past the last: for listings and checks. */
const struct ik_devmodel *ik_devmodel_at(size_t i);
/* "parport, testdev": names for messages. */
void ik_devmodel_list(char *out, size_t outlen);

/*
 * Parse grants "MODEL[@PORT][,KEY=VALUE...]" into devs[] (model, port, options; not
 * initialised). Refuses unknown models, bad ports, unknown/repeated/malformed options, ranges
 * past port 0xffff and overlapping grants with a message in err.
 */
int ik_devices_parse(const char *const *specs, size_t n, struct ik_device *devs, char *err,
		     size_t errlen);

/*
 * Parse and initialise the grants `specs` for a driver served by `host` (copied), start the
 * timers. On failure err names the grant and why; what was started is left for
 * ik_devset_destroy(), which is always safe on a zeroed or failed set.
 */
int ik_devset_init(struct ik_devset *set, const struct ik_dev_host *host, const char *const *specs,
		   size_t n, char *err, size_t errlen);
/* Stop the timers, destroy the models. Before the host's state goes away. */
void ik_devset_destroy(struct ik_devset *set);
/*
 * A port access of driver `driver` (its name, for the message): port + size within the 64 Ki
 * ports and size 1, 2 or 4 (the caller checked). Routed to the device whose grant holds it.
 * data: size bytes, read for a write, filled for a read. Returns 0, or -EPERM when the access
 * lies outside every grant or the model refused it, with why (naming the port) in `why`: the
 * caller ends the driver as a violation ("driver '<name>' violation: <why>").
 */
int ik_devset_pio(struct ik_devset *set, const char *driver, uint16_t port, unsigned size,
		  bool write, uint8_t *data, char *why, size_t whylen);
/* `count` accesses of `size` bytes to one port (x86 `rep ins`/`rep outs`): data holds
 * count * size bytes, in order. Routed once, served under the device's lock; the same rules and
 * messages as ik_devset_pio, the first refusal stops the string. */
int ik_devset_pio_string(struct ik_devset *set, const char *driver, uint16_t port,
			 unsigned size, bool write, uint8_t *data, uint32_t count, char *why,
			 size_t whylen);
/*
 * An MMIO access of `size` (1, 2, 4 or 8) bytes at guest address gpa, inside the device MMIO
 * hole (the caller checked). Routed to the device whose window holds [gpa, gpa + size);
 * *val is the value written, or receives the value read. 0, or -EPERM with why (naming the
 * address) when no window holds it or the model refused: the caller ends the driver.
 */
int ik_devset_mmio(struct ik_devset *set, const char *driver, uint64_t gpa, unsigned size,
		   bool write, uint64_t *val, char *why, size_t whylen);
/* IK_HC_DMA_MAP: n mapping changes the driver reported (hostile: each range checked against
 * RAM). 0, or -EPERM with why. Any thread (the table's counts are atomic). */
struct ik_dma_range;
int ik_devset_dma_map(struct ik_devset *set, const struct ik_dma_range *r, unsigned n, char *why,
		      size_t whylen);
/* Some grant is dma=strict (the boot info's IK_FEAT_DMA_STRICT). */
bool ik_devset_dma_strict(const struct ik_devset *set);
/* Every port range of every grant as boot info port_grant[] entries (first | count << 16), in
 * grant order, at most max (the guest refuses the rest in request_region()); returns how many. */
unsigned ik_devset_port_grants(const struct ik_devset *set, uint32_t *grant, unsigned max);
/* Every MMIO window of every grant as boot info mmio_grant[] entries (base | size << 32), in
 * grant order, at most max (writes to the rest are not posted); returns how many. */
unsigned ik_devset_mmio_grants(const struct ik_devset *set, uint64_t *grant, unsigned max);

/* Read shadows (shadow.c): the declared registers of every grant, in grant order, as boot info
 * mmio_shadow[] entries (at most max, each READ one given a value slot of the same index);
 * returns how many. */
struct ik_mmio_shadow;
unsigned ik_devset_mmio_shadows(const struct ik_devset *set, struct ik_mmio_shadow *table,
				unsigned max);
/* Publish the READ registers' values at values[i] for table entry i (the same order and max
 * as ik_devset_mmio_shadows), now and at every change from here on. Before the driver runs. */
void ik_devset_shadow_attach(struct ik_devset *set, _Atomic uint32_t *values, unsigned max);

/* Services for models. */
/* Read shadow i (the model's shadows[i], a READ register) now has value v. Under dev->lock
 * (any model callback, init included). */
void ik_dev_shadow_set(struct ik_device *dev, unsigned i, uint32_t v);
/* DMA by the device (see the top of this file): 0, or -EFAULT when refused, the driver then
 * being ended as a violation naming the device, the direction and the address; the model
 * must stop what it was doing. Called with the device's lock held (any model callback). */
int ik_dev_dma_read(struct ik_device *dev, uint64_t gpa, void *buf, size_t len);
int ik_dev_dma_write(struct ik_device *dev, uint64_t gpa, const void *buf, size_t len);
/* "ne2000@pci 00:03.0", "testdev@0x500": the device in messages. */
void ik_dev_describe(const struct ik_device *dev, char *out, size_t outlen);
/* Ask for tick() at deadline_ns (ik_dev_now_ns clock) when that is before the next regular
 * tick: a model's own short timer (a throttled interrupt). The earliest request wins; it is
 * forgotten once tick() ran. Under the device's lock (any model callback). */
void ik_dev_tick_at(struct ik_device *dev, uint64_t deadline_ns);
/* Raise interrupt line `line` (< 64; larger lines are ignored) of the driver. */
void ik_dev_raise_irq(struct ik_device *dev, unsigned line);
void ik_dev_log(struct ik_device *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record why init fails (shown in the VM creation error); returns -EINVAL. */
int ik_dev_fail(struct ik_device *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Option KEY of the grant into out: 0, -ENOENT when absent, -ENAMETOOLONG when it does not fit. */
int ik_dev_opt(const struct ik_device *dev, const char *key, char *out, size_t outlen);
/* Unsigned option (C syntax: 11, 0x3f): def when absent; -EINVAL (with ik_dev_fail) when it is
 * not a number or above max. */
int ik_dev_opt_uint(struct ik_device *dev, const char *key, unsigned long def, unsigned long max,
		    unsigned long *out);
/* src/monitor/text.c: untrusted bytes as printable ASCII for a log line (\xNN escapes), NUL-terminated. */
void ik_sanitize(char *out, size_t outlen, const char *in, size_t inlen);
/* Monotonic clock in ns (the clock tick() receives). */
uint64_t ik_dev_now_ns(void);

#endif /* IKMON_DEVMODEL_H */
