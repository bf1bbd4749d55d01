// SPDX-License-Identifier: MIT
/* Wait queues with threads: waiters wake in the order they slept, wake_up_all wakes every one,
 * a wakeup with the condition still false puts the waiter back to sleep, and an interrupted
 * wait_event_interruptible returns -ERESTARTSYS. */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "guest_test.h"

#define NWAITERS 3

static DECLARE_WAIT_QUEUE_HEAD(gate_wq);
static DECLARE_WAIT_QUEUE_HEAD(done_wq);
static int gate;
static int queued;
static int done;
static int order[NWAITERS];

static void waiter(void *arg)
{
	int id = (int)(uintptr_t)arg;

	queued++;
	wait_event(gate_wq, gate);
	order[done++] = id;
	wake_up(&done_wq);
}

static int flag;
static int flag_waiter_done;

static void flag_waiter(void *arg)
{
	(void)arg;
	wait_event(gate_wq, flag);
	flag_waiter_done = 1;
	wake_up(&done_wq);
}

static long interrupted_result = 1;

static void interruptible_waiter(void *arg)
{
	(void)arg;
	interrupted_result = wait_event_interruptible(gate_wq, 0);
	wake_up(&done_wq);
}

static void let_others_run(void)
{
	for (int i = 0; i < 10; i++)
		ik_yield();
}

static void test_wake_all_in_order(void)
{
	for (int i = 0; i < NWAITERS; i++) {
		GUEST_ASSERT(ik_thread_spawn(waiter, (void *)(uintptr_t)i, "waiter") != NULL);
		let_others_run(); /* waiter i queues before waiter i + 1 */
	}
	GUEST_ASSERT_EQ(queued, NWAITERS);
	GUEST_ASSERT(waitqueue_active(&gate_wq));
	GUEST_ASSERT_EQ(done, 0);
	gate = 1;
	wake_up_all(&gate_wq);
	GUEST_ASSERT(wait_event_timeout(done_wq, done == NWAITERS, HZ) > 0);
	for (int i = 0; i < NWAITERS; i++)
		GUEST_ASSERT_EQ(order[i], i);
	GUEST_ASSERT(!waitqueue_active(&gate_wq));
}

static void test_spurious_wakeup(void)
{
	GUEST_ASSERT(ik_thread_spawn(flag_waiter, NULL, "flag") != NULL);
	let_others_run();
	wake_up(&gate_wq); /* condition still false: back to sleep */
	let_others_run();
	GUEST_ASSERT_EQ(flag_waiter_done, 0);
	GUEST_ASSERT(waitqueue_active(&gate_wq));
	flag = 1;
	wake_up(&gate_wq);
	GUEST_ASSERT(wait_event_timeout(done_wq, flag_waiter_done, HZ) > 0);
}

static void test_interrupted(void)
{
	struct ik_thread *t = ik_thread_spawn(interruptible_waiter, NULL, "intr");

	GUEST_ASSERT(t != NULL);
	let_others_run();
	GUEST_ASSERT_EQ(interrupted_result, 1);
	ik_thread_interrupt(t);
	GUEST_ASSERT(wait_event_timeout(done_wq, interrupted_result != 1, HZ) > 0);
	GUEST_ASSERT_EQ(interrupted_result, -ERESTARTSYS);
}

int ik_guest_test(void)
{
	test_wake_all_in_order();
	test_spurious_wakeup();
	test_interrupted();
	return 0;
}
