/* SPDX-License-Identifier: MIT */
/* IRQ auto-probe (<asm/irq.h>, Linux's kernel/irq/autoprobe.c): probe_irq_on() listens on every
 * line nobody handles; the driver makes its card interrupt; probe_irq_off() lets pending
 * interrupts be delivered, stops listening and says which line fired. */
#include <linux/interrupt.h>
#include <linux/kernel.h>

#include <ik/rt.h>

#define PROBE_LINES 16u /* ISA lines 0-15 */

static unsigned long fired;
static unsigned long armed;

static int probe_handler(unsigned line, void *ctx)
{
	(void)ctx;
	fired |= 1ul << line;
	return 1;
}

unsigned long probe_irq_on(void)
{
	fired = armed = 0;
	for (unsigned int line = 1; line < PROBE_LINES; line++) /* never line 0: the timer's */
		if (ik_irq_register(line, probe_handler, NULL) == 0)
			armed |= 1ul << line;
	return armed;
}

int probe_irq_off(unsigned long cookie)
{
	unsigned long hit;

	ik_yield(); /* the scheduler delivers what the monitor raised meanwhile */
	for (unsigned int line = 1; line < PROBE_LINES; line++)
		if (armed & (1ul << line))
			ik_irq_unregister(line);
	hit = fired & cookie & armed;
	armed = 0;
	if (!hit)
		return 0;
	if (hit & (hit - 1))
		return -(int)__builtin_ctzl(hit);
	return (int)__builtin_ctzl(hit);
}
