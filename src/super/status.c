/* SPDX-License-Identifier: MIT */
/*
 * `ikernel status`: per driver its state, monitor pid, uptime, restarts, device-file calls
 * served and failed, and why its last failed run ended. The human form is an aligned table;
 * --json is one object, stable for scripts (docs/ikernel.1.md documents every field), written
 * by jansson: any bytes in a name, path or crash report still make valid JSON.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ikjson.h"
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

/* The --json form: built with jansson (ikjson.h), field names documented in ikernel(1). */
static void json(struct out *o, uint64_t now)
{
	json_t *root = json_object(), *sup = json_object(), *drivers = json_array();

	ikj_set(sup, "pid", json_integer(getpid()));
	ikj_set(sup, "runtime_dir", ikj_string(super.runtime_dir));
	ikj_set(sup, "dev_dir", ikj_string(super.dev_dir));
	ikj_set(sup, "uptime_s", ikj_real((double)(now - super.started_ns) / 1e9, 3));
	ikj_set(root, "supervisor", sup);
	ikj_set(root, "drivers", drivers);
	for (unsigned i = 0; i < super.ndrivers; i++) {
		const struct drv *d = &super.drivers[i];
		json_t *j = json_object(), *nodes = json_array();
		ikj_set(j, "name", ikj_string(d->m.name));
		ikj_set(j, "isolation", json_string(d->isolation == IKM_ISOLATION_PROCESS ? "process" : "vm"));
		ikj_set(j, "state", json_string(drv_state_name(d->state)));
		ikj_set(j, "pid", json_integer(d->pid));
		ikj_set(j, "uptime_s", ikj_real(uptime_s(d, now), 3));
		ikj_set(j, "restarts", json_integer(d->restarts));
		/* this run's VM exits (isolation=process: the driver's requests), from its beat */
		ikj_set(j, "exits", d->hb ? json_integer((json_int_t)__atomic_load_n(&d->hb->exits,
								__ATOMIC_RELAXED)) : json_null());
		/* this run's interrupts delivered to the driver, from its beat */
		ikj_set(j, "irqs", d->hb ? json_integer((json_int_t)__atomic_load_n(&d->hb->irqs,
							       __ATOMIC_RELAXED)) : json_null());
		json_t *nd = json_array();
		for (unsigned n = 0; n < d->m.nnetdevs; n++)
			json_array_append_new(nd, ikj_string(d->m.netdev[n]));
		ikj_set(j, "netdevs", nd);
		ikj_set(j, "calls", json_integer((json_int_t)__atomic_load_n(&d->calls, __ATOMIC_RELAXED)));
		ikj_set(j, "errors", json_integer((json_int_t)__atomic_load_n(&d->errors, __ATOMIC_RELAXED)));
		ikj_set(j, "restart", json_string(ikm_restart_name(d->m.restart)));
		ikj_set(j, "last_crash", d->last_crash[0] ? ikj_string(d->last_crash) : json_null());
		ikj_set(j, "image", ikj_string(d->m.image));
		ikj_set(j, "manifest", ikj_string(d->m.source));
		for (unsigned n = 0; n < d->m.nnodes; n++) {
			const struct ikm_node *nd = &d->m.nodes[n];
			json_t *jn = json_object();
			char path[PATH_MAX + IK_NAME_MAX + 2], mode[8];
			snprintf(path, sizeof(path), "%s/%s", super.dev_dir, nd->name);
			snprintf(mode, sizeof(mode), "%04o", (unsigned)nd->mode);
			ikj_set(jn, "name", ikj_string(nd->name));
			ikj_set(jn, "path", ikj_string(path));
			ikj_set(jn, "mode", json_string(mode));
			ikj_set(jn, "uid", json_integer(nd->uid));
			ikj_set(jn, "gid", json_integer(nd->gid));
			json_array_append_new(nodes, jn);
		}
		ikj_set(j, "nodes", nodes);
		json_array_append_new(drivers, j);
	}
	char *text = ikj_dump(root);
	json_decref(root);
	if (text)
		put(o, "%s", text);
	free(text);
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
