/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: work items (<linux/workqueue.h>): functions run later in thread context
 * (they may sleep), each queue one cooperative guest thread that takes its items in order.
 * schedule_work() and friends may be called from interrupt handlers and timers. A work item is
 * queued at most once (pending), may re-queue itself while running, and cancel_work_sync()
 * waits for a running one to return. Delayed work is a timer that queues the item. */
#ifndef _IK_LINUX_WORKQUEUE_H
#define _IK_LINUX_WORKQUEUE_H

#include <ik/rt.h>
#include <linux/list.h>
#include <linux/timer.h>
#include <linux/types.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	struct list_head entry;
	work_func_t func;
	bool pending;
	struct workqueue_struct *wq; /* where it was last queued */
};

struct delayed_work {
	struct work_struct work;
	struct timer_list timer;
	struct workqueue_struct *wq;
};

/* One queue: its thread, its items, who waits for an item to finish. */
struct workqueue_struct {
	const char *name;
	struct list_head items;
	struct ik_waitq wake;     /* the thread sleeps here when there is nothing to do */
	struct ik_waitq done;     /* cancel/flush wait here for the running item */
	struct work_struct *running;
	struct ik_thread *thread;
};

extern struct workqueue_struct *system_wq;

void ik_init_work(struct work_struct *work, work_func_t func);
void ik_init_delayed_work(struct delayed_work *dwork, work_func_t func);
#define INIT_WORK(w, f) ik_init_work((w), (f))
#define INIT_DELAYED_WORK(w, f) ik_init_delayed_work((w), (f))
#define INIT_DEFERRABLE_WORK(w, f) ik_init_delayed_work((w), (f))
#define to_delayed_work(w) container_of(w, struct delayed_work, work)

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...);
#define alloc_ordered_workqueue(fmt, flags, ...) alloc_workqueue((fmt), (flags), 1, ##__VA_ARGS__)
#define create_singlethread_workqueue(name) alloc_workqueue("%s", 0, 1, (name))
void destroy_workqueue(struct workqueue_struct *wq);
#define WQ_MEM_RECLAIM 0x8u
#define WQ_UNBOUND 0x2u

/* true when queued now, false when it was already pending */
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay);
#define schedule_work(w) queue_work(system_wq, (w))
#define schedule_delayed_work(w, d) queue_delayed_work(system_wq, (w), (d))

/* true when it was pending; the _sync forms also wait until it is not running */
bool cancel_work_sync(struct work_struct *work);
bool cancel_delayed_work(struct delayed_work *dwork);
bool cancel_delayed_work_sync(struct delayed_work *dwork);
bool flush_work(struct work_struct *work);
void flush_workqueue(struct workqueue_struct *wq);
#define flush_scheduled_work() flush_workqueue(system_wq)

static inline bool work_pending(const struct work_struct *work)
{
	return work->pending;
}

static inline bool delayed_work_pending(const struct delayed_work *dwork)
{
	return dwork->work.pending || timer_pending(&dwork->timer);
}

#endif
