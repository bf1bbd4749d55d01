/* SPDX-License-Identifier: MIT */
/* Hypercalls, exit and panic: the guest's only ways to talk to its monitor. */
#include "internal.h"

const struct ik_bootinfo *ik_bootinfo(void)
{
	return IK_BOOTINFO_PTR;
}

/* ik_hypercall() itself is the platform's: platform_kvm.c (MMIO) or platform_proc.c. */

_Noreturn void ik_exit(int64_t code)
{
	struct ik_hc_exit hc = { .code = code };

	ik_console_flush();
	ik_hypercall(IK_HC_EXIT, &hc);
	/* The monitor ends the VM at the hypercall; never continue past it. */
	for (;;)
		ik_hypercall(IK_HC_EXIT, &hc);
}

/* Room for the message; static because a panic may come from a nearly exhausted stack. */
static char panic_msg[IK_PANIC_MAX];
static bool panicking;

_Noreturn void ik_panic_at(unsigned kind, const char *file, unsigned line, const char *fmt, ...)
{
	struct ik_hc_panic hc = { 0 };
	va_list ap;
	int n;

	if (panicking) {
		/* A panic while formatting a panic: report what we have without formatting. */
		fmt = "recursive panic";
		file = NULL;
	} else {
		panicking = true;
		ik_console_flush();
	}
	va_start(ap, fmt);
	n = ik_vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(panic_msg))
		n = sizeof(panic_msg) - 1;

	/* The monitor accepts at most 256 bytes of file name including the NUL: keep the tail. */
	if (file) {
		size_t flen = strnlen(file, 4096);

		if (flen > 255)
			file += flen - 255;
	}
	hc.msg = (uintptr_t)panic_msg;
	hc.len = (uint64_t)n;
	hc.file = (uintptr_t)file;
	hc.line = line;
	hc.kind = kind;
	for (;;)
		ik_hypercall(IK_HC_PANIC, &hc);
}
