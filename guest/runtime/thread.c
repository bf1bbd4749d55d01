/* SPDX-License-Identifier: MIT */
/*
 * Cooperative threads on the monitor's stack area (one vCPU).
 *
 * Thread 0 is the scheduler and runs on stack 0, the boot stack. Every other thread runs until
 * it blocks, yields or returns, and then always switches back to thread 0, which picks the
 * next one: one place decides what runs, so timers, interrupts and the rings are served
 * between any two thread runs. A thread that returns frees its stack slot.
 *
 * States and the run queue (a singly linked FIFO through run_next). These invariants hold
 * whenever no runq_* function is in progress; ik_sched_check() walks them all:
 *   R1  a thread is on the run queue  <=>  its state is T_RUNNABLE; it is on it at most once.
 *   R2  run_next is NULL for every thread not on the queue and for the queue's tail; so a
 *       slot that is freed and taken again starts with no link (runq_pop clears it).
 *   R3  runq_head == NULL  <=>  runq_tail == NULL; the tail is reached from the head.
 *   R4  the scheduler (thread 0) is never queued and always T_RUNNING (it is what runs, or
 *       it is parked in the switch to the one thread that does); of the others at most one is
 *       T_RUNNING, and it is `cur`; with none, `cur` is the scheduler.
 *   R5  T_CREATED (taken by ik_thread_create, not yet started) is on no queue; only
 *       ik_thread_run_now() or runq_push() starts it.
 * Transitions: FREE -create-> CREATED -push-> RUNNABLE -pop-> RUNNING -yield-> RUNNABLE,
 * RUNNING -sleep-> SLEEPING -wake-> RUNNABLE, CREATED -run_now-> RUNNING, RUNNING -return-> FREE.
 * A wake-up of a thread that is not asleep never queues it (it sets wake_pending).
 */
#include "internal.h"

enum thread_state { T_FREE, T_CREATED, T_RUNNING, T_RUNNABLE, T_SLEEPING };

struct ik_thread {
	uint64_t rsp; /* saved by ik_switch while the thread is not running */
	unsigned id;
	enum thread_state state;
	void (*fn)(void *);
	void *arg;
	const char *name;
	struct ik_thread *run_next; /* next on the run queue (R2) */
	bool signal;        /* request cancelled: interruptible sleeps return -EINTR */
	bool interruptible; /* the current sleep may be ended by ik_thread_interrupt */
	bool wake_pending;  /* woken while not asleep: the next sleep returns at once */
	int wake_reason;    /* what ended the last sleep: 0, -ETIMEDOUT, -EINTR */
	struct ik_timer timer; /* deadline of the current sleep */
	void *data;
	struct ik_user_window window;
	uintptr_t stack_lo, stack_hi;
};

void ik_switch(uint64_t *save_rsp, uint64_t new_rsp);

/* Every switch: posted port writes go out first (pio_post.c), so the next thread, an interrupt
 * handler or the idle wait never runs ahead of the device; writes all to lazy registers may
 * wait for the scheduler's next pass (their delay only makes the device act later). */
static void switch_to(uint64_t *save_rsp, uint64_t new_rsp)
{
	ik_pio_flush_unless_lazy();
	ik_switch(save_rsp, new_rsp);
}
void ik_thread_trampoline(void);
_Noreturn void ik_thread_main(void);

static struct ik_thread threads[IK_MAX_THREADS];
static unsigned nthreads;
static struct ik_thread *cur;
static struct ik_thread *runq_head, *runq_tail;
static const struct ik_user_window no_window;

static struct ik_thread *sched_thread(void)
{
	return &threads[0];
}

bool ik_in_scheduler(void)
{
	return cur == sched_thread();
}

