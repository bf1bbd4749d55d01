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

void ik_log_guest_text(struct ik_vm *vm, const char *text, size_t len)
{
	char line[4 * IK_CONSOLE_MAX + 1];

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
