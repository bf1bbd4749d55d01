/* SPDX-License-Identifier: MIT */
/* Spinlock debugging and sleeping mutexes (see <linux/spinlock.h>, <linux/mutex.h>). */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

void ik_spin_lock_debug(spinlock_t *lock, const char *file, unsigned line)
{
	if (lock->held)
		ik_panic_at(IK_PANIC_BUG, file, line,
			    "spin_lock of a held spinlock %p: recursive locking, or its holder "
			    "slept (one vCPU: it can never be released)",
			    (void *)lock);
	lock->held = true;
}

void ik_spin_unlock_debug(spinlock_t *lock, const char *file, unsigned line)
{
	if (!lock->held)
		ik_panic_at(IK_PANIC_BUG, file, line, "spin_unlock of an unlocked spinlock %p",
			    (void *)lock);
	lock->held = false;
}

/* Sleep until the mutex is free, then take it. Returns 0 or -EINTR (interruptible only). */
static int mutex_acquire(struct mutex *lock, bool interruptible)
{
	struct ik_thread *self = ik_current();

	if (lock->owner == self)
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__,
			    "mutex %p locked twice by thread %s", (void *)lock, ik_thread_name(self));
	while (lock->owner) {
		struct ik_waiter w = {0};
		int r;

		ik_waitq_add(&lock->waiters, &w);
		r = ik_sleep_until(IK_WAIT_FOREVER, interruptible);
		ik_waitq_remove(&lock->waiters, &w);
		if (r == -EINTR && lock->owner)
			return -EINTR;
	}
	lock->owner = self;
	return 0;
}

void mutex_lock(struct mutex *lock)
{
	(void)mutex_acquire(lock, false);
}

int mutex_lock_interruptible(struct mutex *lock)
{
	return mutex_acquire(lock, true);
}

int mutex_lock_killable(struct mutex *lock)
{
	return mutex_acquire(lock, true);
}

int mutex_trylock(struct mutex *lock)
{
	if (lock->owner)
		return 0;
	lock->owner = ik_current();
	return 1;
}

void mutex_unlock(struct mutex *lock)
{
	if (lock->owner != ik_current())
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__,
			    "mutex %p unlocked by %s, which does not hold it", (void *)lock,
			    ik_thread_name(ik_current()));
	lock->owner = NULL;
	ik_waitq_wake(&lock->waiters, 1);
}