void ik_threads_init(const struct ik_bootinfo *bi)
{
	nthreads = bi->stack_count < IK_MAX_THREADS ? bi->stack_count : IK_MAX_THREADS;
	if (nthreads < 2)
		ik_panic_at(IK_PANIC_PANIC, __FILE__, __LINE__,
			    "boot info gives %u stacks; the runtime needs at least 2", nthreads);
	for (unsigned i = 0; i < nthreads; i++) {
		threads[i].id = i;
		threads[i].stack_lo = bi->stack_base + i * IK_STACK_STRIDE;
		threads[i].stack_hi = threads[i].stack_lo + IK_STACK_SIZE;
	}
	cur = sched_thread();
	cur->state = T_RUNNING;
	cur->name = "scheduler";
}

#define SCHED_BUG(...) ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__, __VA_ARGS__)

/* Queue t (R1): it must be a thread that is not queued already (R4: never the scheduler). */
static void runq_push(struct ik_thread *t)
{
	if (t == sched_thread() || t->state == T_RUNNABLE || t->state == T_FREE || t->run_next)
		SCHED_BUG("thread %s queued to run in state %d", t->name, (int)t->state);
	t->state = T_RUNNABLE;
	if (runq_tail)
		runq_tail->run_next = t;
	else
		runq_head = t;
	runq_tail = t;
}

/* Dequeue the head; the caller runs it at once. Its link is cleared (R2). */
static struct ik_thread *runq_pop(void)
{
	struct ik_thread *t = runq_head;

	if (!t)
		return NULL;
	if (t->state != T_RUNNABLE)
		SCHED_BUG("thread %s on the run queue in state %d", t->name, (int)t->state);
	runq_head = t->run_next;
	if (!runq_head)
		runq_tail = NULL;
	t->run_next = NULL;
	return t;
}

void ik_sched_check(void)
{
	unsigned queued = 0, running = 0;

	if (!runq_head != !runq_tail)
		SCHED_BUG("run queue: head %p, tail %p", (void *)runq_head, (void *)runq_tail);
	for (struct ik_thread *t = runq_head; t; t = t->run_next) {
		if (t < &threads[1] || t >= &threads[nthreads] || t->state != T_RUNNABLE)
			SCHED_BUG("run queue holds thread %s in state %d", t->name, (int)t->state);
		if (++queued > nthreads)
			SCHED_BUG("run queue has a cycle");
		if (!t->run_next && t != runq_tail)
			SCHED_BUG("run queue ends at %s, not at its tail", t->name);
	}
	if (sched_thread()->state != T_RUNNING || sched_thread()->run_next)
		SCHED_BUG("scheduler thread in state %d", (int)sched_thread()->state);
	for (unsigned i = 1; i < nthreads; i++) {
		const struct ik_thread *t = &threads[i];

		queued -= t->state == T_RUNNABLE;
		running += t->state == T_RUNNING;
		if (t->state == T_RUNNING && t != cur)
			SCHED_BUG("thread %s running but not current", t->name);
		if (t->state != T_RUNNABLE && t->run_next)
			SCHED_BUG("thread %s in state %d keeps a run-queue link", t->name, (int)t->state);
	}
	if (queued != 0 || running != (cur != sched_thread()))
		SCHED_BUG("run queue and states disagree (%u unaccounted, %u running)", queued, running);
}

bool ik_sched_has_ready(void)
{
	return runq_head != NULL;
}

unsigned ik_sched_run_ready(void)
{
	struct ik_thread *sched = sched_thread(), *last = runq_tail, *t;
	unsigned ran = 0;

	if (!last)
		return 0;
	/* Only those runnable now: a thread that yields goes behind `last` and waits for the
	 * next pass, so the scheduler looks at timers and rings in between. */
	do {
		t = runq_pop();
		if (!t)
			SCHED_BUG("run queue emptied before its tail %s ran", last->name);
		t->state = T_RUNNING;
		cur = t;
		switch_to(&sched->rsp, t->rsp);
		cur = sched;
		ran++;
	} while (t != last);
	return ran;
}

unsigned ik_threads_free(void)
{
	unsigned n = 0;

	for (unsigned i = 1; i < nthreads; i++)
		n += threads[i].state == T_FREE;
	return n;
}

