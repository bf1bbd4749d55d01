/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the supervisor's check of a monitor's status record (src/super/monitor_status.c,
 * include/ikernel/status.h). The input is one packet from a compromised monitor. A record the
 * check accepts must hold what the supervisor relies on: every string terminated inside its
 * field and printable, names valid, numbers in range; anything else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ikernel/names.h"
#include "monitor_status.h"

static void text_ok(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);

	if (!nul)
		abort();
	for (; s < nul; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ik_status_rec r;
	char why[200];

	if (mst_parse(data, size, &r, why, sizeof(why)) < 0) {
		if (!memchr(why, '\0', sizeof(why)))
			abort();
		return 0;
	}
	if (size != sizeof(r) || r.hdr.kind == 0 || r.hdr.kind >= IK_STATUS__COUNT)
		abort();
	switch (r.hdr.kind) {
	case IK_STATUS_STARTING:
		text_ok(r.u.starting.name, sizeof(r.u.starting.name));
		if (!ik_name_valid(r.u.starting.name) || r.u.starting.pid <= 0)
			abort();
		break;
	case IK_STATUS_NODE:
		text_ok(r.u.node.name, sizeof(r.u.node.name));
		if (!ik_name_valid(r.u.node.name) || r.u.node.node >= IK_MAX_NODES)
			abort();
		break;
	case IK_STATUS_ISOLATION:
		text_ok(r.u.isolation.why, sizeof(r.u.isolation.why));
		break;
	case IK_STATUS_READY:
		if (r.u.ready.nodes > IK_MAX_NODES)
			abort();
		break;
	case IK_STATUS_CRASH:
	case IK_STATUS_VIOLATION:
		text_ok(r.u.report.text, sizeof(r.u.report.text));
		break;
	case IK_STATUS_GONE:
		text_ok(r.u.gone.reason, sizeof(r.u.gone.reason));
		if (r.u.gone.status < 0 || r.u.gone.status > 255)
			abort();
		break;
	case IK_STATUS_END:
		text_ok(r.u.end.reason, sizeof(r.u.end.reason));
		if (r.u.end.status < 0 || r.u.end.status > 255)
			abort();
		break;
	}
	(void)mst_kind_name(r.hdr.kind);
	return 0;
}
