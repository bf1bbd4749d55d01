/* SPDX-License-Identifier: MIT */
/*
 * Posted port writes (IK_FEAT_PIO_BATCH), at both isolation levels. x86 port writes are not
 * posted on hardware; here a write to a port of the driver's grant (ik_bootinfo.port_grant) is
 * held in a small buffer and sent, in order, as one IK_HC_PIO_BATCH request at the next point
 * where any effect of it could be observed:
 *   - a port read or string (carried in the same request as its `then`),
 *   - any other hypercall (ik_hypercall flushes first: the idle wait, interrupts, console,
 *     panic, exit, DMA reports), MMIO, a write outside the grant,
 *   - a delay (ik_delay_ns, cpu_relax), a thread switch, each pass of the scheduler loop,
 *   - a request's completion (before its CQE is posted),
 *   - a full buffer (IK_PIO_BATCH_MAX writes).
 * The device models therefore see the same accesses in the same order as without posting.
 * A write outside the grant is never held: done at once, its violation report's RIP is the
 * faulting write. The runtime is one vCPU of cooperative threads (no preemption, interrupt
 * handlers run from the scheduler), so the buffer needs no lock.
 */
#include "internal.h"

static struct ik_pio_write posted[IK_PIO_BATCH_MAX];
unsigned ik_pio_posted;

/* [port, port + size) lies in one range the operator granted. */
static bool port_granted(const struct ik_bootinfo *bi, uint16_t port, unsigned size)
{
	for (unsigned i = 0; i < IK_MAX_PORT_GRANTS; i++) {
		uint32_t g = bi->port_grant[i], first = g & 0xffffu, count = g >> 16;

		if (!count)
			break;
		if (port >= first && (uint32_t)port + size <= first + count)
			return true;
	}
	return false;
}

static bool may_post(uint16_t port, unsigned size)
{
	const struct ik_bootinfo *bi = ik_bootinfo();
	const uint64_t need = IK_FEAT_PIO_BATCH | IK_FEAT_PORT_GRANTS;

	return (bi->features & need) == need && port_granted(bi, port, size);
}

/* The held writes, then `then` (NULL: nothing), as one request. */
static void send_batch(const struct ik_hc_pio_string *then)
{
	struct ik_hc_pio_batch a = {.writes = (uintptr_t)posted, .count = ik_pio_posted};

	if (then)
		a.then = *then;
	ik_pio_posted = 0; /* before the call: ik_hypercall must not flush them again */
	ik_hypercall(IK_HC_PIO_BATCH, &a);
}

void ik_pio_flush_slow(void)
{
	send_batch(NULL);
}

void ik_pio_flush(void)
{
	ik_pio_flush_pending();
}

bool ik_pio_post(uint16_t port, unsigned size, uint32_t value)
{
	if (!may_post(port, size))
		return false;
	posted[ik_pio_posted++] = (struct ik_pio_write){.port = port, .size = (uint8_t)size,
							.value = value};
	if (ik_pio_posted == IK_PIO_BATCH_MAX)
		send_batch(NULL);
	return true;
}

bool ik_pio_posted_then(uint16_t port, unsigned size, bool write, void *buf, uint32_t count)
{
	struct ik_hc_pio_string then = {.port = port, .size = (uint8_t)size, .write = write,
					.count = count, .buf = (uintptr_t)buf};

	if (!ik_pio_posted)
		return false;
	if (!may_post(port, size) || !(ik_bootinfo()->features & IK_FEAT_PIO_STRING)) {
		send_batch(NULL); /* an access outside the grant faults on its own */
		return false;
	}
	send_batch(&then);
	return true;
}
