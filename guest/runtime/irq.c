/* SPDX-License-Identifier: MIT */
/*
 * Paravirtual interrupt lines: the monitor raises a line by setting a bit that IK_HC_WAIT
 * reports; the scheduler then calls the line's handler on its own thread, between two thread
 * runs (so handlers never interrupt driver code, and must not sleep).
 */
#include "internal.h"

#define IK_IRQ_LINES 64u

struct irq_line {
	int (*handler)(unsigned line, void *ctx);
	void *ctx;
	uint64_t unhandled;
};

static struct irq_line lines[IK_IRQ_LINES];

int ik_irq_register(unsigned line, int (*handler)(unsigned line, void *ctx), void *ctx)
{
	if (line >= IK_IRQ_LINES || !handler)
		return -IK_EINVAL;
	if (lines[line].handler)
		return -IK_EBUSY;
	lines[line].handler = handler;
	lines[line].ctx = ctx;
	return 0;
}

void ik_irq_unregister(unsigned line)
{
	if (line < IK_IRQ_LINES) {
		lines[line].handler = NULL;
		lines[line].ctx = NULL;
	}
}

void ik_irq_dispatch(uint64_t mask)
{
	mask = ik_fault_irq_hook(mask);
	while (mask) {
		unsigned line = (unsigned)__builtin_ctzll(mask);
		struct irq_line *l = &lines[line];

		mask &= mask - 1;
		if (l->handler) {
			l->handler(line, l->ctx);
		} else if (l->unhandled++ == 0) {
			/* Log once per line: a device raising a line nobody handles is worth one
			 * line in the log, not a flood. */
			ik_printf("irq %u raised with no handler\n", line);
		}
	}
}
