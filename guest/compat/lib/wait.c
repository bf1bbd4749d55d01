/* SPDX-License-Identifier: MIT */
/* Wait queues, `current` and schedule_timeout (see <linux/wait.h>, <linux/sched.h>). */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/wait.h>

static struct task_struct ik_task = {
	.state = TASK_RUNNING,
	.pid = 1,
	.tgid = 1,
	.comm = "ikernel",
};

struct task_struct *ik_get_current(void)
{
	return &ik_task;
}

uint64_t ik_jiffies_deadline(long timeout)
{
	uint64_t now = ik_now_ns();

	if (timeout == MAX_SCHEDULE_TIMEOUT)
		return IK_WAIT_FOREVER;
	if (timeout <= 0)
		return now;
	if ((uint64_t)timeout > (IK_WAIT_FOREVER - now) / NSEC_PER_JIFFY)
		return IK_WAIT_FOREVER;
	return now + (uint64_t)timeout * NSEC_PER_JIFFY;
}

long ik_jiffies_left(uint64_t deadline_ns)
{
	uint64_t now = ik_now_ns();
	uint64_t left;

	if (deadline_ns == IK_WAIT_FOREVER)
		return MAX_SCHEDULE_TIMEOUT;
	if (now >= deadline_ns)
		return 1;
	left = (deadline_ns - now + NSEC_PER_JIFFY - 1) / NSEC_PER_JIFFY;
	return left ? (long)left : 1;
}

int ik_wait_sleep(wait_queue_head_t *wq_head, uint64_t deadline_ns, bool interruptible)
{
	struct ik_waiter w = {0};
	int r;

	if (interruptible && ik_signal_pending())
		return -ERESTARTSYS;
	ik_waitq_add(&wq_head->ikq, &w);
	r = ik_sleep_until(deadline_ns, interruptible);
	ik_waitq_remove(&wq_head->ikq, &w);
	if (r == -EINTR)
		return -ERESTARTSYS;
	return r == -ETIMEDOUT ? -ETIMEDOUT : 0;
}

void __wake_up(wait_queue_head_t *wq_head, unsigned int mode, int nr, void *key)
{
	(void)mode;
	(void)key;
	ik_waitq_wake(&wq_head->ikq, nr);
}

void add_wait_queue(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry)
{
	wq_entry->ikw.woken = false;
	ik_waitq_add(&wq_head->ikq, &wq_entry->ikw);
}

void add_wait_queue_exclusive(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry)
{
	add_wait_queue(wq_head, wq_entry);
}

void remove_wait_queue(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry)
{
	ik_waitq_remove(&wq_head->ikq, &wq_entry->ikw);
}

/* Queue (once) and set the task state, like Linux: the caller then checks its condition and
 * calls schedule(). */
void prepare_to_wait(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry, int state)
{
	ik_waitq_remove(&wq_head->ikq, &wq_entry->ikw);
	add_wait_queue(wq_head, wq_entry);
	set_current_state(state);
}

void prepare_to_wait_exclusive(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry,
			       int state)
{
	prepare_to_wait(wq_head, wq_entry, state);
}

void finish_wait(wait_queue_head_t *wq_head, wait_queue_entry_t *wq_entry)
{
	set_current_state(TASK_RUNNING);
	ik_waitq_remove(&wq_head->ikq, &wq_entry->ikw);
}

/*
 * Open-coded waits: the thread queued itself (add_wait_queue/prepare_to_wait), set its state,
 * checked its condition, and now sleeps. TASK_RUNNING means "do not sleep" (a wakeup came
 * first), so just yield.
 */
long schedule_timeout(long timeout)
{
	long state = current->state;
	uint64_t deadline;

	set_current_state(TASK_RUNNING);
	if (state == TASK_RUNNING) {
		ik_yield();
		return timeout;
	}
	deadline = ik_jiffies_deadline(timeout);
	if (ik_sleep_until(deadline, (state & TASK_INTERRUPTIBLE) || (state & TASK_WAKEKILL)) ==
	    -ETIMEDOUT)
		return 0;
	return timeout == MAX_SCHEDULE_TIMEOUT ? timeout : ik_jiffies_left(deadline);
}

long schedule_timeout_interruptible(long timeout)
{
	set_current_state(TASK_INTERRUPTIBLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_killable(long timeout)
{
	set_current_state(TASK_KILLABLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_uninterruptible(long timeout)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

void schedule(void)
{
	(void)schedule_timeout(MAX_SCHEDULE_TIMEOUT);
}

void yield(void)
{
	ik_yield();
}

/* There is one task_struct: the best we can do is not lose the wakeup of a future sleep. */
int wake_up_process(struct task_struct *p)
{
	(void)p;
	return 0;
}
