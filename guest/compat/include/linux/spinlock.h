/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: spinlocks (<linux/spinlock.h>).
 *
 * One vCPU, cooperative threads, interrupt handlers and timers that run only between threads:
 * a critical section that does not sleep is already exclusive, so locking does nothing. The
 * lock still records that it is held, and (unless IK_COMPAT_NO_LOCK_DEBUG) taking a held lock
 * is a BUG: on this machine it can only mean recursive locking or sleeping while holding it.
 */
#ifndef _IK_LINUX_SPINLOCK_H
#define _IK_LINUX_SPINLOCK_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bug.h>
#include <linux/irqflags.h>

typedef struct spinlock {
	bool held;
} spinlock_t;

typedef spinlock_t raw_spinlock_t;

typedef struct {
	int writers;
	int readers;
} rwlock_t;

#define __SPIN_LOCK_UNLOCKED(name) {.held = false}
#define __RAW_SPIN_LOCK_UNLOCKED(name) __SPIN_LOCK_UNLOCKED(name)
#define __RW_LOCK_UNLOCKED(name) {0, 0}
#define DEFINE_SPINLOCK(name) spinlock_t name = __SPIN_LOCK_UNLOCKED(name)
#define DEFINE_RAW_SPINLOCK(name) raw_spinlock_t name = __SPIN_LOCK_UNLOCKED(name)
#define DEFINE_RWLOCK(name) rwlock_t name = __RW_LOCK_UNLOCKED(name)

void ik_spin_lock_debug(spinlock_t *lock, const char *file, unsigned line);
void ik_spin_unlock_debug(spinlock_t *lock, const char *file, unsigned line);

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->held = false;
}
#define raw_spin_lock_init spin_lock_init
#define rwlock_init(l) ((void)((l)->writers = 0, (l)->readers = 0))

#ifdef IK_COMPAT_NO_LOCK_DEBUG
#define spin_lock(l) ((void)((l)->held = true))
#define spin_unlock(l) ((void)((l)->held = false))
#else
#define spin_lock(l) ik_spin_lock_debug((l), __FILE__, __LINE__)
#define spin_unlock(l) ik_spin_unlock_debug((l), __FILE__, __LINE__)
#endif

static inline int __ik_spin_trylock(spinlock_t *lock)
{
	if (lock->held)
		return 0;
	lock->held = true;
	return 1;
}

#define spin_trylock(l) __ik_spin_trylock(l)
#define spin_is_locked(l) ((l)->held)
#define assert_spin_locked(l) BUG_ON(!(l)->held)
#define spin_lock_irq(l) spin_lock(l)
#define spin_unlock_irq(l) spin_unlock(l)
#define spin_lock_bh(l) spin_lock(l)
#define spin_unlock_bh(l) spin_unlock(l)
#define spin_lock_irqsave(l, flags)                                                                \
	do {                                                                                       \
		local_irq_save(flags);                                                             \
		spin_lock(l);                                                                      \
	} while (0)
#define spin_unlock_irqrestore(l, flags)                                                           \
	do {                                                                                       \
		spin_unlock(l);                                                                    \
		local_irq_restore(flags);                                                          \
	} while (0)
#define spin_trylock_irqsave(l, flags) ({ local_irq_save(flags); spin_trylock(l); })

#define raw_spin_lock spin_lock
#define raw_spin_unlock spin_unlock
#define raw_spin_lock_irq spin_lock_irq
#define raw_spin_unlock_irq spin_unlock_irq
#define raw_spin_lock_irqsave spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore

/* rwlocks: readers may nest; a writer must be alone. */
#define read_lock(l) ((void)((l)->readers++))
#define read_unlock(l) ((void)((l)->readers--))
#define write_lock(l) do { BUG_ON((l)->writers || (l)->readers); (l)->writers = 1; } while (0)
#define write_unlock(l) ((void)((l)->writers = 0))
#define read_lock_irqsave(l, f) do { local_irq_save(f); read_lock(l); } while (0)
#define read_unlock_irqrestore(l, f) do { read_unlock(l); local_irq_restore(f); } while (0)
#define write_lock_irqsave(l, f) do { local_irq_save(f); write_lock(l); } while (0)
#define write_unlock_irqrestore(l, f) do { write_unlock(l); local_irq_restore(f); } while (0)
#define read_lock_irq read_lock
#define read_unlock_irq read_unlock
#define write_lock_irq write_lock
#define write_unlock_irq write_unlock
#define read_lock_bh read_lock
#define read_unlock_bh read_unlock
#define write_lock_bh write_lock
#define write_unlock_bh write_unlock

#endif
