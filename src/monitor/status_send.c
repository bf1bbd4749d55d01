/* SPDX-License-Identifier: MIT */
/* The monitor's side of the status channel (status_send.h, include/ikernel/status.h). */
#include "status_send.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "inherited_fd.h"

static int status_fd = -1;

void ik_status_attach(void)
{
	int fd = ik_inherited_fd(IK_STATUS_ENV), type = 0;
	socklen_t len = sizeof(type);
	struct stat st;

	if (fd < 0)
		return;
	/* Only the record socket the supervisor made: anything else is left alone. */
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET)
		return;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return;
	status_fd = fd;
}

bool ik_status_attached(void)
{
	return status_fd >= 0;
}

enum ik_status_cause ik_status_cause_of(enum ik_vm_end end)
{
	switch (end) {
	case IK_END_EXIT:
		return IK_STATUS_CAUSE_EXIT;
	case IK_END_PANIC:
		return IK_STATUS_CAUSE_PANIC;
	case IK_END_CRASH:
		return IK_STATUS_CAUSE_CRASH;
	case IK_END_HANG:
		return IK_STATUS_CAUSE_HANG;
	case IK_END_VIOLATION:
		return IK_STATUS_CAUSE_VIOLATION;
	case IK_END_STOPPED:
		return IK_STATUS_CAUSE_STOPPED;
	default:
		return IK_STATUS_CAUSE_NONE;
	}
}

/* A line of text into a record's field: printable ASCII (the supervisor accepts nothing
 * else), cut to fit, the rest of the field zero (the record was zeroed). */
static void put_text(char *field, size_t size, const char *text)
{
	size_t n = text ? strnlen(text, size - 1) : 0;

	for (size_t i = 0; i < n; i++)
		field[i] = text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?';
}

static void rec_init(struct ik_status_rec *r, enum ik_status_kind kind)
{
	struct timespec ts;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	r->hdr.magic = IK_STATUS_MAGIC;
	r->hdr.version = IK_STATUS_VERSION;
	r->hdr.kind = (uint16_t)kind;
	r->hdr.size = sizeof(*r);
	r->hdr.mono_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One packet; a full socket or a supervisor gone loses the record, never blocks or kills us. */
static void rec_send(const struct ik_status_rec *r)
{
	if (status_fd < 0)
		return;
	while (send(status_fd, r, sizeof(*r), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

void ik_status_starting(const char *name, enum ik_status_level level)
{
	struct ik_status_rec r;

	rec_init(&r, IK_STATUS_STARTING);
	r.u.starting.pid = (int32_t)getpid();
	r.u.starting.level = level;
	put_text(r.u.starting.name, sizeof(r.u.starting.name), name);
	rec_send(&r);
}

void ik_status_isolation(enum ik_status_level level, const char *why)
{
	struct ik_status_rec r;

	rec_init(&r, IK_STATUS_ISOLATION);
	r.u.isolation.level = level;
	r.u.isolation.fallback = why != NULL;
	put_text(r.u.isolation.why, sizeof(r.u.isolation.why), why);
	rec_send(&r);
}

void ik_status_node(const char *name, uint32_t node, uint32_t minor)
{
	struct ik_status_rec r;

	rec_init(&r, IK_STATUS_NODE);
	put_text(r.u.node.name, sizeof(r.u.node.name), name);
	r.u.node.node = node;
	r.u.node.minor = minor;
	rec_send(&r);
}

void ik_status_ready(uint64_t boot_ns, uint32_t nodes)
{
	struct ik_status_rec r;

	rec_init(&r, IK_STATUS_READY);
	r.u.ready.boot_ns = boot_ns;
	r.u.ready.nodes = nodes;
	rec_send(&r);
}

void ik_status_report(const struct ik_vm_result *res)
{
	enum ik_status_cause cause = ik_status_cause_of(res->end);
	struct ik_status_rec r;

	if (cause != IK_STATUS_CAUSE_PANIC && cause != IK_STATUS_CAUSE_CRASH &&
	    cause != IK_STATUS_CAUSE_HANG && cause != IK_STATUS_CAUSE_VIOLATION)
		return;
	rec_init(&r, cause == IK_STATUS_CAUSE_VIOLATION ? IK_STATUS_VIOLATION : IK_STATUS_CRASH);
	r.u.report.cause = cause;
	put_text(r.u.report.text, sizeof(r.u.report.text), res->reason);
	rec_send(&r);
}

void ik_status_gone(const struct ik_vm_result *res, int exit_status, bool name_free)
{
	struct ik_status_rec r;

	rec_init(&r, IK_STATUS_GONE);
	r.u.gone.cause = ik_status_cause_of(res->end);
	r.u.gone.status = exit_status;
	r.u.gone.name_free = name_free;
	put_text(r.u.gone.reason, sizeof(r.u.gone.reason), res->reason);
	rec_send(&r);
}

void ik_status_end(const struct ik_vm_result *res, int exit_status, const char *reason)
{
	struct ik_status_rec r;

	rec_init(&r, IK_STATUS_END);
	r.u.end.cause = res ? ik_status_cause_of(res->end) : IK_STATUS_CAUSE_NOT_STARTED;
	if (r.u.end.cause == IK_STATUS_CAUSE_NONE)
		r.u.end.cause = IK_STATUS_CAUSE_NOT_STARTED;
	r.u.end.status = exit_status;
	put_text(r.u.end.reason, sizeof(r.u.end.reason), reason);
	rec_send(&r);
}