/* Give the CPU back to the scheduler; the caller set cur->state first. */
static void to_scheduler(void)
{
	struct ik_thread *t = cur;

	if (t->rsp && (t->rsp < t->stack_lo || t->rsp > t->stack_hi))
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__, "thread %s: stack pointer %#lx left its stack",
			    t->name, (unsigned long)t->rsp);
	switch_to(&t->rsp, sched_thread()->rsp);
}

_Noreturn void ik_thread_main(void)
{
	struct ik_thread *t = cur;

	t->fn(t->arg);
	/* Done: the slot (and stack) is free as soon as we switch away; nothing else runs
	 * before that, so nobody can reuse the stack we are still standing on. */
	t->state = T_FREE;
	t->fn = NULL;
	t->data = NULL;
	switch_to(&t->rsp, sched_thread()->rsp);
	__builtin_unreachable();
}

static void sleep_timeout(struct ik_timer *tm);

struct ik_thread *ik_thread_create(void (*fn)(void *), void *arg, const char *name)
{
	for (unsigned i = 1; i < nthreads; i++) {
		struct ik_thread *t = &threads[i];
		uint64_t *frame;

		if (t->state != T_FREE)
			continue;
		/* A frame as ik_switch leaves it: r15 r14 r13 r12 rbx rbp, then the return
		 * address (the trampoline). One spare slot above keeps the top aligned. */
		frame = (uint64_t *)t->stack_hi - 8;
		for (int r = 0; r < 6; r++)
			frame[r] = 0;
		frame[6] = (uint64_t)(uintptr_t)ik_thread_trampoline;
		frame[7] = 0;
		t->rsp = (uintptr_t)frame;
		t->fn = fn;
		t->arg = arg;
		t->name = name ? name : "thread";
		t->signal = false;
		t->wake_pending = false;
		t->interruptible = false;
		t->data = NULL;
		t->window = no_window;
		t->timer = (struct ik_timer){ .fn = sleep_timeout };
		t->run_next = NULL; /* R2 holds already; a fresh slot must not depend on it */
		t->state = T_CREATED;
		return t;
	}
	return NULL;
}

struct ik_thread *ik_thread_spawn(void (*fn)(void *), void *arg, const char *name)
{
	struct ik_thread *t = ik_thread_create(fn, arg, name);

	if (t)
		runq_push(t);
	return t;
}

void ik_thread_run_now(struct ik_thread *t)
{
	struct ik_thread *sched = sched_thread();

	if (!ik_in_scheduler() || t->state != T_CREATED)
		SCHED_BUG("thread %s (state %d) started at once from thread %s", t->name, (int)t->state,
			  cur->name);
	t->state = T_RUNNING;
	cur = t;
	switch_to(&sched->rsp, t->rsp);
	cur = sched;
}

struct ik_thread *ik_current(void)
{
	return cur;
}

const char *ik_thread_name(const struct ik_thread *t)
{
	return t ? t->name : "?";
}

void ik_yield(void)
{
	/* The scheduler yields by returning to its loop; from a timer or an interrupt handler
	 * there is nothing to give way to. */
	if (ik_in_scheduler())
		return;
	runq_push(cur);
	to_scheduler();
}

void ik_heartbeat(void)
{
	struct ik_events *ev = IK_EVENTS_PTR;

	__atomic_store_n(&ev->heartbeat, ev->heartbeat + 1, __ATOMIC_RELAXED);
}

/* Make a sleeping thread runnable with the given sleep result. */
static void wake_thread(struct ik_thread *t, int reason)
{
	if (t->state == T_SLEEPING) {
		t->wake_reason = reason;
		ik_timer_cancel(&t->timer);
		runq_push(t);
	} else if (t->state != T_FREE && reason == 0) {
		/* Woken between queueing itself and sleeping: don't let it miss this. */
		t->wake_pending = true;
	}
}

static void sleep_timeout(struct ik_timer *tm)
{
	struct ik_thread *t = (struct ik_thread *)((char *)tm - __builtin_offsetof(struct ik_thread, timer));

	wake_thread(t, -IK_ETIMEDOUT);
}

