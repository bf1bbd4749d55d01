/* SPDX-License-Identifier: MIT */
/* Runtime-internal interfaces between the runtime's files (not for the compat layer). */
#ifndef IK_RT_INTERNAL_H
#define IK_RT_INTERNAL_H

#include "ik/rt.h"
#include "ikernel/ring.h"
#include "ik_errno.h"
#include "platform.h" /* IK_BOOTINFO_PTR, IK_EVENTS_PTR, ik_plat_doorbell() */

#define IK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* dma.c: mapping reports still queued; sent before a device hears of them (every port or MMIO
 * write calls this first). */
extern unsigned ik_dma_queued;
static inline void ik_dma_before_device_write(void)
{
	if (__builtin_expect(ik_dma_queued != 0, 0))
		ik_dma_flush();
}

/* pio_post.c: posted port and MMIO writes, one ordered queue (IK_FEAT_IO_BATCH), with the DMA
 * mapping reports among them (dma=strict). */
extern unsigned ik_pio_posted;    /* entries held: device writes and DMA reports */
extern unsigned ik_posted_writes; /* the device writes among them */
void ik_pio_flush_slow(void);
/* Entries one IK_HC_IO_BATCH or IK_HC_WAIT may carry: the boot info's io_batch_max, else
 * IK_IO_BATCH_MAX (pio_post.c). */
unsigned ik_io_batch_limit(void);
/* A flush point (pio_post.c's list; ik_pio_flush() of rt.h, inline for the runtime's hot
 * paths): send the queue when it holds a device write, whose effect could now be observed.
 * DMA reports alone change nothing a device does: they wait, as IK_HC_DMA_MAP's queue did, for
 * the next device access or hypercall. */
static inline void ik_pio_flush_pending(void)
{
	if (__builtin_expect(ik_posted_writes != 0, 0))
		ik_pio_flush_slow();
}
/* Every held device write is to a lazy register (pio_post.c; IK_FEAT_MMIO_SHADOW). */
bool ik_posted_all_lazy(void);
/* A flush point that does not wait on the device (a thread switch, a request's completion):
 * as ik_pio_flush_pending(), but writes that are all to lazy registers stay held until the next
 * scheduler pass, read or hypercall (pio_post.c's list), so they join the next request. */
static inline void ik_pio_flush_unless_lazy(void)
{
	if (__builtin_expect(ik_posted_writes != 0, 0) && !ik_posted_all_lazy())
		ik_pio_flush_slow();
}
/* Each pass of the scheduler loop (its clock in now_ns): send the held writes, unless they are
 * all to lazy registers and the first pass that saw them was less than IK_LAZY_HOLD_NS ago
 * (they then join the next request; the pass that finds no work sends them at once). */
#define IK_LAZY_HOLD_NS 100000u
void ik_pio_flush_pass(uint64_t now_ns);
/* Before a device access or hypercall that is not in the queue: send everything held, DMA
 * reports included (that access may tell a device to use a mapping). */
static inline void ik_posted_send_all(void)
{
	if (__builtin_expect(ik_pio_posted != 0, 0))
		ik_pio_flush_slow();
}
/* Hold a write to a granted port (sent later, in order); false when it must be done at once
 * (not granted, or the monitor does not take batches): the caller flushes and does it. */
bool ik_pio_post(uint16_t port, unsigned size, uint32_t value);
/* With writes held: send them and then this access (a read: count 1) as one request; true
 * when done. False when nothing is held, or when the held writes were sent alone (the access
 * is outside the grant: the caller does it on its own, so a refusal's RIP is its own). */
bool ik_pio_posted_then(uint16_t port, unsigned size, bool write, void *buf, uint32_t count);
/* The same for device MMIO: hold a write wholly inside a granted window (1, 2 or 4 bytes); and
 * with writes held, send them and then this read as one request (true: *value is its value;
 * false: nothing held, or the read is outside the windows and the held writes went alone). */
bool ik_mmio_post(uint64_t addr, unsigned size, uint64_t value);
bool ik_mmio_posted_read(uint64_t addr, unsigned size, uint64_t *value);
/* A DMA mapping report (dma.c) as an entry of the same queue, in order; false when the monitor
 * takes no batches (dma.c then queues it for IK_HC_DMA_MAP). */
