/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/sched.h>. `current` is one shared task_struct (the driver VM has
 * no processes; its threads serve clients' requests); signal_pending() asks the runtime whether
 * the request the current thread serves was cancelled.
 */
#ifndef _IK_LINUX_SCHED_H
#define _IK_LINUX_SCHED_H

#include <ik/rt.h>
#include <linux/types.h>
#include <linux/jiffies.h>
#include <linux/wait.h>
#include <linux/timer.h>

#define TASK_RUNNING 0x0000
#define TASK_INTERRUPTIBLE 0x0001
#define TASK_UNINTERRUPTIBLE 0x0002
#define TASK_WAKEKILL 0x0100
#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_COMM_LEN 16

#define MAX_SCHEDULE_TIMEOUT LONG_MAX

struct task_struct {
	volatile long state;
	pid_t pid;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
};

struct task_struct *ik_get_current(void);
#define current ik_get_current()

static inline int signal_pending(struct task_struct *p)
{
	(void)p;
	return ik_signal_pending();
}

static inline int fatal_signal_pending(struct task_struct *p)
{
	return signal_pending(p);
}

static inline pid_t task_pid_nr(struct task_struct *p)
{
	return p->pid;
}

#define set_current_state(s) ((void)(current->state = (s)))
#define __set_current_state(s) set_current_state(s)

/* Sleep per current->state until woken or `timeout` jiffies; returns the jiffies left. */
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);
long schedule_timeout_killable(long timeout);
void schedule(void);
void yield(void);
int wake_up_process(struct task_struct *p);

#endif
