/* SPDX-License-Identifier: MIT */
/* The monitor log: one mutex so lines of the vCPU and control threads never interleave. */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "vm_internal.h"

uint64_t ik_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ik_log(struct ik_vm *vm, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&vm->log_lock);
	va_start(ap, fmt);
	vfprintf(vm->log, fmt, ap);
	va_end(ap);
	fputc('\n', vm->log);
	fflush(vm->log);
	pthread_mutex_unlock(&vm->log_lock);
}

void ik_copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void ik_sanitize(char *out, size_t outlen, const char *in, size_t inlen)
{
	size_t o = 0;

	if (outlen == 0)
		return;
	for (size_t i = 0; i < inlen && o + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			out[o++] = (char)ch;
		} else {
			if (o + 5 > outlen)
				break;
			snprintf(out + o, outlen - o, "\\x%02x", ch);
			o += 4;
		}
	}
	out[o] = '\0';
}

/*
 * Console rate limit: the guest's text goes to the host's log (a file, a terminal, a journal),
 * so a driver flooding IK_HC_CONSOLE must not fill the host's disk or drown the other lines.
 * A byte budget refills at IK_CONSOLE_RATE bytes/s up to IK_CONSOLE_BURST; text beyond it is
 * dropped and counted, and the log says so (once when dropping starts, then at most once a
 * second, and when output resumes, i.e. once a second's worth is back). vCPU thread only.
 */
#define IK_CONSOLE_RATE  (64u * 1024u)   /* bytes per second */
#define IK_CONSOLE_BURST (1024u * 1024u) /* bytes */

static void console_refill(struct ik_vm *vm, uint64_t now)
{
	if (vm->con_refill_ns == 0) {
		vm->con_budget = IK_CONSOLE_BURST;
	} else {
		uint64_t add = (now - vm->con_refill_ns) * IK_CONSOLE_RATE / 1000000000ull;
		vm->con_budget = vm->con_budget + add > IK_CONSOLE_BURST ? IK_CONSOLE_BURST
									: vm->con_budget + add;
	}
	vm->con_refill_ns = now;
}

/* May `len` more bytes of guest text be logged? Accounts for them when yes. */
static bool console_admit(struct ik_vm *vm, size_t len)
{
	uint64_t now = ik_mono_ns();

	console_refill(vm, now);
	/* Hysteresis: once dropping, stay quiet until a second's worth has come back, so that a
	 * steady flood does not turn into a stream of "flood"/"over" lines of our own. */
	bool flooding = vm->con_dropped && vm->con_budget < IK_CONSOLE_RATE;
	if (!flooding && len <= vm->con_budget) {
		vm->con_budget -= len;
		if (vm->con_dropped) {
			ik_log(vm, "ikernel: driver '%s' console flood over: %llu lines dropped", vm->name,
			       (unsigned long long)vm->con_dropped);
			vm->con_dropped = 0;
		}
		return true;
	}
	if (vm->con_dropped++ == 0) {
		ik_log(vm, "ikernel: driver '%s' console flood: more than %u KiB/s, dropping its output",
		       vm->name, IK_CONSOLE_RATE / 1024);
		vm->con_report_ns = now;
	} else if (now - vm->con_report_ns >= 1000000000ull) {
		ik_log(vm, "ikernel: driver '%s' console flood: %llu lines dropped so far", vm->name,
		       (unsigned long long)vm->con_dropped);
		vm->con_report_ns = now;
	}
	return false;
}

void ik_log_guest_text(struct ik_vm *vm, const char *text, size_t len)
{
	char line[4 * IK_CONSOLE_MAX + 1];

	if (!console_admit(vm, len))
		return;
	while (len > 0) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		ik_sanitize(line, sizeof(line), text, n);
		ik_log(vm, "[%s] %s", vm->name, line);
		if (!nl)
			break;
		len -= n + 1;
		text += n + 1;
	}
}
