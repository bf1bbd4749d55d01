/* SPDX-License-Identifier: MIT */
/*
 * The scheduler loop (thread 0). Each pass: heartbeat, expired timers, monitor events,
 * new requests from the rings, runnable threads. With nothing to do it spins for spin_ns
 * (a request arriving now is served in ~0.1 us, no exit), then announces sleep in every
 * channel (guest_idle = 1), fences, re-checks, and blocks in IK_HC_WAIT until the next timer
 * or a kick. See ring.h for why the fence makes lost wakeups impossible.
 *
 * Interrupt lines (IK_FEAT_EVENT_IRQS): every wait asks the monitor to put them in the event
 * page (IK_WAIT_EVENT_IRQS); from then on a raise ORs the line into ik_events.irqs, then sets
 * IK_ATTN_IRQS in `attention`, then wakes us. We exchange `attention` with 0, then `irqs` with
 * 0, and dispatch: no hypercall. A line raised after our exchange of `attention` sets it again
 * (seen by the next pass, or by the check after the fence in idle_wait: no lost wake-up); one
 * raised between the two exchanges is taken now and leaves a harmless `attention` behind.
 * IK_HC_WAIT(0) is left for the rest (IK_ATTN_FETCH: channels, a monitor without the feature).
 * The idle wait carries the posted writes still held (IK_FEAT_WAIT_BATCH, pio_post.c), applied
 * by the monitor before it sleeps: one exit.
 */
#include "internal.h"

void ik_sched_wait(uint64_t timeout_ns)
{
	struct ik_hc_wait hc = { .timeout_ns = timeout_ns };

	if (ik_bootinfo()->features & IK_FEAT_EVENT_IRQS)
		hc.flags = IK_WAIT_EVENT_IRQS;
	ik_posted_attach(&hc);
	ik_hypercall(IK_HC_WAIT, &hc);
	/* Opened before closing: a client that came and went between two fetches still gets
	 * its channel set up and then released. */
	if (hc.chan_opened)
		ik_stub_chan_opened(hc.chan_opened);
	if (hc.irqs)
		ik_irq_dispatch(hc.irqs);
	if (hc.chan_closing)
		ik_stub_chan_closing(hc.chan_closing);
}

static bool attention_pending(void)
{
	return __atomic_load_n(&IK_EVENTS_PTR->attention, __ATOMIC_ACQUIRE) != 0;
}

/* The lines in the event page. The word is ours to write: whatever is there is what we take. */
static void take_event_irqs(void)
{
	uint64_t lines;

	if (!(ik_bootinfo()->features & IK_FEAT_EVENT_IRQS))
		return;
	lines = __atomic_exchange_n(&IK_EVENTS_PTR->irqs, 0, __ATOMIC_SEQ_CST);
	if (lines)
		ik_irq_dispatch(lines);
}

/* Clear attention before taking the lines or fetching, so an event raised meanwhile sets it
 * again. */
static bool handle_attention(void)
{
	uint32_t attention;

	if (!attention_pending())
		return false;
	attention = __atomic_exchange_n(&IK_EVENTS_PTR->attention, 0, __ATOMIC_SEQ_CST);
	take_event_irqs();
	if (attention & ~IK_ATTN_IRQS)
		ik_sched_wait(0);
	return true;
}

static bool has_work(void)
{
	return ik_sched_has_ready() || attention_pending() || ik_stub_has_work() ||
	       ik_timers_next() <= ik_now_ns();
}

/* Sleep in the monitor until the next timer or an event, unless work shows up meanwhile. */
static void idle_wait(void)
{
	uint64_t next, now;

	ik_stub_set_idle(1);
	ik_fence_seq_cst();
	if (!has_work()) {
		next = ik_timers_next();
		now = ik_now_ns();
		if (next == IK_WAIT_FOREVER)
			ik_sched_wait(IK_WAIT_FOREVER);
		else if (next > now)
			ik_sched_wait(next - now);
	}
	ik_stub_set_idle(0);
}

_Noreturn void ik_sched_loop(void)
{
	uint64_t spin_ns = ik_bootinfo()->spin_ns;
	uint64_t idle_since = ik_now_ns();

	for (;;) {
		unsigned work = 0;

		ik_pio_flush_pass(ik_now_ns()); /* what timers and interrupt handlers posted */
		ik_heartbeat();
		work += ik_timers_run(ik_now_ns());
		work += handle_attention();
		work += ik_stub_poll();
		work += ik_sched_run_ready();
		if (work) {
			idle_since = ik_now_ns();
			continue;
		}
		ik_pio_flush_pending(); /* nothing to do: the device gets everything before we wait */
		if (ik_now_ns() - idle_since < spin_ns) {
			ik_cpu_relax();
			continue;
		}
		idle_wait();
		idle_since = ik_now_ns();
	}
}
