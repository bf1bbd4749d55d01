/* SPDX-License-Identifier: MIT */
/*
 * The guest profile (IKERNEL_GUEST_PROFILE=1 in the monitor's environment): where the driver's
 * vCPU spends the time it is inside KVM_RUN, by call chain of the image, said in the driver's log
 * when it ends. A sampler thread kicks the vCPU thread (SIGUSR1, as every kick) once a
 * millisecond while it is inside KVM_RUN; the vCPU thread then reads the guest's RIP
 * (KVM_GET_REGS) and counts it against the function holding it and, through the frame pointers
 * the guest is built with, its two callers (the return addresses at [rbp + 8] up the chain, read
 * through the checked translator: a guest's stack is as hostile as the rest of its memory, and
 * a bad frame only ends the chain). Exits KVM serves in the kernel
 * (each a world switch: an ioeventfd doorbell, an emulated access, a guest page fault) show as
 * time at the instruction that caused them, so the profile tells the guest's own code from the
 * cost of its exits; the time the monitor spends serving an exit in user space is not sampled
 * (the exit profile counts those exits). Off by default: no thread, no kick. The counts are the
 * vCPU thread's alone (no locking); the sampler only reads `in_guest` and sends the signal.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "guest_profile.h"
#include "vm_internal.h"

#define PROFILE_PERIOD_NS 1000000L /* a sample a millisecond */
#define PROFILE_FUNCS 1024u	   /* distinct call chains counted; the rest is "other" */
#define PROFILE_SHOWN 10u
#define PROFILE_DEPTH 3u /* the function and two callers */

struct func_slot {
	uint64_t start[PROFILE_DEPTH]; /* the functions' addresses, innermost first; [0] 0 = free */
	uint64_t count;
};

struct ik_guest_profile {
	pthread_t sampler;
	atomic_bool stop;
	struct func_slot func[PROFILE_FUNCS];
	uint64_t samples, unnamed, other;
};

static void *sampler_main(void *arg)
{
	struct ik_vm *vm = arg;
	struct ik_guest_profile *p = vm->guest_profile;
	const struct timespec period = {0, PROFILE_PERIOD_NS};

	while (!atomic_load(&p->stop) && !atomic_load(&vm->ended)) {
		nanosleep(&period, NULL);
		/* Inside KVM_RUN now (a kick outside it would only cut short a wait, harmlessly:
		 * every blocking call of the vCPU thread already takes the other kicks). */
		if (atomic_load(&vm->in_guest) && !atomic_load(&p->stop))
			pthread_kill(vm->vcpu_thread, SIGUSR1);
	}
	return NULL;
}

void ik_guest_profile_start(struct ik_vm *vm)
{
	const char *e = getenv("IKERNEL_GUEST_PROFILE");
	struct ik_guest_profile *p;
	int r;

	if (!e || !*e || !strcmp(e, "0"))
		return;
	p = calloc(1, sizeof(*p));
	if (!p) {
		ik_log(vm, "ikernel: driver '%s' guest profile: out of memory; not profiled",
		       vm->dh.name);
		return;
	}
	vm->guest_profile = p; /* before the sampler, which reads it */
	if ((r = pthread_create(&p->sampler, NULL, sampler_main, vm))) {
		ik_log(vm,
		       "ikernel: driver '%s' guest profile: no sampler thread: %s; not profiled",
		       vm->dh.name, strerror(r));
		vm->guest_profile = NULL;
		free(p);
	}
}

/* Count one sample against the call chain `start` (innermost first, 0 where it ends). */
static void count_chain(struct ik_guest_profile *p, const uint64_t *start)
{
	uint64_t key = start[0] ^ start[1] * 31 ^ start[2] * 961;
	unsigned h = (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 54);

	for (unsigned i = 0; i < PROFILE_FUNCS; i++) {
		struct func_slot *s = &p->func[(h + i) % PROFILE_FUNCS];

		if (s->start[0] == 0 || !memcmp(s->start, start, sizeof(s->start))) {
			memcpy(s->start, start, sizeof(s->start));
			s->count++;
			return;
		}
	}
	p->other++;
}

/* The start of the function of the image holding addr, or 0. */
static uint64_t func_start(struct ik_vm *vm, uint64_t addr)
{
	uint64_t off = 0;

	if (!*ik_image_symbolize(&vm->image, addr, &off))
		return 0;
	return addr - off;
}

/* The caller of the frame at *rbp (its return address' function), moving *rbp up; 0 at the end
 * of the chain or at a frame that is not in guest RAM. */
static uint64_t caller(struct ik_vm *vm, uint64_t *rbp)
{
	const uint64_t *frame = *rbp % 8 ? NULL : ik_vm_gpa(vm, *rbp, 16, false);
	uint64_t ret;

	if (!frame)
		return 0;
	ret = frame[1];
	*rbp = frame[0];
	return ret ? func_start(vm, ret - 1) : 0; /* - 1: inside the call, not after it */
}

void ik_guest_profile_sample(struct ik_vm *vm)
{
	struct ik_guest_profile *p = vm->guest_profile;
	uint64_t chain[PROFILE_DEPTH] = {0}, rbp;
	struct kvm_regs regs;

	if (!p || ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return;
	p->samples++;
	chain[0] = func_start(vm, regs.rip);
	if (!chain[0]) {
		p->unnamed++; /* outside every function of the image: a guest gone astray */
		return;
	}
	rbp = regs.rbp;
	for (unsigned d = 1; d < PROFILE_DEPTH && (chain[d] = caller(vm, &rbp)); d++)
		;
	count_chain(p, chain);
}

static int by_count(const void *a, const void *b)
{
	const struct func_slot *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static double share(uint64_t n, uint64_t total)
{
	return total ? 100.0 * (double)n / (double)total : 0;
}

void ik_guest_profile_report(struct ik_vm *vm)
{
	struct ik_guest_profile *p = vm->guest_profile;
	char line[2048];
	size_t used;

	if (!p)
		return;
	atomic_store(&p->stop, true);
	pthread_join(p->sampler, NULL);
	vm->guest_profile = NULL;
	qsort(p->func, PROFILE_FUNCS, sizeof(p->func[0]), by_count);
	used = (size_t)snprintf(line, sizeof(line), "%llu samples inside KVM_RUN, 1 ms apart:",
				(unsigned long long)p->samples);
	for (unsigned i = 0; i < PROFILE_SHOWN && p->func[i].count && used < sizeof(line); i++) {
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s ", i ? "," : "");
		for (unsigned d = 0;
		     d < PROFILE_DEPTH && p->func[i].start[d] && used < sizeof(line); d++) {
			uint64_t off;

			used += (size_t)snprintf(
			    line + used, sizeof(line) - used, "%s%s", d ? "<" : "",
			    ik_image_symbolize(&vm->image, p->func[i].start[d], &off));
		}
		if (used < sizeof(line))
			used += (size_t)snprintf(line + used, sizeof(line) - used, " %.1f%%",
						 share(p->func[i].count, p->samples));
	}
	if (p->unnamed && used < sizeof(line))
		used += (size_t)snprintf(line + used, sizeof(line) - used,
					 ", outside any function %.1f%%",
					 share(p->unnamed, p->samples));
	if (p->other && used < sizeof(line))
		snprintf(line + used, sizeof(line) - used, ", other %.1f%%",
			 share(p->other, p->samples));
	ik_log(vm, "ikernel: driver '%s' guest profile: %s", vm->dh.name, line);
	free(p);
}