int ik_sleep_until(uint64_t deadline_ns, bool interruptible)
{
	struct ik_thread *t = cur;

	if (ik_in_scheduler())
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__,
			    "sleeping in scheduler context (a timer or interrupt handler)");
	if (interruptible && t->signal)
		return -IK_EINTR;
	if (t->wake_pending) {
		t->wake_pending = false;
		return 0;
	}
	if (deadline_ns != IK_WAIT_FOREVER) {
		if (ik_now_ns() >= deadline_ns)
			return -IK_ETIMEDOUT;
		ik_timer_arm(&t->timer, deadline_ns);
	}
	t->interruptible = interruptible;
	t->wake_reason = 0;
	t->state = T_SLEEPING;
	to_scheduler();
	t->interruptible = false;
	t->wake_pending = false;
	return t->wake_reason;
}

int ik_sleep_ns(uint64_t ns, bool interruptible)
{
	uint64_t deadline = ik_now_ns() + ns;

	/* Stray wakeups (the thread is on no queue, but may have been woken while running)
	 * must not shorten the sleep. */
	for (;;) {
		int r = ik_sleep_until(deadline, interruptible);

		if (r == -IK_EINTR)
			return r;
		if (r == -IK_ETIMEDOUT || ik_now_ns() >= deadline)
			return 0;
	}
}

bool ik_signal_pending(void)
{
	return cur->signal;
}

void ik_thread_interrupt(struct ik_thread *t)
{
	if (!t || t->state == T_FREE)
		return;
	t->signal = true;
	if (t->state == T_SLEEPING && t->interruptible)
		wake_thread(t, -IK_EINTR);
}

void ik_thread_clear_signal(struct ik_thread *t)
{
	t->signal = false;
}

void *ik_thread_data(void)
{
	return cur->data;
}

void ik_thread_set_data(void *p)
{
	cur->data = p;
}

void ik_thread_set_window(struct ik_thread *t, uintptr_t base, uint64_t len)
{
	t->window.base = base;
	t->window.len = len;
}

const struct ik_user_window *ik_user_window(void)
{
	return &cur->window;
}

bool ik_user_range_ok(const void *p, uint64_t n)
{
	const struct ik_user_window *w = &cur->window;
	uintptr_t a = (uintptr_t)p;

	return a >= w->base && n <= w->len && a - w->base <= w->len - n;
}

/* ---- wait queues ----------------------------------------------------------------------- */

void ik_waitq_init(struct ik_waitq *q)
{
	q->head = q->tail = NULL;
}

/* Membership by walking the queue: waiters often live uninitialised on a stack, so their
 * link fields cannot be trusted to say whether they are queued. Queues are short. */
static bool waitq_contains(const struct ik_waitq *q, const struct ik_waiter *w)
{
	for (const struct ik_waiter *x = q->head; x; x = x->next)
		if (x == w)
			return true;
	return false;
}

void ik_waitq_add(struct ik_waitq *q, struct ik_waiter *w)
{
	w->thread = cur;
	w->woken = false;
	if (waitq_contains(q, w))
		return; /* re-arming a waiter still queued (prepare_to_wait in a loop) */
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
}

static void waitq_unlink(struct ik_waitq *q, struct ik_waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		q->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		q->tail = w->prev;
	w->next = w->prev = NULL;
}

void ik_waitq_remove(struct ik_waitq *q, struct ik_waiter *w)
{
	if (waitq_contains(q, w))
		waitq_unlink(q, w);
}

int ik_waitq_wake(struct ik_waitq *q, int n)
{
	int woken = 0;
	struct ik_waiter *w = q->head;

	while (w && (n <= 0 || woken < n)) {
		struct ik_waiter *next = w->next;

		waitq_unlink(q, w);
		w->woken = true;
		if (w->thread)
			wake_thread(w->thread, 0);
		woken++;
		w = next;
	}
	return woken;
}
