/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: wait queues (<linux/wait.h>) on the runtime's ik_waitq.
 *
 * wait_event*() re-check the condition every time they are woken. Threads are cooperative, so
 * nothing can happen between the condition check and going to sleep: no wakeup can be lost.
 * Every waiter is non-exclusive: wake_up() and wake_up_all() both wake all of them, in the
 * order they started waiting (wake_up_nr() wakes the first n).
 * Interrupted interruptible waits return -ERESTARTSYS, which the guest stub reports to the
 * client as -EINTR.
 */
#ifndef _IK_LINUX_WAIT_H
#define _IK_LINUX_WAIT_H

#include <ik/rt.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/jiffies.h>

struct wait_queue_head {
	spinlock_t lock;
	struct ik_waitq ikq;
};
typedef struct wait_queue_head wait_queue_head_t;

struct task_struct;
struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned mode, int flags,
				 void *key);

/* For open-coded waits (add_wait_queue + set_current_state + schedule). */
struct wait_queue_entry {
	unsigned int flags;
	void *private;
	wait_queue_func_t func;
	struct ik_waiter ikw;
};
typedef struct wait_queue_entry wait_queue_entry_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) {.lock = __SPIN_LOCK_UNLOCKED(name.lock), .ikq = IK_WAITQ_INIT}
#define DECLARE_WAIT_QUEUE_HEAD(name) wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)
#define __WAITQUEUE_INITIALIZER(name, tsk) {.private = (tsk)}
#define DECLARE_WAITQUEUE(name, tsk) wait_queue_entry_t name = __WAITQUEUE_INITIALIZER(name, tsk)
#define DEFINE_WAIT(name) wait_queue_entry_t name = {0}

static inline void init_waitqueue_head(wait_queue_head_t *wq_head)
{
	spin_lock_init(&wq_head->lock);
	ik_waitq_init(&wq_head->ikq);
}

static inline bool waitqueue_active(wait_queue_head_t *wq_head)
{
	return wq_head->ikq.head != NULL;
}

static inline bool wq_has_sleeper(wait_queue_head_t *wq_head)
{
	return waitqueue_active(wq_head);
}

void add_wait_queue(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry);
void add_wait_queue_exclusive(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry);
void remove_wait_queue(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry);
void prepare_to_wait(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry, int state);
void prepare_to_wait_exclusive(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry,
			       int state);
void finish_wait(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry);

void __wake_up(wait_queue_head_t *wq_head, unsigned int mode, int nr, void *key);
#define wake_up(x) __wake_up((x), 0, 0, NULL)
#define wake_up_all(x) __wake_up((x), 0, 0, NULL)
#define wake_up_nr(x, nr) __wake_up((x), 0, (nr), NULL)
#define wake_up_interruptible(x) __wake_up((x), 0, 0, NULL)
#define wake_up_interruptible_all(x) __wake_up((x), 0, 0, NULL)
#define wake_up_interruptible_nr(x, nr) __wake_up((x), 0, (nr), NULL)
#define wake_up_interruptible_sync(x) __wake_up((x), 0, 0, NULL)
#define wake_up_poll(x, m) __wake_up((x), 0, 0, NULL)
#define wake_up_interruptible_poll(x, m) __wake_up((x), 0, 0, NULL)
#define wake_up_locked(x) __wake_up((x), 0, 0, NULL)

/*
 * One sleep of a wait_event loop: queue on wq_head, sleep until woken, the deadline
 * (ik_now_ns clock, IK_WAIT_FOREVER: none) or (interruptible) a signal, dequeue.
 * Returns 0 when woken, -ETIMEDOUT at the deadline, -ERESTARTSYS when interrupted.
 */
int ik_wait_sleep(wait_queue_head_t *wq_head, uint64_t deadline_ns, bool interruptible);
/* Absolute deadline for a relative timeout in jiffies (MAX_SCHEDULE_TIMEOUT: none). */
uint64_t ik_jiffies_deadline(long timeout);
/* Jiffies left until `deadline_ns`, at least 1 (the wait_event_timeout "success" value). */
long ik_jiffies_left(uint64_t deadline_ns);

/* Evaluates to 0 (condition true), -ETIMEDOUT, or -ERESTARTSYS. */
#define __ik_wait_event(wq_head, condition, interruptible, deadline_ns)                            \
	({                                                                                         \
		int __ik_wstate = 0;                                                               \
		while (!(condition)) {                                                             \
			__ik_wstate = ik_wait_sleep((wq_head), (deadline_ns), (interruptible));    \
			if (__ik_wstate == -ETIMEDOUT && (condition))                              \
				__ik_wstate = 0;                                                   \
			if (__ik_wstate)                                                           \
				break;                                                             \
		}                                                                                  \
		__ik_wstate;                                                                       \
	})

#define wait_event(wq_head, condition)                                                             \
	do {                                                                                       \
		(void)__ik_wait_event(&(wq_head), condition, false, IK_WAIT_FOREVER);              \
	} while (0)

#define wait_event_interruptible(wq_head, condition)                                               \
	__ik_wait_event(&(wq_head), condition, true, IK_WAIT_FOREVER)

#define wait_event_killable(wq_head, condition) wait_event_interruptible(wq_head, condition)
#define wait_event_interruptible_exclusive(wq_head, condition)                                     \
	wait_event_interruptible(wq_head, condition)

/* 0 if the condition was still false when the timeout elapsed, else the jiffies left (>= 1). */
#define wait_event_timeout(wq_head, condition, timeout)                                            \
	({                                                                                         \
		uint64_t __ik_dl = ik_jiffies_deadline(timeout);                                   \
		int __ik_ws = __ik_wait_event(&(wq_head), condition, false, __ik_dl);              \
		__ik_ws == -ETIMEDOUT ? 0L : ik_jiffies_left(__ik_dl);                             \
	})

/* As wait_event_timeout, or -ERESTARTSYS when interrupted. */
#define wait_event_interruptible_timeout(wq_head, condition, timeout)                              \
	({                                                                                         \
		uint64_t __ik_dl = ik_jiffies_deadline(timeout);                                   \
		int __ik_ws = __ik_wait_event(&(wq_head), condition, true, __ik_dl);               \
		__ik_ws == -ERESTARTSYS ? (long)-ERESTARTSYS                                       \
		: __ik_ws == -ETIMEDOUT ? 0L                                                       \
					: ik_jiffies_left(__ik_dl);                                \
	})

#define wait_event_killable_timeout wait_event_interruptible_timeout

#endif
