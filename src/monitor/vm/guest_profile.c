/* SPDX-License-Identifier: MIT */
/*
 * The guest profile (IKERNEL_GUEST_PROFILE=1 in the monitor's environment): where the driver's
 * vCPU spends the time it is inside KVM_RUN, by function of the image, said in the driver's log
 * when it ends. A sampler thread kicks the vCPU thread (SIGUSR1, as every kick) once a
 * millisecond while it is inside KVM_RUN; the vCPU thread then reads the guest's RIP
 * (KVM_GET_REGS) and counts it against the function holding it. Exits KVM serves in the kernel
 * (each a world switch: an ioeventfd doorbell, an emulated access, a guest page fault) show as
 * time at the instruction that caused them, so the profile tells the guest's own code from the
 * cost of its exits; the time the monitor spends serving an exit in user space is not sampled
 * (the exit profile counts those exits). Off by default: no thread, no kick. The counts are the
 * vCPU thread's alone (no locking); the sampler only reads `in_guest` and sends the signal.
 */
#include <errno.h>
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
#define PROFILE_FUNCS 512u         /* distinct functions counted; the rest is "other" */
#define PROFILE_SHOWN 12u

struct func_slot {
	uint64_t start; /* the function's address (RIP minus its offset); 0 = free */
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

struct ik_guest_profile *ik_guest_profile_start(struct ik_vm *vm)
{
	const char *e = getenv("IKERNEL_GUEST_PROFILE");
	struct ik_guest_profile *p;
	int r;

	if (!e || !*e || !strcmp(e, "0"))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		ik_log(vm, "ikernel: driver '%s' guest profile: out of memory; not profiled",
		       vm->dh.name);
		return NULL;
	}
	vm->guest_profile = p;
	if ((r = pthread_create(&p->sampler, NULL, sampler_main, vm))) {
		ik_log(vm, "ikernel: driver '%s' guest profile: no sampler thread: %s; not profiled",
		       vm->dh.name, strerror(r));
		vm->guest_profile = NULL;
		free(p);
		return NULL;
	}
	return p;
}

/* Count one sample against the function that starts at `start`. */
static void count_func(struct ik_guest_profile *p, uint64_t start)
{
	unsigned h = (unsigned)((start * 0x9e3779b97f4a7c15ull) >> 55);

	for (unsigned i = 0; i < PROFILE_FUNCS; i++) {
		struct func_slot *s = &p->func[(h + i) % PROFILE_FUNCS];

		if (s->start == start || s->start == 0) {
			s->start = start;
			s->count++;
			return;
		}
	}
	p->other++;
}

void ik_guest_profile_sample(struct ik_guest_profile *p, struct ik_vm *vm)
{
	struct kvm_regs regs;
	uint64_t off = 0;

	if (!p || ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return;
	p->samples++;
	if (!*ik_image_symbolize(&vm->image, regs.rip, &off) || regs.rip - off == 0)
		p->unnamed++; /* outside every function of the image: a guest gone astray */
	else
		count_func(p, regs.rip - off);
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

void ik_guest_profile_report(struct ik_guest_profile *p, struct ik_vm *vm)
{
	char line[1024];
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
		uint64_t off;
		const char *name = ik_image_symbolize(&vm->image, p->func[i].start, &off);

		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s %s %.1f%%",
					 i ? "," : "", name, share(p->func[i].count, p->samples));
	}
	if (p->unnamed && used < sizeof(line))
		used += (size_t)snprintf(line + used, sizeof(line) - used, ", outside any function %.1f%%",
					 share(p->unnamed, p->samples));
	if (p->other && used < sizeof(line))
		snprintf(line + used, sizeof(line) - used, ", other %.1f%%", share(p->other, p->samples));
	ik_log(vm, "ikernel: driver '%s' guest profile: %s", vm->dh.name, line);
	free(p);
}
