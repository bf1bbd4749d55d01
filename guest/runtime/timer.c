/* SPDX-License-Identifier: MIT */
/*
 * Timers: one list sorted by expiry, run by the scheduler thread. The head is also what bounds
 * the idle IK_HC_WAIT. Sleeping threads use the same timers for their deadlines.
 */
#include "internal.h"

static struct ik_timer *timers;

/* Unlink t if it is on the list (walks: a never-armed timer may hold garbage links). */
static bool unlink_timer(struct ik_timer *t)
{
	for (struct ik_timer **link = &timers; *link; link = &(*link)->next) {
		if (*link == t) {
			*link = t->next;
			t->next = NULL;
			return true;
		}
	}
	return false;
}

void ik_timer_arm(struct ik_timer *t, uint64_t expires_ns)
{
	struct ik_timer **link = &timers;

	if (t->pending)
		unlink_timer(t);
	t->expires_ns = expires_ns;
	/* After every timer with the same expiry: equal deadlines fire in arming order. */
	while (*link && (*link)->expires_ns <= expires_ns)
		link = &(*link)->next;
	t->next = *link;
	*link = t;
	t->pending = true;
}

bool ik_timer_cancel(struct ik_timer *t)
{
	bool was = t->pending && unlink_timer(t);

	t->pending = false;
	return was;
}

unsigned ik_timers_run(uint64_t now)
{
	unsigned ran = 0;

	while (timers && timers->expires_ns <= now) {
		struct ik_timer *t = timers;

		timers = t->next;
		t->next = NULL;
		t->pending = false;
		if (t->fn)
			t->fn(t); /* may re-arm t or arm others; the loop re-reads the head */
		ran++;
	}
	return ran;
}

uint64_t ik_timers_next(void)
{
	return timers ? timers->expires_ns : IK_WAIT_FOREVER;
}
