/* SPDX-License-Identifier: MIT */
/* request_irq on the runtime's paravirtual interrupt lines (see <linux/interrupt.h>). Each line
 * has one runtime handler (irq_dispatch) that runs the line's actions in registration order. */
#include <linux/kernel.h>
#include <linux/interrupt.h>
#include <linux/slab.h>

struct irq_action {
	irq_handler_t handler;
	unsigned long flags;
	const char *name;
	void *dev_id;
	struct irq_action *next;
};

struct irq_line {
	struct irq_action *actions;
	unsigned int disable_depth;
	bool pending; /* raised while disabled: delivered by enable_irq (Linux's IRQS_PENDING) */
};

static struct irq_line irq_lines[NR_IRQS];

static int irq_dispatch(unsigned line, void *ctx)
{
	struct irq_line *l = ctx;
	int handled = 0;

	if (l->disable_depth) {
		/* An ISA line is an edge: dropped here, the device would never raise it again
		 * while its condition stays set, so keep it for enable_irq. */
		l->pending = true;
		return 1;
	}
	for (struct irq_action *a = l->actions; a; a = a->next)
		if (a->handler((int)line, a->dev_id) != IRQ_NONE)
			handled = 1;
	return handled;
}

/* May `flags` join the actions already on the line? Only if everyone agreed to share. */
static bool irq_can_share(const struct irq_line *l, unsigned long flags)
{
	if (!l->actions)
		return true;
	return (flags & IRQF_SHARED) && (l->actions->flags & IRQF_SHARED);
}

int request_threaded_irq(unsigned int irq, irq_handler_t handler, irq_handler_t thread_fn,
			 unsigned long flags, const char *name, void *dev)
{
	struct irq_line *l;
	struct irq_action *a, **tail;
	int r;

	if (irq >= NR_IRQS || (!handler && !thread_fn))
		return -EINVAL;
	if ((flags & IRQF_SHARED) && !dev)
		return -EINVAL;
	l = &irq_lines[irq];
	if (!irq_can_share(l, flags))
		return -EBUSY;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	/* No interrupt threads: handlers already run outside every thread, so a threaded
	 * handler can run in the primary's place. */
	a->handler = handler ? handler : thread_fn;
	a->flags = flags;
	a->name = name;
	a->dev_id = dev;
	if (!l->actions) {
		r = ik_irq_register(irq, irq_dispatch, l);
		if (r) {
			kfree(a);
			return r;
		}
	}
	for (tail = &l->actions; *tail; tail = &(*tail)->next)
		;
	*tail = a;
	return 0;
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
		void *dev)
{
	return request_threaded_irq(irq, handler, NULL, flags, name, dev);
}

const void *free_irq(unsigned int irq, void *dev_id)
{
	struct irq_action **pp;
	const char *name;

	if (irq >= NR_IRQS)
		return NULL;
	for (pp = &irq_lines[irq].actions; *pp; pp = &(*pp)->next) {
		struct irq_action *a = *pp;

		if (a->dev_id != dev_id)
			continue;
		*pp = a->next;
		name = a->name;
		kfree(a);
		if (!irq_lines[irq].actions) {
			ik_irq_unregister(irq);
			irq_lines[irq].pending = false;
		}
		return name;
	}
	WARN(1, "free_irq: no handler for irq %u with dev_id %p\n", irq, dev_id);
	return NULL;
}

void disable_irq(unsigned int irq)
{
	if (irq < NR_IRQS)
		irq_lines[irq].disable_depth++;
}

void disable_irq_nosync(unsigned int irq)
{
	disable_irq(irq);
}

void enable_irq(unsigned int irq)
{
	struct irq_line *l;

	if (irq >= NR_IRQS || WARN_ON(irq_lines[irq].disable_depth == 0))
		return;
	l = &irq_lines[irq];
	if (--l->disable_depth == 0 && l->pending) {
		l->pending = false;
		irq_dispatch(irq, l);
	}
}
