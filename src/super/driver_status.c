/* SPDX-License-Identifier: MIT */
/*
 * A run's status channel (include/ikernel/status.h): the supervisor's end of the socketpair,
 * reading the monitor's records, and what each one changes. Records are checked by
 * monitor_status.c, then against the run: STARTING names this driver and this monitor, NODE
 * and READY come once and in order, nothing after END. A record that fails is ignored and
 * said in the driver's log (the first few; a monitor cannot flood the log through us).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor_status.h"
#include "super.h"

#define MAX_RECORDS_PER_READ 64 /* then the other fds get their turn (poll says the rest) */
#define MAX_REFUSALS_LOGGED  4

int drv_status_open(struct drv *d)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* The monitor's end goes to descriptor 4 in the child, the liveness page to 3: keep it
	 * off 0-4 so that neither dup2 lands on the other. */
	int child = fcntl(sv[1], F_DUPFD_CLOEXEC, IK_STATUS_FD + 1);
	int e = errno;
	close(sv[1]);
	if (child < 0) {
		close(sv[0]);
		return -e;
	}
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	d->st_fd = sv[0];
	memset(&d->st, 0, sizeof(d->st));
	return child;
}

void drv_status_close(struct drv *d)
{
	if (d->st_fd >= 0)
		close(d->st_fd);
	d->st_fd = -1;
}

const char *drv_status_reason(const struct drv *d)
{
	if (d->st.report[0])
		return d->st.report;
	if (d->st.gone_reason[0])
		return d->st.gone_reason;
	if (d->st.end_reason[0])
		return d->st.end_reason;
	return NULL;
}

static void refuse(struct drv *d, const char *why)
{
	if (d->st.refused++ < MAX_REFUSALS_LOGGED)
		drv_note_prio(d, LOGBUF_WARNING, "monitor pid %d: status record refused: %s%s",
			      (int)d->pid, why,
			      d->st.refused == MAX_REFUSALS_LOGGED ? " (further refusals not logged)" : "");
}

static void on_starting(struct drv *d, const struct ik_status_starting *s)
{
	char why[160];

	if (d->st.starting)
		return refuse(d, "STARTING twice");
	if (strcmp(s->name, d->m.name) || s->pid != d->pid) {
		snprintf(why, sizeof(why), "STARTING for driver '%s' pid %d, not '%s' pid %d", s->name,
			 (int)s->pid, d->m.name, (int)d->pid);
		return refuse(d, why);
	}
	d->st.starting = true;
}

/* The level the run is at (a monitor left to choose may fall back to process: status says
 * so). It can only be weaker than asked when KVM was not usable; vm when we asked for
 * process is refused. */
static void on_isolation(struct drv *d, const struct ik_status_isolation *s)
{
	if (s->level == IK_STATUS_LEVEL_PROCESS) {
		if (s->fallback && d->isolation != IKM_ISOLATION_PROCESS)
			drv_note_prio(d, LOGBUF_WARNING, "running at isolation=process (WEAKER than a "
				      "VM: shares the host kernel): KVM is not usable (%s)", s->why);
		d->isolation = IKM_ISOLATION_PROCESS;
	} else if (s->level != IK_STATUS_LEVEL_VM)
		refuse(d, "ISOLATION inproc: a monitor cannot run a driver in the supervisor");
	else if (d->isolation == IKM_ISOLATION_PROCESS)
		refuse(d, "ISOLATION vm for a run started at isolation=process");
}

static void on_node(struct drv *d, const struct ik_status_node *s)
{
	if (d->st.ready)
		return refuse(d, "NODE after READY");
	if (d->st.nnodes >= IK_MAX_NODES)
		return refuse(d, "more NODE records than nodes a driver may have");
	memcpy(d->st.nodes[d->st.nnodes++], s->name, IK_NAME_MAX);
}

static void on_ready(struct drv *d, const struct ik_status_ready *s)
{
	char why[96];

	if (d->st.ready)
		return refuse(d, "READY twice");
	if (s->nodes != d->st.nnodes) {
		snprintf(why, sizeof(why), "READY with %u nodes after %u NODE records", s->nodes,
			 d->st.nnodes);
		return refuse(d, why);
	}
	d->st.ready = true;
	drv_became_ready(d, super_now_ns());
}

static void on_report(struct drv *d, const struct ik_status_report *s)
{
	if (d->st.report[0])
		return refuse(d, "a second CRASH or VIOLATION report");
	memcpy(d->st.report, s->text, sizeof(d->st.report));
}

static void on_gone(struct drv *d, const struct ik_status_gone *s)
{
	if (d->st.gone_reason[0] || d->gone_status >= 0)
		return refuse(d, "GONE twice");
	snprintf(d->st.gone_reason, sizeof(d->st.gone_reason), "%s",
		 s->reason[0] ? s->reason : mst_cause_name(s->cause));
	if (s->name_free)
		d->gone_status = s->status; /* drv_read_output ends the run early */
}

static void on_end(struct drv *d, const struct ik_status_end *s)
{
	snprintf(d->st.end_reason, sizeof(d->st.end_reason), "%s", s->reason);
	d->st.ended = true;
}

static void apply(struct drv *d, const struct ik_status_rec *r)
{
	if (d->st.ended)
		return refuse(d, "a record after END");
	if (!d->st.starting && r->hdr.kind != IK_STATUS_STARTING && r->hdr.kind != IK_STATUS_END)
		return refuse(d, "a record before STARTING");
	switch (r->hdr.kind) {
	case IK_STATUS_STARTING:
		return on_starting(d, &r->u.starting);
	case IK_STATUS_ISOLATION:
		return on_isolation(d, &r->u.isolation);
	case IK_STATUS_NODE:
		return on_node(d, &r->u.node);
	case IK_STATUS_READY:
		return on_ready(d, &r->u.ready);
	case IK_STATUS_CRASH:
	case IK_STATUS_VIOLATION:
		return on_report(d, &r->u.report);
	case IK_STATUS_GONE:
		return on_gone(d, &r->u.gone);
	case IK_STATUS_END:
		return on_end(d, &r->u.end);
	}
}

void drv_read_status(struct drv *d)
{
	struct ik_status_rec buf, rec;
	char why[200];

	for (unsigned i = 0; d->st_fd >= 0 && i < MAX_RECORDS_PER_READ; i++) {
		/* MSG_TRUNC: the packet's real length, so a longer one is seen as such. */
		ssize_t n = recv(d->st_fd, &buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) { /* the monitor closed it (an empty packet counts as that too) */
			drv_status_close(d);
			return;
		}
		if (mst_parse(&buf, (size_t)n, &rec, why, sizeof(why)) < 0)
			refuse(d, why);
		else
			apply(d, &rec);
	}
}
