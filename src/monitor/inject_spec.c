/* SPDX-License-Identifier: MIT */
/* Fault-injection requests, the part both isolation levels share (inject_spec.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drvhost.h"
#include "inject_spec.h"

static const char *const guest_classes[IK_FAULT__COUNT] = {
	[IK_FAULT_PANIC] = "panic", [IK_FAULT_BUG] = "bug", [IK_FAULT_WARNING] = "warning",
	[IK_FAULT_EXCEPTION] = "exception", [IK_FAULT_NULL] = "null", [IK_FAULT_LOOP] = "loop",
	[IK_FAULT_SOFTLOCKUP] = "softlockup", [IK_FAULT_STACK_EXHAUST] = "stack-exhaust",
	[IK_FAULT_STACK_CORRUPT] = "stack-corrupt", [IK_FAULT_STACK_FLIP] = "stack-flip",
	[IK_FAULT_LIST_CORRUPT] = "list-corrupt", [IK_FAULT_UAF] = "uaf",
	[IK_FAULT_DOUBLE_FREE] = "double-free", [IK_FAULT_EXEC_DATA] = "exec-data",
	[IK_FAULT_EXEC_STACK] = "exec-stack", [IK_FAULT_EXEC_HEAP] = "exec-heap",
	[IK_FAULT_WRITE_RO] = "write-ro", [IK_FAULT_WRITE_CODE] = "write-code",
	[IK_FAULT_UNALIGNED] = "unaligned", [IK_FAULT_COPY_OVERRUN] = "copy-overrun",
	[IK_FAULT_ALLOC_FAIL] = "alloc-fail", [IK_FAULT_LEAK] = "leak", [IK_FAULT_LOCK] = "lock",
	[IK_FAULT_IRQ_DROP] = "irq-drop", [IK_FAULT_IRQ_SPURIOUS] = "irq-spurious",
	[IK_FAULT_HANG_REQUEST] = "hang-request", [IK_FAULT_CONSOLE_FLOOD] = "console-flood",
	[IK_FAULT_WILD_WRITE] = "wild-write",
};

uint64_t ik_inject_rng_next(uint64_t *rng)
{
	if (*rng == 0)
		*rng = ik_mono_ns() | 1;
	*rng ^= *rng >> 12;
	*rng ^= *rng << 25;
	*rng ^= *rng >> 27;
	return *rng * 2685821657736338717ull;
}

int ik_inject_parse_num(const char *v, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(v, &end, 0);
	return errno || !*v || *end ? -EINVAL : 0;
}

int ik_inject_parse(const char *spec, struct ik_inject_spec *s, uint64_t *rng, char *out,
		    size_t outlen)
{
	char buf[IK_INJECT_SPEC_MAX];

	memset(s, 0, sizeof(*s));
	ik_copy_str(buf, sizeof(buf), spec);
	for (char *save = NULL, *it = strtok_r(buf, " ", &save); it; it = strtok_r(NULL, " ", &save)) {
		char *v = strchr(it, '=');
		long long n = 0;

		if (!v) {
			if (s->cls[0])
				goto bad;
			ik_copy_str(s->cls, sizeof(s->cls), it);
			continue;
		}
		*v++ = '\0';
		if (!strcmp(it, "at")) {
			ik_copy_str(s->at, sizeof(s->at), v);
			s->has_at = true;
		} else if (!strcmp(it, "in")) {
			ik_copy_str(s->in, sizeof(s->in), v);
		} else if (ik_inject_parse_num(v, &n)) {
			goto bad;
		} else if (!strcmp(it, "len")) {
			s->len = n;
			s->has_len = true;
		} else if (!strcmp(it, "bit")) {
			s->bit = n;
			s->has_bit = true;
		} else if (!strcmp(it, "arg")) {
			s->arg = n;
			s->has_arg = true;
		} else if (!strcmp(it, "seed")) {
			*rng = (uint64_t)n | 1;
		} else {
			goto bad;
		}
		continue;
bad:;
		char clean[128];
		ik_sanitize(clean, sizeof(clean), it, strlen(it));
		snprintf(out, outlen, "error: bad injection item '%s'", clean);
		return -EINVAL;
	}
	if (!s->cls[0]) {
		snprintf(out, outlen, "error: no fault class given");
		return -EINVAL;
	}
	return 0;
}


unsigned ik_inject_guest_class(const char *name)
{
	for (unsigned i = 1; i < IK_FAULT__COUNT; i++)
		if (guest_classes[i] && !strcmp(guest_classes[i], name))
			return i;
	return 0;
}

uint64_t ik_inject_guest_prepare(unsigned cls, const struct ik_inject_spec *s, uint64_t *rng,
				 char *out, size_t outlen)
{
	uint64_t arg = s->has_arg ? (uint64_t)s->arg : ik_inject_rng_next(rng);

	snprintf(out, outlen, "ok: armed guest fault '%s' (arg 0x%llx): fires at the next driver call",
		 guest_classes[cls], (unsigned long long)arg);
	return arg;
}

void ik_inject_guest_fire(struct ik_events *ev, unsigned cls, uint64_t arg)
{
	__atomic_store_n(&ev->fault_arg, arg, __ATOMIC_RELAXED);
	__atomic_store_n(&ev->fault, (uint64_t)cls, __ATOMIC_RELEASE);
}

int ik_inject_unknown(const char *cls, char *out, size_t outlen)
{
	char clean[128];

	ik_sanitize(clean, sizeof(clean), cls, strlen(cls));
	snprintf(out, outlen, "error: unknown fault class '%s' (flip, nop, panic, bug, null, loop, "
			      "uaf, ...: docs/RELIABILITY.md)", clean);
	return -EINVAL;
}
