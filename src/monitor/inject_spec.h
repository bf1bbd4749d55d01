/* SPDX-License-Identifier: MIT */
/*
 * Fault-injection requests (docs/RELIABILITY.md, control.h IK_HELLO_INJECT), the part both
 * isolation levels share: the spec's syntax "CLASS [at=..] [in=..] [len=N] [bit=N] [arg=N]
 * [seed=N]", the guest fault classes (enum ik_fault_class) by name, and arming one in the
 * driver's event page. Code faults (flip, nop, revert) patch a VM's loaded image and are the
 * VM backend's (vm/inject.c).
 */
#ifndef IKMON_INJECT_SPEC_H
#define IKMON_INJECT_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikernel/abi.h"

struct ik_inject_spec {
	char cls[32];
	char at[64], in[64];
	long long len, bit, arg;
	bool has_at, has_len, has_bit, has_arg;
};

/* Parse spec into s (seed=N reseeds *rng). 0, or -EINVAL with "error: ..." in out. */
int ik_inject_parse(const char *spec, struct ik_inject_spec *s, uint64_t *rng, char *out,
		    size_t outlen);
/* A C integer (0x.., 0.., decimal) with nothing after it: 0 or -EINVAL. */
int ik_inject_parse_num(const char *v, long long *out);
/* xorshift64*: reproducible with seed=N, otherwise seeded from the clock. */
uint64_t ik_inject_rng_next(uint64_t *rng);
/* The guest fault class named `name`, 0 when there is none. */
unsigned ik_inject_guest_class(const char *name);
/* Guest fault `cls`: its argument (arg= or random) and the "ok: armed ..." line in out. Say
 * it (log) before ik_inject_guest_fire: a running driver can fire it at once, and its crash
 * report must not come before the line that explains it. */
uint64_t ik_inject_guest_prepare(unsigned cls, const struct ik_inject_spec *s, uint64_t *rng,
				 char *out, size_t outlen);
/* Arm it in the event page; the caller then wakes the driver. */
void ik_inject_guest_fire(struct ik_events *ev, unsigned cls, uint64_t arg);
/* "error: unknown fault class ..." in out; -EINVAL. */
int ik_inject_unknown(const char *cls, char *out, size_t outlen);

#endif /* IKMON_INJECT_SPEC_H */
