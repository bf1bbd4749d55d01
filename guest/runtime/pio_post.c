/* SPDX-License-Identifier: MIT */
/*
 * Posted writes (IK_FEAT_IO_BATCH), ports and device MMIO in one ordered queue, at both
 * isolation levels. On PCI, memory writes are posted and a read of the device flushes them;
 * x86 port writes are not posted on hardware, but nothing can tell until an effect of the write
 * is observed. So a write to a port of the driver's grant (ik_bootinfo.port_grant) or wholly
 * inside one of its device MMIO windows (ik_bootinfo.mmio_grant) is held in a small buffer, in
 * program order, and sent as one IK_HC_IO_BATCH request at the next point where any effect of
 * it could be observed. THE FLUSH POINTS (this list is the one place that says when):
 *   - a read of a granted port or window, or a port string (carried in the same request, after
 *     the writes: its `then` or its `read`); but not a read answered from its read shadow
 *     while every held write is to a lazy register (IK_FEAT_MMIO_SHADOW, mmio_shadow.c),
 *   - any other hypercall (ik_hypercall flushes first: interrupts, console, panic, exit, DMA
 *     reports), an access outside the grants (sent alone, first),
 *   - the scheduler's IK_HC_WAIT, idle or fetching (carried in the same request with
 *     IK_FEAT_WAIT_BATCH, applied before the wait sleeps: ik_posted_attach; else flushed first),
 *   - a delay (ik_delay_ns, cpu_relax), a memory barrier (mb, rmb), a pass of the scheduler
 *     loop that finds nothing to do (before it spins or sleeps),
 *   - a thread switch, a request's completion (before its CQE is posted), reading the clock
 *     (but not a delay), dma_rmb, a DMA sync for the CPU (and an unmap), and a pass of the
 *     scheduler loop with work, unless every held write is to a lazy register
 *     (IK_FEAT_MMIO_SHADOW; the device model says delaying them only makes the device act a
 *     little later): those stay until another point of this list, at most IK_LAZY_HOLD_NS
 *     (100 us) of scheduler passes with work (ik_pio_flush_pass),
 *   - a full buffer (ik_bootinfo.io_batch_max entries: IK_IO_BATCH_LARGE in a VM, whose exits
 *     cost most; IK_IO_BATCH_MAX from a monitor that does not say).
 * The device models therefore see the same accesses in the same order as without posting.
 * With IK_FEAT_DMA_STRICT the DMA mapping reports (dma.c) are entries of the same queue, each in
 * its place before the writes that could tell a device to use the mapping; a queue of reports
 * alone is sent only before a device access or hypercall of its own, with a read, or when full
 * (ik_posted_send_all): the flush points above are about writes, reports change nothing a
 * device does.
 * A write outside the grants is never held: done at once, its violation report's RIP is the
 * faulting write. The runtime is one vCPU of cooperative threads (no preemption, interrupt
 * handlers run from the scheduler), so the buffer needs no lock.
 */
#include "internal.h"

static struct ik_io_write posted[IK_IO_BATCH_LARGE];
static unsigned batch_max; /* entries a request may carry (0: not read from the boot info yet) */
unsigned ik_pio_posted, ik_posted_writes;
static uint64_t lazy_seen_ns; /* the first scheduler pass that let the held lazy writes stay */

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

/* [addr, addr + size) lies in one device MMIO window the monitor gave this driver. */
static bool mmio_granted(const struct ik_bootinfo *bi, uint64_t addr, unsigned size)
{
	if (!(bi->features & IK_FEAT_MMIO_GRANTS))
		return false;
	for (unsigned i = 0; i < IK_MAX_MMIO_GRANTS; i++) {
		uint64_t g = bi->mmio_grant[i], base = g & 0xffffffffu, len = g >> 32;

		if (!len)
			break;
		if (addr >= base && addr - base <= len && size <= len - (addr - base))
			return true;
	}
	return false;
}

static bool batches(const struct ik_bootinfo *bi)
{
	return bi->features & IK_FEAT_IO_BATCH;
}

static bool may_post_port(uint16_t port, unsigned size)
{
	const struct ik_bootinfo *bi = ik_bootinfo();

	return batches(bi) && (bi->features & IK_FEAT_PORT_GRANTS) && port_granted(bi, port, size);
}

static bool may_post_mmio(uint64_t addr, unsigned size)
{
	const struct ik_bootinfo *bi = ik_bootinfo();

	return batches(bi) && mmio_granted(bi, addr, size);
}

/* The held queue handed to a request: it is no longer ours to send. */
static uint32_t take_queue(ik_gpa_t *writes)
{
	uint32_t n = ik_pio_posted;

	*writes = (uintptr_t)posted;
	ik_pio_posted = ik_posted_writes = 0; /* first: ik_hypercall must not send them again */
	lazy_seen_ns = 0;
	return n;
}

