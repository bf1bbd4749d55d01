/* SPDX-License-Identifier: MIT */
/*
 * Interrupt lines, the same at both isolation levels (drvhost.h). A device model raises a line
 * on any thread (the service thread while it serves an access, its timer or wire threads);
 * the driver gets it one of two ways:
 *   - in the event page (IK_FEAT_EVENT_IRQS, once its IK_HC_WAIT carried IK_WAIT_EVENT_IRQS):
 *     the bit ORed into ik_events.irqs, then IK_ATTN_IRQS into `attention`; the driver takes
 *     the lines with an atomic exchange, no hypercall;
 *   - else in irq_pending, fetched by its next IK_HC_WAIT, with IK_ATTN_FETCH.
 * The switch is made once (sticky): a raise that still saw the old way after it lands in
 * irq_pending with IK_ATTN_FETCH, and the driver's next wait returns it, so none is lost.
 *
 * No lost wake-up (docs/ABI.md "Events"): the raise writes the line before `attention`, and
 * the caller wakes the driver after both (the kick eventfd; in the VM, on the vCPU thread, no
 * kick: the guest is in an exit and sees `attention` when it returns, and an IK_HC_WAIT that
 * applied writes does not sleep when irq_raises moved meanwhile, drvhost.c). The driver
 * clears `attention` before it takes `irqs`, and reads `attention` after its fence, before it
 * sleeps; its wait sleeps on the kick eventfd, which is drained only after a sleep.
 *
 * The page is the driver's to write: nothing here depends on what it holds. The old value of
 * the OR only decides whether the line counts as delivered (0 -> 1: one more interrupt the
 * driver will take, exactly as a fetch counts its lines); a driver scribbling the word can
 * only move its own count, never above the number of raises.
 */
#include <stdatomic.h>

#include "drvhost.h"

void ik_dh_irq_raise(struct ik_drvhost *dh, struct ik_events *ev, unsigned line)
{
	uint64_t bit = 1ull << (line & 63);

	if (line >= 64)
		return;
	if (atomic_load(&dh->irqs_in_page)) {
		uint64_t old = __atomic_fetch_or(&ev->irqs, bit, __ATOMIC_SEQ_CST);

		if (!(old & bit))
			atomic_fetch_add_explicit(&dh->irqs_delivered, 1, memory_order_relaxed);
		__atomic_or_fetch(&ev->attention, IK_ATTN_IRQS, __ATOMIC_SEQ_CST);
	} else {
		atomic_fetch_or(&dh->irq_pending, bit);
		__atomic_or_fetch(&ev->attention, IK_ATTN_FETCH, __ATOMIC_SEQ_CST);
	}
	atomic_fetch_add(&dh->irq_raises, 1); /* after the line is visible: see drvhost.c */
}

void ik_dh_irq_to_page(struct ik_drvhost *dh)
{
	atomic_store(&dh->irqs_in_page, true);
}

uint64_t ik_dh_irq_fetch(struct ik_drvhost *dh)
{
	uint64_t lines = atomic_exchange(&dh->irq_pending, 0);

	atomic_fetch_add_explicit(&dh->irqs_delivered, (uint64_t)__builtin_popcountll(lines),
				  memory_order_relaxed);
	return lines;
}

bool ik_dh_irq_pending(struct ik_drvhost *dh)
{
	return atomic_load(&dh->irq_pending) != 0;
}

uint64_t ik_dh_irqs_delivered(struct ik_drvhost *dh)
{
	return atomic_load_explicit(&dh->irqs_delivered, memory_order_relaxed);
}
