/* SPDX-License-Identifier: MIT */
/*
 * `ikernel status`: per driver its state, monitor pid, uptime, restarts, device-file calls
 * served and failed, and why its last failed run ended. The human form is an aligned table;
 * --json is one object, stable for scripts (docs/ikernel.1.md documents every field).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "super.h"

struct out {
	char *buf;
	size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(o->buf ? o->buf + o->len : NULL, o->buf ? o->cap - o->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (o->buf && o->len + (size_t)n < o->cap) {
			o->len += (size_t)n;
			return;
		}
		size_t cap = (o->cap ? o->cap * 2 : 4096) + (size_t)n;
		char *b = realloc(o->buf, cap);
		if (!b)
			return;
		o->buf = b;
		o->cap = cap;
	}
}

static void put_json_string(struct out *o, const char *s)
{
	put(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20)
			put(o, "\\u%04x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

static double uptime_s(const struct drv *d, uint64_t now)
{
	return d->ready_ns && d->state == DRV_RUNNING ? (double)(now - d->ready_ns) / 1e9 : 0.0;
}

static void format_uptime(double s, char *out, size_t len)
{
	unsigned long t = (unsigned long)s;

	if (s <= 0)
		snprintf(out, len, "-");
	else if (t < 60)
		snprintf(out, len, "%.1fs", s);
	else if (t < 3600)
		snprintf(out, len, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(out, len, "%luh%02lum", t / 3600, t / 60 % 60);
}

static void json(struct out *o, uint64_t now)
{
	put(o, "{\"supervisor\": {\"pid\": %d, \"runtime_dir\": ", (int)getpid());
	put_json_string(o, super.runtime_dir);
	put(o, ", \"dev_dir\": ");
	put_json_string(o, super.dev_dir);
	put(o, ", \"uptime_s\": %.3f}, \"drivers\": [", (double)(now - super.started_ns) / 1e9);
	for (unsigned i = 0; i < super.ndrivers; i++) {
		const struct drv *d = &super.drivers[i];
		put(o, "%s{\"name\": ", i ? ", " : "");
		put_json_string(o, d->m.name);
		put(o, ", \"isolation\": \"%s\"",
		    d->isolation == IKM_ISOLATION_PROCESS ? "process" : "vm");
		put(o, ", \"state\": \"%s\", \"pid\": %d, \"uptime_s\": %.3f, \"restarts\": %u, "
		       "\"calls\": %llu, \"errors\": %llu, \"restart\": \"%s\", \"last_crash\": ",
		    drv_state_name(d->state), (int)d->pid, uptime_s(d, now), d->restarts,
		    (unsigned long long)__atomic_load_n(&d->calls, __ATOMIC_RELAXED),
		    (unsigned long long)__atomic_load_n(&d->errors, __ATOMIC_RELAXED),
		    ikm_restart_name(d->m.restart));
		if (d->last_crash[0])
			put_json_string(o, d->last_crash);
		else
			put(o, "null");
		put(o, ", \"image\": ");
		put_json_string(o, d->m.image);
		put(o, ", \"manifest\": ");
		put_json_string(o, d->m.source);
		put(o, ", \"nodes\": [");
		for (unsigned n = 0; n < d->m.nnodes; n++) {
			put(o, "%s{\"name\": ", n ? ", " : "");
			put_json_string(o, d->m.nodes[n].name);
			put(o, ", \"path\": ");
			char path[PATH_MAX + IK_NAME_MAX + 2];
			snprintf(path, sizeof(path), "%s/%s", super.dev_dir, d->m.nodes[n].name);
			put_json_string(o, path);
			put(o, ", \"mode\": \"%04o\", \"uid\": %u, \"gid\": %u}", (unsigned)d->m.nodes[n].mode,
			    (unsigned)d->m.nodes[n].uid, (unsigned)d->m.nodes[n].gid);
		}
		put(o, "]}");
	}
	put(o, "]}\n");
}

/* Column widths from the content, so the table stays aligned whatever the names. */
static void table(struct out *o, uint64_t now)
{
	static const char *const head[] = {"NAME", "ISOLATION", "STATE", "PID", "UPTIME",
					   "RESTARTS", "CALLS", "ERRORS", "NODES"};
	enum { NCOL = 9 };
	char cells[SUPER_MAX_DRIVERS][NCOL][160];
	size_t w[NCOL];

	for (int c = 0; c < NCOL; c++)
		w[c] = strlen(head[c]);
	for (unsigned i = 0; i < super.ndrivers; i++) {
		const struct drv *d = &super.drivers[i];
		char up[32], nodes[128] = "";
		format_uptime(uptime_s(d, now), up, sizeof(up));
		for (unsigned n = 0; n < d->m.nnodes; n++) {
			size_t l = strlen(nodes);
			snprintf(nodes + l, sizeof(nodes) - l, "%s%s", n ? "," : "", d->m.nodes[n].name);
		}
		snprintf(cells[i][0], 160, "%s", d->m.name);
		snprintf(cells[i][1], 160, "%s", ikm_isolation_name(d->isolation));
		snprintf(cells[i][2], 160, "%s", drv_state_name(d->state));
		if (d->pid > 0)
			snprintf(cells[i][3], 160, "%d", (int)d->pid);
		else
			snprintf(cells[i][3], 160, "-");
		snprintf(cells[i][4], 160, "%s", up);
		snprintf(cells[i][5], 160, "%u", d->restarts);
		snprintf(cells[i][6], 160, "%llu",
			 (unsigned long long)__atomic_load_n(&d->calls, __ATOMIC_RELAXED));
		snprintf(cells[i][7], 160, "%llu",
			 (unsigned long long)__atomic_load_n(&d->errors, __ATOMIC_RELAXED));
		snprintf(cells[i][8], 160, "%s", nodes[0] ? nodes : "-");
		for (int c = 0; c < NCOL; c++)
			if (strlen(cells[i][c]) > w[c])
				w[c] = strlen(cells[i][c]);
	}
	for (int c = 0; c < NCOL; c++)
		put(o, c < NCOL - 1 ? "%-*s  " : "%-*s", (int)w[c], head[c]);
	put(o, "  LAST CRASH\n");
	for (unsigned i = 0; i < super.ndrivers; i++) {
		for (int c = 0; c < NCOL; c++)
			put(o, c < NCOL - 1 ? "%-*s  " : "%-*s", (int)w[c], cells[i][c]);
		put(o, "  %s\n", super.drivers[i].last_crash[0] ? super.drivers[i].last_crash : "-");
	}
	put(o, "\ndevice files in %s, logs in %s\n", super.dev_dir, super.log_dir);
}

int status_write(int fd, bool as_json)
{
	struct out o = {0};
	uint64_t now = super_now_ns();

	if (as_json)
		json(&o, now);
	else
		table(&o, now);
	int r = 0;
	for (size_t off = 0; off < o.len;) {
		ssize_t n = write(fd, o.buf + off, o.len - off);
		if (n <= 0) {
			r = -1;
			break;
		}
		off += (size_t)n;
	}
	free(o.buf);
	return r;
}
