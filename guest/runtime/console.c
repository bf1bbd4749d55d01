/* SPDX-License-Identifier: MIT */
/*
 * Console: output is collected per line and sent with one IK_HC_CONSOLE per line (each
 * hypercall is an exit, ~24 us, so never one per character). The monitor prefixes the driver
 * name. Threads are cooperative and nothing here blocks, so one static buffer is enough.
 */
#include "internal.h"

static char line[IK_CONSOLE_MAX];
static size_t line_len;

static void send_line(void)
{
	struct ik_hc_console hc = { .buf = (uintptr_t)line, .len = line_len };

	if (line_len)
		ik_hypercall(IK_HC_CONSOLE, &hc);
	line_len = 0;
}

void ik_console_flush(void)
{
	send_line();
}

void ik_console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			send_line();
			continue;
		}
		line[line_len++] = s[i];
		if (line_len == sizeof(line))
			send_line(); /* over-long line: split it */
	}
}

/* Formatting buffer: as large as one console line. Static for the same reason as `line`. */
static char fmt_buf[IK_CONSOLE_MAX];

int ik_vprintf(const char *fmt, va_list ap)
{
	int n = ik_vsnprintf(fmt_buf, sizeof(fmt_buf), fmt, ap);
	size_t len = (size_t)n < sizeof(fmt_buf) ? (size_t)n : sizeof(fmt_buf) - 1;

	ik_console_write(fmt_buf, len);
	return n;
}

int ik_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ik_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