/* The held writes, then `a`'s trailing access (none when a is all zero but for them). */
static void send_batch(struct ik_hc_io_batch *a)
{
	a->count = take_queue(&a->writes);
	ik_hypercall(IK_HC_IO_BATCH, a);
}

void ik_posted_attach(struct ik_hc_wait *w)
{
	if (ik_pio_posted && (ik_bootinfo()->features & IK_FEAT_WAIT_BATCH))
		w->count = take_queue(&w->writes);
}

void ik_pio_flush_slow(void)
{
	struct ik_hc_io_batch a = {0};

	send_batch(&a);
}

void ik_pio_flush(void)
{
	ik_pio_flush_pending();
}

void ik_pio_flush_unless_lazy_writes(void)
{
	ik_pio_flush_unless_lazy();
}

unsigned ik_io_batch_limit(void)
{
	if (__builtin_expect(!batch_max, 0)) {
		uint32_t v = ik_bootinfo()->io_batch_max; /* the monitor's word, read once */

		batch_max = v >= IK_IO_BATCH_MAX && v <= IK_IO_BATCH_LARGE ? v : IK_IO_BATCH_MAX;
	}
	return batch_max;
}

static void hold(struct ik_io_write w)
{
	if (w.space == IK_IO_PORT || w.space == IK_IO_MMIO)
		ik_posted_writes++;
	posted[ik_pio_posted++] = w;
	if (ik_pio_posted >= ik_io_batch_limit())
		ik_pio_flush_slow();
}

bool ik_pio_post(uint16_t port, unsigned size, uint32_t value)
{
	if (!may_post_port(port, size))
		return false;
	hold((struct ik_io_write){
	    .addr = port, .value = value, .size = (uint8_t)size, .space = IK_IO_PORT});
	return true;
}

bool ik_mmio_post(uint64_t addr, unsigned size, uint64_t value)
{
	if (size > 4 || !may_post_mmio(addr, size)) /* an 8-byte write does not fit an entry */
		return false;
	hold((struct ik_io_write){
	    .addr = addr, .value = (uint32_t)value, .size = (uint8_t)size, .space = IK_IO_MMIO});
	return true;
}

bool ik_dma_post(uint64_t addr, uint32_t len, bool map)
{
	if (!batches(ik_bootinfo()))
		return false;
	hold((struct ik_io_write){
	    .addr = addr, .value = len, .space = map ? IK_IO_DMA_MAP : IK_IO_DMA_UNMAP});
	return true;
}

/* Read shadows (mmio_shadow.c): a held port write, or an MMIO write to a register that is not
 * lazy, could change what the read returns, so it must go first; DMA reports may stay. */
bool ik_posted_all_lazy(void)
{
	for (unsigned i = 0; i < ik_pio_posted && ik_posted_writes; i++) {
		const struct ik_io_write *w = &posted[i];

		if (w->space == IK_IO_PORT ||
		    (w->space == IK_IO_MMIO && !ik_mmio_shadow_lazy(w->addr, w->size)))
			return false;
	}
	return true;
}

void ik_pio_flush_pass(uint64_t now_ns)
{
	if (!ik_posted_writes)
		return;
	if (!ik_posted_all_lazy() || (lazy_seen_ns && now_ns - lazy_seen_ns >= IK_LAZY_HOLD_NS)) {
		ik_pio_flush_slow();
		return;
	}
	if (!lazy_seen_ns)
		lazy_seen_ns = now_ns ? now_ns : 1;
}

bool ik_pio_posted_then(uint16_t port, unsigned size, bool write, void *buf, uint32_t count)
{
	struct ik_hc_io_batch a = {.then = {.port = port,
					    .size = (uint8_t)size,
					    .write = write,
					    .count = count,
					    .buf = (uintptr_t)buf}};

	if (!ik_pio_posted)
		return false;
	if (!may_post_port(port, size) || !(ik_bootinfo()->features & IK_FEAT_PIO_STRING)) {
		ik_pio_flush_slow(); /* an access outside the grant faults on its own */
		return false;
	}
	send_batch(&a);
	return true;
}

bool ik_mmio_posted_read(uint64_t addr, unsigned size, uint64_t *value)
{
	struct ik_hc_io_batch a = {.read = {.addr = addr, .size = (uint8_t)size}};

	if (!ik_pio_posted)
		return false;
	if (!may_post_mmio(addr, size)) {
		ik_pio_flush_slow(); /* a read outside the windows faults on its own */
		return false;
	}
	send_batch(&a);
	*value = a.read.value;
	return true;
}
