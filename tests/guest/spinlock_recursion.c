// SPDX-License-Identifier: MIT
/* Taking a spinlock its holder still holds can never succeed on one vCPU: it is a BUG at the
 * second spin_lock (meson finds the marked line). */
#include <linux/kernel.h>
#include <linux/spinlock.h>

#include "guest_test.h"

static DEFINE_SPINLOCK(lock);

int ik_guest_test(void)
{
	unsigned long flags;

	spin_lock_irqsave(&lock, flags);
	spin_unlock_irqrestore(&lock, flags);
	GUEST_ASSERT(spin_trylock(&lock));
	GUEST_ASSERT(!spin_trylock(&lock));
	spin_lock(&lock); /* EXPECT-PANIC-HERE */
	return 0;
}
