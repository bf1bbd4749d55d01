/* SPDX-License-Identifier: MIT */
/*
 * The exit profile (IKERNEL_EXIT_PROFILE=1 in the monitor's environment): which exits a driver
 * VM took (at isolation=process: which requests the monitor-lite served), counted by what
 * caused them, and said in its log when it ends, most frequent first. For chasing exits (each
 * costs 25-60 us on a nested host): a hypercall by number, a port or a device register by
 * address and direction, a kick. Off by default: then nothing is counted. Only the thread
 * that serves the driver counts (the vCPU's, the service thread: no locking); the table is
 * fixed-size, and what does not fit is counted as "other".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_profile.h"

#define PROFILE_SLOTS 1024u
#define PROFILE_SHOWN 16u

struct exit_slot {
	uint64_t key; /* kind << 56 | detail; 0 = free */
	uint64_t count;
};

struct ik_exit_profile {
	struct exit_slot slot[PROFILE_SLOTS];
	uint64_t other, total;
};

struct ik_exit_profile *ik_exit_profile_new(void)
{
	const char *e = getenv("IKERNEL_EXIT_PROFILE");

	if (e && *e && strcmp(e, "0"))
		return calloc(1, sizeof(struct ik_exit_profile)); /* NULL: not profiled */
	return NULL;
}

void ik_exit_profile_count(struct ik_exit_profile *p, enum ik_exit_kind kind, uint64_t detail)
{
	uint64_t key = (uint64_t)kind << 56 | (detail & 0xffffffffffffffull);

	if (!p)
		return;
	p->total++;
	for (unsigned i = 0, h = (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 54); i < PROFILE_SLOTS;
	     i++) {
		struct exit_slot *s = &p->slot[(h + i) % PROFILE_SLOTS];

		if (s->key == key || s->key == 0) {
			s->key = key;
			s->count++;
			return;
		}
	}
	p->other++;
}

static void describe(uint64_t key, char *out, size_t len)
{
	uint64_t d = key & 0xffffffffffffffull;

	switch ((enum ik_exit_kind)(key >> 56)) {
	case IK_EXIT_HYPERCALL:
		snprintf(out, len, "hypercall %llu", (unsigned long long)d);
		break;
	case IK_EXIT_PORT_READ:
	case IK_EXIT_PORT_WRITE:
		snprintf(out, len, "port 0x%llx %s", (unsigned long long)d,
			 key >> 56 == IK_EXIT_PORT_READ ? "read" : "write");
		break;
	case IK_EXIT_MMIO_READ:
	case IK_EXIT_MMIO_WRITE:
		snprintf(out, len, "MMIO 0x%llx %s", (unsigned long long)d,
			 key >> 56 == IK_EXIT_MMIO_READ ? "read" : "write");
		break;
	case IK_EXIT_KICK:
		snprintf(out, len, "kick (signal)");
		break;
	default:
		snprintf(out, len, "exit reason %llu", (unsigned long long)d);
		break;
	}
}

static int by_count(const void *a, const void *b)
{
	const struct exit_slot *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

void ik_exit_profile_report(struct ik_exit_profile *p, struct ik_drvhost *dh)
{
	char line[1024], what[64];
	size_t used;

	if (!p)
		return;
	qsort(p->slot, PROFILE_SLOTS, sizeof(p->slot[0]), by_count);
	used = (size_t)snprintf(line, sizeof(line), "%llu exits:", (unsigned long long)p->total);
	for (unsigned i = 0; i < PROFILE_SHOWN && p->slot[i].count && used < sizeof(line); i++) {
		describe(p->slot[i].key, what, sizeof(what));
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s %s %llu", i ? "," : "",
					 what, (unsigned long long)p->slot[i].count);
	}
	if (p->other && used < sizeof(line))
		snprintf(line + used, sizeof(line) - used, ", other %llu", (unsigned long long)p->other);
	ik_dh_log(dh, "ikernel: driver '%s' exit profile: %s", dh->name, line);
	free(p);
}
