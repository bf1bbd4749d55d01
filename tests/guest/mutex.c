// SPDX-License-Identifier: MIT
/* A mutex whose holder sleeps: the contender blocks until the holder unlocks; trylock fails
 * while it is held; mutex_lock_interruptible returns -EINTR when interrupted. */
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/wait.h>

#include "guest_test.h"

static DEFINE_MUTEX(lock);
static DECLARE_WAIT_QUEUE_HEAD(wq);
static int holding;
static uint64_t released_at;

static void holder(void *arg)
{
	(void)arg;
	mutex_lock(&lock);
	holding = 1;
	wake_up(&wq);
	msleep(20); /* sleep while holding it */
	released_at = ik_now_ns();
	mutex_unlock(&lock);
}

static int contender_result = 1;

static void contender(void *arg)
{
	(void)arg;
	contender_result = mutex_lock_interruptible(&lock);
	if (contender_result == 0)
		mutex_unlock(&lock);
	wake_up(&wq);
}

int ik_guest_test(void)
{
	struct ik_thread *t;
	uint64_t acquired_at;

	GUEST_ASSERT(ik_thread_spawn(holder, NULL, "holder") != NULL);
	GUEST_ASSERT(wait_event_timeout(wq, holding, HZ) > 0);
	GUEST_ASSERT(mutex_is_locked(&lock));
	GUEST_ASSERT_EQ(mutex_trylock(&lock), 0);
	mutex_lock(&lock);
	acquired_at = ik_now_ns();
	GUEST_ASSERT(released_at != 0);
	GUEST_ASSERT(acquired_at >= released_at);

	/* now we hold it: a contender waits, and an interrupt gets it out with -EINTR */
	t = ik_thread_spawn(contender, NULL, "contender");
	GUEST_ASSERT(t != NULL);
	for (int i = 0; i < 10; i++)
		ik_yield();
	GUEST_ASSERT_EQ(contender_result, 1);
	ik_thread_interrupt(t);
	GUEST_ASSERT(wait_event_timeout(wq, contender_result != 1, HZ) > 0);
	GUEST_ASSERT_EQ(contender_result, -EINTR);
	mutex_unlock(&lock);

	GUEST_ASSERT_EQ(mutex_trylock(&lock), 1);
	mutex_unlock(&lock);
	GUEST_ASSERT(!mutex_is_locked(&lock));
	return 0;
}
