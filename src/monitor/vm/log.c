/* SPDX-License-Identifier: MIT */
/* The VM backend's monitor log: one line at a time through the driver-host core (ik_dh_vlog). */
#include <stdarg.h>

#include "vm_internal.h"

void ik_log(struct ik_vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ik_dh_vlog(&vm->dh, NULL, fmt, ap);
	va_end(ap);
}
