/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: sleeping mutexes (<linux/mutex.h>). The owner may block while holding
 * the mutex (a sleep, a wait queue); contenders sleep on the mutex's wait queue. Recursive
 * locking and unlocking a mutex one does not hold are BUGs. */
#ifndef _IK_LINUX_MUTEX_H
#define _IK_LINUX_MUTEX_H

#include <ik/rt.h>
#include <linux/types.h>
#include <linux/compiler.h>

struct mutex {
	struct ik_thread *owner;
	struct ik_waitq waiters;
};

#define __MUTEX_INITIALIZER(name) {.owner = NULL, .waiters = IK_WAITQ_INIT}
#define DEFINE_MUTEX(name) struct mutex name = __MUTEX_INITIALIZER(name)

static inline void mutex_init(struct mutex *lock)
{
	lock->owner = NULL;
	ik_waitq_init(&lock->waiters);
}

static inline bool mutex_is_locked(struct mutex *lock)
{
	return lock->owner != NULL;
}

void mutex_lock(struct mutex *lock);
int __must_check mutex_lock_interruptible(struct mutex *lock);
int __must_check mutex_lock_killable(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
static inline void mutex_destroy(struct mutex *lock)
{
	(void)lock;
}

#define mutex_lock_nested(lock, subclass) mutex_lock(lock)
#define lockdep_assert_held(l) do { (void)(l); } while (0)

#endif
