/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: kernel timers (<linux/timer.h>, the 6.1 API) on the runtime's ik_timer.
 * Callbacks run on the scheduler thread, never in the middle of another thread, so
 * del_timer_sync() is del_timer(): a callback cannot be running while a thread calls it. */
#ifndef _IK_LINUX_TIMER_H
#define _IK_LINUX_TIMER_H

#include <ik/rt.h>
#include <linux/types.h>
#include <linux/jiffies.h>
#include <linux/container_of.h>

struct timer_list {
	struct ik_timer ikt;
	unsigned long expires; /* jiffies */
	void (*function)(struct timer_list *);
	u32 flags;
};

#define TIMER_DEFERRABLE 0x00080000
#define TIMER_PINNED 0x00100000
#define TIMER_IRQSAFE 0x00200000

void ik_timer_list_fire(struct ik_timer *t);

#define __TIMER_INITIALIZER(_function, _flags)                                                     \
	{                                                                                          \
		.ikt = {.fn = ik_timer_list_fire}, .function = (_function), .flags = (_flags),     \
	}
#define DEFINE_TIMER(_name, _function) struct timer_list _name = __TIMER_INITIALIZER(_function, 0)

void timer_setup(struct timer_list *timer, void (*callback)(struct timer_list *), unsigned int flags);
#define timer_setup_on_stack timer_setup
#define destroy_timer_on_stack(t) do { (void)(t); } while (0)

#define from_timer(var, callback_timer, timer_fieldname)                                           \
	container_of(callback_timer, __typeof__(*var), timer_fieldname)

/* Returns 1 if the timer was pending (now re-armed), 0 if it was idle (now armed). */
int mod_timer(struct timer_list *timer, unsigned long expires);
void add_timer(struct timer_list *timer);
/* Returns 1 if a pending timer was deactivated, else 0. */
int del_timer(struct timer_list *timer);
#define del_timer_sync del_timer
#define try_to_del_timer_sync del_timer
#define del_singleshot_timer_sync del_timer

static inline int timer_pending(const struct timer_list *timer)
{
	return timer->ikt.pending;
}

#endif
