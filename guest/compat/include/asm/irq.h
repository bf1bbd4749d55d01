/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <asm/irq.h>. IRQ auto-probe: probe_irq_on() arms every line without a
 * handler, probe_irq_off() says which one fired (guest/compat/lib/irq_probe.c). */
#ifndef _IK_ASM_IRQ_H
#define _IK_ASM_IRQ_H

unsigned long probe_irq_on(void);
/* The line that fired since probe_irq_on(): its number; 0 when none; minus the first when
 * several did (Linux's convention). */
int probe_irq_off(unsigned long cookie);

#endif
