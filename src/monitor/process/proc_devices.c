/* SPDX-License-Identifier: MIT */
/*
 * Device models at isolation=process: the monitor-lite as the host (devmodel.h struct
 * ik_dev_host) of the same models and grants as the VM monitor. The driver process asks for
 * each port access with the IK_PROC_HC_PIO pseudo hypercall (it has no port window): every
 * field of the request is checked here, then the registry routes it to the granted device or
 * ends the driver with a message naming the port, exactly as a VM's port window does.
 * Interrupts raised by a model reach the driver as in the VM (irq_lines.c): the line's bit in
 * the event page or the mask its next IK_HC_WAIT fetches, `attention`, and the kick eventfd.
 *
 * Device MMIO is the IK_PROC_HC_MMIO request, checked the same way, at the addresses a VM uses.
 * Device DMA reaches the driver's RAM through our own mapping of it (the boot memfd's RAM part,
 * which the driver maps at IK_PROC_RAM_BASE): DMA addresses are the driver's own addresses,
 * checked against its RAM, its stack guard pages excluded, before any byte is copied.
 *
 * Threads: the PIO and MMIO requests on the service thread; raise_irq/log/ended also on the devices'
 * timer threads.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc_internal.h"
#include "ikernel/proc_abi.h"

static void proc_raise_irq(void *ctx, unsigned line)
{
	struct ik_proc *p = ctx;

	ik_dh_irq_raise(&p->dh, p->events, line);
	ik_proc_kick_driver(p);
}

static void proc_dev_log(void *ctx, const char *line)
{
	struct ik_proc *p = ctx;

	ik_dh_out(&p->dh, "[%s] %s", p->dh.name, line); /* charged to its output budget */
}

static bool proc_ended(void *ctx)
{
	struct ik_proc *p = ctx;
	bool ended;

	pthread_mutex_lock(&p->lock);
	ended = p->ended;
	pthread_mutex_unlock(&p->lock);
	return ended;
}

/* Our address of the driver's [gpa, gpa + len), or NULL when it is not all RAM the driver can
 * touch (outside RAM, or a stack guard page, which the driver keeps PROT_NONE). */
static uint8_t *ram_at(struct ik_proc *p, uint64_t gpa, size_t len)
{
	uint64_t stacks = (uint64_t)IK_MAX_THREADS * IK_STACK_STRIDE;
	uint64_t off = gpa - IK_PROC_RAM_BASE, stack_area = p->mem_size - stacks;

	if (!p->ram || gpa < IK_PROC_RAM_BASE || off >= p->mem_size || len > p->mem_size - off)
		return NULL;
	for (uint64_t a = off & ~(IK_PAGE_SIZE - 1); a < off + len; a += IK_PAGE_SIZE)
		if (a >= stack_area && (a - stack_area) % IK_STACK_STRIDE < IK_GUARD_SIZE)
			return NULL;
	return p->ram + off;
}

static int proc_dma_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	const uint8_t *src = ram_at(ctx, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(buf, src, len);
	return 0;
}

static int proc_dma_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	uint8_t *dst = ram_at(ctx, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, buf, len);
	return 0;
}

static void proc_dev_violation(void *ctx, const char *why)
{
	struct ik_proc *p = ctx;

	ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: %s", p->dh.name, why);
}

int ik_proc_devices_init(struct ik_proc *p, const char *const *specs, size_t n, char *err,
			 size_t errlen)
{
	const struct ik_dev_host host = {
		.ctx = p,
		.raise_irq = proc_raise_irq,
		.log = proc_dev_log,
		.ended = proc_ended,
		.dma_read = proc_dma_read,
		.dma_write = proc_dma_write,
		.violation = proc_dev_violation,
		.ram_base = IK_PROC_RAM_BASE,
		.ram_size = p->mem_size,
	};

	return ik_devset_init(&p->devs, &host, specs, n, err, errlen);
}

void ik_proc_devices_destroy(struct ik_proc *p)
{
	ik_devset_destroy(&p->devs);
}

int ik_proc_pio(struct ik_proc *p, struct ik_proc_pio *io)
{
	const struct ik_proc_pio req = *io; /* the driver's bytes, read once */
	const char *kind = req.write ? "write" : "read";
	char why[200];
	uint8_t data[4] = {0};
	uint32_t val = 0;

	if ((req.size != 1 && req.size != 2 && req.size != 4) || req.write > 1) {
		ik_proc_end(p, IK_END_VIOLATION,
			    "driver '%s' violation: bad port I/O request (size %u, write flag %u) for port 0x%x",
			    p->dh.name, req.size, req.write, req.port);
		return -EPERM;
	}
	if ((uint32_t)req.port + req.size > IK_PIO_PORTS) {
		ik_proc_end(p, IK_END_VIOLATION,
			    "driver '%s' violation: bad port access (%u-byte %s of port 0x%x)", p->dh.name,
			    req.size, kind, req.port);
		return -EPERM;
	}
	if (req.write)
		memcpy(data, &req.value, req.size); /* the low `size` bytes, as a port window */
	if (ik_devset_pio(&p->devs, p->dh.name, req.port, req.size, req.write, data, why, sizeof(why))) {
		ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: %s", p->dh.name, why);
		return -EPERM; /* the driver is being killed: no reply */
	}
	memcpy(&val, data, req.size);
	*io = req;
	io->value = req.write ? 0 : val;
	return 0;
}

int ik_proc_mmio(struct ik_proc *p, struct ik_proc_mmio *io)
{
	const struct ik_proc_mmio req = *io; /* the driver's bytes, read once */
	uint64_t val = req.value;
	char why[200];
	uint8_t reserved = 0;

	for (unsigned i = 0; i < sizeof(req.reserved); i++)
		reserved |= req.reserved[i];
	if ((req.size != 1 && req.size != 2 && req.size != 4 && req.size != 8) || req.write > 1 ||
	    reserved || req.addr < IK_GPA_DEVMMIO || req.addr >= IK_GPA_MMIO_END ||
	    req.size > IK_GPA_MMIO_END - req.addr) {
		ik_proc_end(p, IK_END_VIOLATION,
			    "driver '%s' violation: bad MMIO request (%u bytes at 0x%llx, write flag %u)",
			    p->dh.name, req.size, (unsigned long long)req.addr, req.write);
		return -EPERM;
	}
	if (req.size < 8)
		val &= (1ull << (8 * req.size)) - 1;
	if (ik_devset_mmio(&p->devs, p->dh.name, req.addr, req.size, req.write, &val, why, sizeof(why))) {
		ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: %s", p->dh.name, why);
		return -EPERM;
	}
	*io = req;
	io->value = req.write ? 0 : val;
	return 0;
}
