/* SPDX-License-Identifier: MIT */
/* Work items (<linux/workqueue.h>) on cooperative guest threads. Interrupt handlers and timers
 * never run in the middle of a thread, so the lists need no lock: queueing is a list append and
 * a wake, safe from any context. */
#include <ikernel/abi.h> /* IK_WAIT_FOREVER */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

static struct workqueue_struct system_queue = {.name = "events"};
struct workqueue_struct *system_wq = &system_queue;

static void wq_thread(void *arg)
{
	struct workqueue_struct *wq = arg;
	struct ik_waiter w;

	for (;;) {
		while (!list_empty(&wq->items)) {
			struct work_struct *work = list_first_entry(&wq->items, struct work_struct, entry);

			list_del_init(&work->entry);
			work->pending = false;
			wq->running = work;
			work->func(work);
			wq->running = NULL;
			ik_waitq_wake(&wq->done, 0);
		}
		ik_waitq_add(&wq->wake, &w);
		if (list_empty(&wq->items))
			ik_sleep_until(IK_WAIT_FOREVER, false);
		ik_waitq_remove(&wq->wake, &w);
	}
}

/* The queue's thread, started from thread context (a work item is initialised before it is
 * queued, and initialisation is not done from interrupt handlers). */
static int wq_start(struct workqueue_struct *wq)
{
	if (wq->thread)
		return 0;
	if (!wq->items.next)
		INIT_LIST_HEAD(&wq->items);
	wq->thread = ik_thread_spawn(wq_thread, wq, wq->name);
	return wq->thread ? 0 : -ENOMEM;
}

void ik_init_work(struct work_struct *work, work_func_t func)
{
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
	work->pending = false;
	work->wq = NULL;
	if (wq_start(system_wq))
		panic("workqueue: cannot start its thread");
}

static void delayed_work_fire(struct timer_list *t)
{
	struct delayed_work *dwork = from_timer(dwork, t, timer);

	queue_work(dwork->wq ? dwork->wq : system_wq, &dwork->work);
}

void ik_init_delayed_work(struct delayed_work *dwork, work_func_t func)
{
	ik_init_work(&dwork->work, func);
	timer_setup(&dwork->timer, delayed_work_fire, 0);
	dwork->wq = NULL;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
{
	struct workqueue_struct *wq = kzalloc(sizeof(*wq), GFP_KERNEL);

	(void)flags;
	(void)max_active; /* one thread: items run one at a time, in order */
	if (!wq)
		return NULL;
	wq->name = fmt; /* the thread's name: the format itself (threads keep a pointer) */
	INIT_LIST_HEAD(&wq->items);
	if (wq_start(wq)) {
		kfree(wq);
		return NULL;
	}
	return wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	flush_workqueue(wq);
	/* its thread stays asleep on an empty queue: the runtime has no thread exit from outside,
	 * so the queue is kept (a driver destroys its queues only when it is removed) */
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	if (work->pending)
		return false;
	if (!wq->items.next)
		INIT_LIST_HEAD(&wq->items);
	work->pending = true;
	work->wq = wq;
	list_add_tail(&work->entry, &wq->items);
	ik_waitq_wake(&wq->wake, 0);
	return true;
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay)
{
	if (dwork->work.pending || timer_pending(&dwork->timer))
		return false;
	dwork->wq = wq;
	if (delay == 0)
		return queue_work(wq, &dwork->work);
	mod_timer(&dwork->timer, jiffies + delay);
	return true;
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay)
{
	bool was = cancel_delayed_work(dwork);

	queue_delayed_work(wq, dwork, delay);
	return was;
}

/* Take the item off its queue if it waits there: true when it was pending. */
static bool work_unqueue(struct work_struct *work)
{
	if (!work->pending)
		return false;
	list_del_init(&work->entry);
	work->pending = false;
	return true;
}

/* Wait until the item is not running (it may be running on its queue's thread). */
static void work_wait_idle(struct work_struct *work)
{
	struct workqueue_struct *wq = work->wq;
	struct ik_waiter w;

	if (!wq || wq->thread == ik_current())
		return; /* an item waiting for itself would wait forever */
	while (wq->running == work) {
		ik_waitq_add(&wq->done, &w);
		if (wq->running == work)
			ik_sleep_until(IK_WAIT_FOREVER, false);
		ik_waitq_remove(&wq->done, &w);
	}
}

bool cancel_work_sync(struct work_struct *work)
{
	bool was = work_unqueue(work);

	work_wait_idle(work);
	return was;
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	bool timer = del_timer(&dwork->timer);

	return work_unqueue(&dwork->work) || timer;
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	bool was = cancel_delayed_work(dwork);

	work_wait_idle(&dwork->work);
	return was;
}

bool flush_work(struct work_struct *work)
{
	struct workqueue_struct *wq = work->wq;
	struct ik_waiter w;
	bool waited = false;

	if (!wq || wq->thread == ik_current())
		return false;
	while (work->pending || wq->running == work) {
		waited = true;
		ik_waitq_add(&wq->done, &w);
		if (work->pending || wq->running == work)
			ik_sleep_until(IK_WAIT_FOREVER, false);
		ik_waitq_remove(&wq->done, &w);
	}
	return waited;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	struct ik_waiter w;

	if (!wq->thread || wq->thread == ik_current())
		return;
	while (!list_empty(&wq->items) || wq->running) {
		ik_waitq_add(&wq->done, &w);
		if (!list_empty(&wq->items) || wq->running)
			ik_sleep_until(IK_WAIT_FOREVER, false);
		ik_waitq_remove(&wq->done, &w);
	}
}
