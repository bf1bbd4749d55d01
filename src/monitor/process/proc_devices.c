/* SPDX-License-Identifier: MIT */
/*
 * Device models at isolation=process: the monitor-lite as the host (devmodel.h struct
 * ik_dev_host) of the same models and grants as the VM monitor. The driver process asks for
 * each port access with the IK_PROC_HC_PIO pseudo hypercall (it has no port window): every
 * field of the request is checked here, then the registry routes it to the granted device or
 * ends the driver with a message naming the port, exactly as a VM's port window does.
 * Interrupts raised by a model reach the driver as in the VM: the line's bit in the pending
 * mask (fetched by its next IK_HC_WAIT), `attention` in the event page, and the kick eventfd.
 *
 * Threads: the PIO requests on the service thread; raise_irq/log/ended also on the devices'
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

	atomic_fetch_or(&p->pending_irqs, 1ull << line);
	ik_proc_wake_driver(p);
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

int ik_proc_devices_init(struct ik_proc *p, const char *const *specs, size_t n, char *err,
			 size_t errlen)
{
	const struct ik_dev_host host = {
		.ctx = p,
		.raise_irq = proc_raise_irq,
		.log = proc_dev_log,
		.ended = proc_ended,
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
