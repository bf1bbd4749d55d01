/* SPDX-License-Identifier: MIT */
/* Welcome validation (control.h): magic, version, status, geometry, node table. */
#include "welcome.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ikernel/ring.h"

static int malformed(char *why, size_t whylen, const char *what)
{
	snprintf(why, whylen, "malformed welcome from the monitor: %s", what);
	return -EPROTO;
}

static bool terminated(const char *s, size_t max)
{
	return memchr(s, '\0', max) != NULL;
}

int ik_welcome_check(const struct ik_ctl_welcome *w, size_t len, char *why, size_t whylen)
{
	if (len != sizeof(*w))
		return malformed(why, whylen, "wrong size");
	if (w->magic != IK_CTL_MAGIC)
		return malformed(why, whylen, "bad magic");
	if (w->status != 0) {
		if (w->status > 0 || w->status < -4095)
			return malformed(why, whylen, "status is not 0 or -errno");
		snprintf(why, whylen, "the monitor refused the connection: %s", strerror(-w->status));
		return w->status;
	}
	if (w->abi_version != IK_ABI_VERSION)
		return malformed(why, whylen, "ABI version differs from this library's");
	if (w->chan >= IK_MAX_CHANNELS)
		return malformed(why, whylen, "channel index out of range");
	if (!ik_geometry_valid(&w->geometry))
		return malformed(why, whylen, "invalid channel geometry");
	if (!terminated(w->driver, sizeof(w->driver)))
		return malformed(why, whylen, "driver name not terminated");
	if (w->node_count > IK_MAX_NODES)
		return malformed(why, whylen, "too many nodes");
	for (uint32_t i = 0; i < w->node_count; i++) {
		if (!terminated(w->nodes[i].name, sizeof(w->nodes[i].name)))
			return malformed(why, whylen, "node name not terminated");
		if (w->nodes[i].node >= IK_MAX_NODES)
			return malformed(why, whylen, "node id out of range");
	}
	return 0;
}

int ik_welcome_node(const struct ik_ctl_welcome *w, const char *name)
{
	for (uint32_t i = 0; i < w->node_count && i < IK_MAX_NODES; i++)
		if (!strcmp(w->nodes[i].name, name))
			return (int)w->nodes[i].node;
	return -ENOENT;
}
