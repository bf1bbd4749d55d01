// SPDX-License-Identifier: MIT
/*
 * Scheduler stress: threads are created, started at once or queued, woken, interrupted, put to
 * sleep, yield and finish in a random order, and their slots are reused, for a fixed number of
 * thread lifetimes (param rounds, default 20000). Starting at once from a timer is what the
 * guest stub does for every request (ik_thread_create + ik_thread_run_now from the scheduler);
 * queueing is ik_thread_spawn. After every step the run-queue invariants of thread.c are walked
 * (ik_sched_check): any broken one is a BUG panic with file:line.
 *
 * The order comes from a seed, printed first; a failure is replayed with --param seed=N.
 */
#include <ik/rt.h>

#include "guest_test.h"
#include "internal.h" /* ik_thread_create, ik_thread_run_now, ik_sched_check */

#define MAX_LIVE 64

struct worker {
	struct ik_thread *thread; /* NULL: slot unused */
	unsigned id;
	unsigned steps;
	uint64_t rng;
};

static uint64_t seed_rng;
static struct worker workers[MAX_LIVE];
static struct ik_waitq wq = IK_WAITQ_INIT;
static struct ik_timer driver_timer;
static unsigned rounds, created, finished, started_now, queued, interrupted, timer_runs;
static bool stop_timer;

static uint64_t next_rand(uint64_t *s)
{
	/* xorshift64*: small, good enough, and the same sequence for the same seed */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static unsigned pick(uint64_t *s, unsigned n)
{
	return (unsigned)(next_rand(s) % n);
}

static struct worker *free_worker(void)
{
	for (unsigned i = 0; i < MAX_LIVE; i++)
		if (!workers[i].thread)
			return &workers[i];
	return NULL;
}

static struct worker *random_live(uint64_t *s)
{
	unsigned start = pick(s, MAX_LIVE);

	for (unsigned i = 0; i < MAX_LIVE; i++) {
		struct worker *w = &workers[(start + i) % MAX_LIVE];

		if (w->thread)
			return w;
	}
	return NULL;
}

/* A worker's life: a few random steps, each followed by an invariant walk, then return. */
static void worker_fn(void *arg)
{
	struct worker *me = arg;

	GUEST_ASSERT(ik_current() == me->thread);
	while (me->steps--) {
		struct ik_waiter w;
		struct worker *other;

		switch (pick(&me->rng, 6)) {
		case 0:
			ik_yield();
			break;
		case 1: /* wait to be woken, with a short deadline */
			ik_waitq_add(&wq, &w);
			ik_sleep_until(ik_now_ns() + 20000 + pick(&me->rng, 200000), pick(&me->rng, 2));
			ik_waitq_remove(&wq, &w);
			break;
		case 2:
			ik_waitq_wake(&wq, 1 + (int)pick(&me->rng, 3));
			break;
		case 3:
			ik_sleep_ns(pick(&me->rng, 50000), true);
			break;
		case 4: /* wake or interrupt another thread in whatever state it is */
			other = random_live(&me->rng);
			if (other && other != me)
				ik_thread_interrupt(other->thread);
			break;
		default: /* queue a new thread from a thread (ik_thread_spawn) */
			other = free_worker();
			if (other && created < rounds) {
				other->id = created;
				other->steps = pick(&me->rng, 8);
				other->rng = next_rand(&me->rng) | 1;
				other->thread = ik_thread_spawn(worker_fn, other, "stress");
				if (other->thread) {
					created++;
					queued++;
				}
			}
			break;
		}
		GUEST_ASSERT(ik_current() == me->thread);
		ik_sched_check();
	}
	me->thread = NULL;
	finished++;
}

/* Scheduler context: create and start a thread at once (as the guest stub does for a request),
 * wake and interrupt others, then run again at the next scheduler pass. */
static void driver_fn(struct ik_timer *tm)
{
	unsigned n = 1 + pick(&seed_rng, 4);

	timer_runs++;
	ik_sched_check();
	for (unsigned i = 0; i < n && created < rounds; i++) {
		struct worker *w = free_worker();
		struct ik_thread *t;

		if (!w)
			break;
		t = pick(&seed_rng, 4) ? ik_thread_create(worker_fn, w, "stress-now") : NULL;
		if (!t)
			break; /* no free stack, or this pass queues none */
		w->id = created++;
		w->steps = pick(&seed_rng, 8);
		w->rng = next_rand(&seed_rng) | 1;
		w->thread = t;
		started_now++;
		ik_thread_run_now(t); /* runs until it blocks, yields or returns */
		ik_sched_check();
	}
	switch (pick(&seed_rng, 3)) {
	case 0:
		ik_waitq_wake(&wq, 0);
		break;
	case 1: {
		struct worker *w = random_live(&seed_rng);

		if (w) {
			ik_thread_interrupt(w->thread);
			interrupted++;
		}
		break;
	}
	default:
		break;
	}
	ik_sched_check();
	if (!stop_timer)
		ik_timer_arm(tm, ik_now_ns() + pick(&seed_rng, 30000));
}

int ik_guest_test(void)
{
	const char *p = ik_param("seed");
	const char *r = ik_param("rounds");
	uint64_t seed = p ? ik_strtoul(p, NULL, 0) : ik_rdtsc();
	uint64_t deadline;

	rounds = r ? (unsigned)ik_strtoul(r, NULL, 0) : 20000;
	ik_printf("sched_stress: seed %llu, %u thread lifetimes (replay: --param seed=%llu)\n",
		  (unsigned long long)seed, rounds, (unsigned long long)seed);
	seed_rng = seed | 1;
	driver_timer.fn = driver_fn;
	ik_timer_arm(&driver_timer, ik_now_ns());
	deadline = ik_now_ns() + 50ull * 1000 * NS_PER_MS;
	while (finished < rounds) {
		GUEST_ASSERT(ik_now_ns() < deadline); /* stuck: a lost wake-up or a lost thread */
		ik_heartbeat();
		ik_sched_check();
		if (pick(&seed_rng, 2))
			ik_yield();
		else
			ik_sleep_ns(pick(&seed_rng, 100000), false);
	}
	stop_timer = true;
	ik_timer_cancel(&driver_timer);
	ik_sched_check();
	GUEST_ASSERT_EQ(created, rounds);
	GUEST_ASSERT(started_now > rounds / 10 && queued > rounds / 10); /* both paths were used */
	ik_printf("sched_stress: %u threads (%u started at once, %u queued), %u interrupts, "
		  "%u timer passes: invariants held\n",
		  finished, started_now, queued, interrupted, timer_runs);
	return 0;
}
