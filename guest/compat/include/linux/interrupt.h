/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/interrupt.h>. IRQ numbers are the monitor's paravirtual lines
 * (0..63, raised by device models); handlers run on the scheduler thread between threads.
 * Several handlers may share a line when all of them pass IRQF_SHARED. */
#ifndef _IK_LINUX_INTERRUPT_H
#define _IK_LINUX_INTERRUPT_H

#include <linux/types.h>
#include <linux/irqreturn.h>
#include <linux/irqflags.h>
#include <linux/errno.h>
#include <asm/irq.h> /* probe_irq_on/off, as Linux's <linux/interrupt.h> declares them */

typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define IRQF_TRIGGER_NONE 0x00000000
#define IRQF_TRIGGER_RISING 0x00000001
#define IRQF_TRIGGER_FALLING 0x00000002
#define IRQF_TRIGGER_HIGH 0x00000004
#define IRQF_TRIGGER_LOW 0x00000008
#define IRQF_SHARED 0x00000080
#define IRQF_PROBE_SHARED 0x00000100
#define IRQF_TIMER 0x00000200
#define IRQF_PERCPU 0x00000400
#define IRQF_NOBALANCING 0x00000800
#define IRQF_IRQPOLL 0x00001000
#define IRQF_ONESHOT 0x00002000
#define IRQF_NO_SUSPEND 0x00004000
#define IRQF_NO_THREAD 0x00010000

#define NR_IRQS 64

int __must_check request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
			     const char *name, void *dev);
int __must_check request_threaded_irq(unsigned int irq, irq_handler_t handler,
				      irq_handler_t thread_fn, unsigned long flags,
				      const char *name, void *dev);
/* Returns the name the handler was registered with, or NULL if (irq, dev) was not found. */
const void *free_irq(unsigned int irq, void *dev_id);
void disable_irq(unsigned int irq);
void disable_irq_nosync(unsigned int irq);
/* Handlers run on the scheduler thread, never in the middle of another thread: when a thread
 * runs, no handler is running, so there is nothing to wait for. */
static inline void synchronize_irq(unsigned int irq)
{
	(void)irq;
}
void enable_irq(unsigned int irq);

#endif
