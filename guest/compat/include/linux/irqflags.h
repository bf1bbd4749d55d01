/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/irqflags.h>. Interrupt handlers only ever run between threads
 * (from the scheduler), never in the middle of one, so "disabling interrupts" is a no-op. */
#ifndef _IK_LINUX_IRQFLAGS_H
#define _IK_LINUX_IRQFLAGS_H

#define local_irq_save(flags) ((void)((flags) = 0))
#define local_irq_restore(flags) ((void)(flags))
#define local_irq_disable() do { } while (0)
#define local_irq_enable() do { } while (0)
#define local_save_flags(flags) ((void)((flags) = 0))
#define irqs_disabled() 0
#define preempt_disable() do { } while (0)
#define preempt_enable() do { } while (0)
#define local_bh_disable() do { } while (0)
#define local_bh_enable() do { } while (0)
#define in_interrupt() 0
#define in_irq() 0
#define in_atomic() 0

#endif
