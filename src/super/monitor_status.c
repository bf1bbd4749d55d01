/* SPDX-License-Identifier: MIT */
/*
 * Checking a monitor's status record (monitor_status.h). Every rule of include/ikernel/status.h
 * is checked here, once: the rest of the supervisor trusts a record only as far as this says.
 */
#include "monitor_status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ikernel/names.h"

static int bad(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int bad(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const char *mst_kind_name(unsigned kind)
{
	static const char *const names[IK_STATUS__COUNT] = {
		[IK_STATUS_STARTING] = "STARTING", [IK_STATUS_ISOLATION] = "ISOLATION",
		[IK_STATUS_NODE] = "NODE",         [IK_STATUS_READY] = "READY",
		[IK_STATUS_CRASH] = "CRASH",       [IK_STATUS_VIOLATION] = "VIOLATION",
		[IK_STATUS_GONE] = "GONE",         [IK_STATUS_END] = "END",
	};

	return kind < IK_STATUS__COUNT && names[kind] ? names[kind] : "?";
}

const char *mst_cause_name(unsigned cause)
{
	static const char *const names[IK_STATUS_CAUSE__COUNT] = {
		[IK_STATUS_CAUSE_EXIT] = "exit",           [IK_STATUS_CAUSE_PANIC] = "panic",
		[IK_STATUS_CAUSE_CRASH] = "crash",         [IK_STATUS_CAUSE_HANG] = "hang",
		[IK_STATUS_CAUSE_VIOLATION] = "violation", [IK_STATUS_CAUSE_STOPPED] = "stopped",
		[IK_STATUS_CAUSE_NOT_STARTED] = "not-started",
	};

	return cause < IK_STATUS_CAUSE__COUNT && names[cause] ? names[cause] : "?";
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* A string field: NUL-terminated inside it, printable ASCII before the NUL, zero after. */
static int check_text(const char *field, size_t size, const char *what, char *why, size_t whylen)
{
	const char *nul = memchr(field, '\0', size);

	if (!nul)
		return bad(why, whylen, "%s is not NUL-terminated within its %zu bytes", what, size);
	for (const char *c = field; c < nul; c++)
		if (*c < 0x20 || *c > 0x7e)
			return bad(why, whylen, "%s has a non-printable byte 0x%02x at offset %zu", what,
				   (unsigned char)*c, (size_t)(c - field));
	if (!all_zero(nul + 1, size - (size_t)(nul - field) - 1))
		return bad(why, whylen, "%s has bytes after its NUL", what);
	return 0;
}

static int check_name(const char *field, size_t size, const char *what, char *why, size_t whylen)
{
	int r = check_text(field, size, what, why, whylen);

	if (r)
		return r;
	if (!ik_name_valid(field))
		return bad(why, whylen, "%s '%s' is not a valid name", what, field);
	return 0;
}

static bool level_valid(uint32_t level)
{
	return level == IK_STATUS_LEVEL_VM || level == IK_STATUS_LEVEL_PROCESS ||
	       level == IK_STATUS_LEVEL_INPROC;
}

static bool ended_cause(uint32_t cause)
{
	return cause >= IK_STATUS_CAUSE_EXIT && cause <= IK_STATUS_CAUSE_STOPPED;
}

static int check_starting(const struct ik_status_starting *s, char *why, size_t whylen)
{
	if (s->pid <= 0)
		return bad(why, whylen, "STARTING: pid %d", (int)s->pid);
	if (!level_valid(s->level))
		return bad(why, whylen, "STARTING: level %u", s->level);
	return check_name(s->name, sizeof(s->name), "STARTING: name", why, whylen);
}

static int check_isolation(const struct ik_status_isolation *s, char *why, size_t whylen)
{
	if (!level_valid(s->level))
		return bad(why, whylen, "ISOLATION: level %u", s->level);
	if (s->fallback > 1)
		return bad(why, whylen, "ISOLATION: fallback %u (0 or 1)", s->fallback);
	if (s->fallback && s->level != IK_STATUS_LEVEL_PROCESS)
		return bad(why, whylen, "ISOLATION: a fallback to level %u (only process is one)",
			   s->level);
	if (!s->fallback && s->why[0])
		return bad(why, whylen, "ISOLATION: a reason without a fallback");
	return check_text(s->why, sizeof(s->why), "ISOLATION: why", why, whylen);
}

static int check_node(const struct ik_status_node *s, char *why, size_t whylen)
{
	if (s->node >= IK_MAX_NODES)
		return bad(why, whylen, "NODE: id %u is not below %u", s->node, IK_MAX_NODES);
	return check_name(s->name, sizeof(s->name), "NODE: name", why, whylen);
}

static int check_report(unsigned kind, const struct ik_status_report *s, char *why, size_t whylen)
{
	bool ok = kind == IK_STATUS_VIOLATION ? s->cause == IK_STATUS_CAUSE_VIOLATION
					      : s->cause == IK_STATUS_CAUSE_PANIC ||
							s->cause == IK_STATUS_CAUSE_CRASH ||
							s->cause == IK_STATUS_CAUSE_HANG;

	if (!ok)
		return bad(why, whylen, "%s: cause %u", mst_kind_name(kind), s->cause);
	if (s->reserved)
		return bad(why, whylen, "%s: reserved field set", mst_kind_name(kind));
	if (check_text(s->text, sizeof(s->text), "report text", why, whylen))
		return -EINVAL;
	if (!s->text[0])
		return bad(why, whylen, "%s: empty text", mst_kind_name(kind));
	return 0;
}

static int check_body(unsigned kind, const struct ik_status_rec *r, char *why, size_t whylen)
{
	size_t used;
	int e = 0;

	switch (kind) {
	case IK_STATUS_STARTING:
		used = sizeof(r->u.starting);
		if (!all_zero(r->u.starting.reserved, sizeof(r->u.starting.reserved)))
			return bad(why, whylen, "STARTING: reserved field set");
		e = check_starting(&r->u.starting, why, whylen);
		break;
	case IK_STATUS_ISOLATION:
		used = sizeof(r->u.isolation);
		e = check_isolation(&r->u.isolation, why, whylen);
		break;
	case IK_STATUS_NODE:
		used = sizeof(r->u.node);
		if (!all_zero(r->u.node.reserved, sizeof(r->u.node.reserved)))
			return bad(why, whylen, "NODE: reserved field set");
		e = check_node(&r->u.node, why, whylen);
		break;
	case IK_STATUS_READY:
		used = sizeof(r->u.ready);
		if (r->u.ready.reserved)
			return bad(why, whylen, "READY: reserved field set");
		if (r->u.ready.nodes > IK_MAX_NODES)
			return bad(why, whylen, "READY: %u nodes (at most %u)", r->u.ready.nodes, IK_MAX_NODES);
		break;
	case IK_STATUS_CRASH:
	case IK_STATUS_VIOLATION:
		used = sizeof(r->u.report);
		e = check_report(kind, &r->u.report, why, whylen);
		break;
	case IK_STATUS_GONE:
		used = sizeof(r->u.gone);
		if (r->u.gone.reserved)
			return bad(why, whylen, "GONE: reserved field set");
		if (!ended_cause(r->u.gone.cause))
			return bad(why, whylen, "GONE: cause %u", r->u.gone.cause);
		if (r->u.gone.status < 0 || r->u.gone.status > 255)
			return bad(why, whylen, "GONE: status %d (0 to 255)", (int)r->u.gone.status);
		if (r->u.gone.name_free > 1)
			return bad(why, whylen, "GONE: name_free %u (0 or 1)", r->u.gone.name_free);
		e = check_text(r->u.gone.reason, sizeof(r->u.gone.reason), "GONE: reason", why, whylen);
		break;
	case IK_STATUS_END:
		used = sizeof(r->u.end);
		if (!ended_cause(r->u.end.cause) && r->u.end.cause != IK_STATUS_CAUSE_NOT_STARTED)
			return bad(why, whylen, "END: cause %u", r->u.end.cause);
		if (r->u.end.status < 0 || r->u.end.status > 255)
			return bad(why, whylen, "END: status %d (0 to 255)", (int)r->u.end.status);
		e = check_text(r->u.end.reason, sizeof(r->u.end.reason), "END: reason", why, whylen);
		break;
	default:
		return bad(why, whylen, "unknown kind %u", kind);
	}
	if (e)
		return e;
	if (!all_zero(r->u.raw + used, sizeof(r->u.raw) - used))
		return bad(why, whylen, "%s: bytes past its fields", mst_kind_name(kind));
	return 0;
}

int mst_parse(const void *buf, size_t len, struct ik_status_rec *out, char *why, size_t whylen)
{
	if (len != sizeof(*out)) {
		snprintf(why, whylen, "a packet of %zu bytes (a record is %zu)", len, sizeof(*out));
		return -EMSGSIZE;
	}
	memcpy(out, buf, sizeof(*out)); /* one copy: checked and used from here */
	if (out->hdr.magic != IK_STATUS_MAGIC)
		return bad(why, whylen, "magic 0x%08x", out->hdr.magic);
	if (out->hdr.version != IK_STATUS_VERSION)
		return bad(why, whylen, "version %u (this supervisor speaks %u)", out->hdr.version,
			   IK_STATUS_VERSION);
	if (out->hdr.size != sizeof(*out))
		return bad(why, whylen, "header size %u (a record is %zu)", out->hdr.size, sizeof(*out));
	if (out->hdr.reserved)
		return bad(why, whylen, "reserved header field set");
	return check_body(out->hdr.kind, out, why, whylen);
}