bool ik_dma_post(uint64_t addr, uint32_t len, bool map);
/* The held queue rides on this IK_HC_WAIT (IK_FEAT_WAIT_BATCH; its writes/count), applied by
 * the monitor before the wait sleeps: one request. Without the feature nothing is attached
 * and ik_hypercall sends the queue first, as its own request. */
void ik_posted_attach(struct ik_hc_wait *w);

/* mmio_shadow.c: read shadows (IK_FEAT_MMIO_SHADOW). A read of exactly (addr, size) answered
 * from the monitor's shadow value, no exit: true when the register is shadowed and every held
 * write may wait past it (ik_posted_all_lazy); false: the caller reads the device. And whether
 * a write of exactly (addr, size) is to a lazy register. */
bool ik_mmio_shadow_read(uint64_t addr, unsigned size, uint64_t *value);
bool ik_mmio_shadow_lazy(uint64_t addr, unsigned size);
/* The same for a port listed IK_SHADOW_PORT_READ, while no port write is held. */
bool ik_port_shadow_read(uint16_t port, unsigned size, uint32_t *value);
/* Where the values are (in the event page; NULL: no shadows), for white-box tests. */
const uint32_t *ik_mmio_shadow_values(void);

/* main.c */
_Noreturn void ik_rt_main(void);

/* console.c: push out a partial line (before exit/panic). */
void ik_console_flush(void);

/* heap.c */
void ik_heap_init(uintptr_t start, uintptr_t end);

/* time.c */
void ik_time_init(uint64_t tsc_khz);
uint64_t ik_ns_to_tsc(uint64_t ns);

/* thread.c */
void ik_threads_init(const struct ik_bootinfo *bi);
/* Run every thread that is runnable now once; returns how many ran. Scheduler thread only. */
unsigned ik_sched_run_ready(void);
bool ik_sched_has_ready(void);
unsigned ik_threads_free(void);
/* A thread set up to run fn(arg) but on no queue (NULL when none is free). Start it with
 * ik_thread_run_now() (scheduler thread only), which runs it at once until it blocks, yields
 * or returns: the request path skips the run queue with it. */
struct ik_thread *ik_thread_create(void (*fn)(void *), void *arg, const char *name);
void ik_thread_run_now(struct ik_thread *t);
bool ik_in_scheduler(void);
void ik_thread_set_window(struct ik_thread *t, uintptr_t base, uint64_t len);
void ik_thread_clear_signal(struct ik_thread *t);
/* Walk the run queue and every thread's state; a broken invariant (thread.c) is a BUG panic. */
void ik_sched_check(void);

/* timer.c: run expired timers; returns how many ran. Next deadline or IK_WAIT_FOREVER. */
unsigned ik_timers_run(uint64_t now);
uint64_t ik_timers_next(void);

/* irq.c */
void ik_irq_dispatch(uint64_t lines);

/* fault.c: injected faults (RELIABILITY.md) fire at these hooks. */
void ik_fault_call_hook(void);            /* worker thread, before the driver's operation */
bool ik_fault_alloc_fails(void);          /* ik_malloc: fail this allocation */
uint64_t ik_fault_irq_hook(uint64_t lines); /* interrupt dispatch: lines to deliver */

/* sched.c */
_Noreturn void ik_sched_loop(void);
/* IK_HC_WAIT with the given timeout, then act on what it reports. */
void ik_sched_wait(uint64_t timeout_ns);

/* stub.c */
void ik_stub_init(const struct ik_bootinfo *bi);
/* The nodes registered, announced with IK_HC_READY: from now on no more are (node.c). */
unsigned ik_stub_nodes_announce(void);
void ik_stub_chan_opened(uint64_t mask);
void ik_stub_chan_closing(uint64_t mask);
/* Start every startable request in every channel; returns how many started. */
unsigned ik_stub_poll(void);
/* True when some channel has a request that could start now. */
bool ik_stub_has_work(void);
void ik_stub_set_idle(uint32_t idle);

#endif /* IK_RT_INTERNAL_H */
