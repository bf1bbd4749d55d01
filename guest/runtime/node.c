/* SPDX-License-Identifier: MIT */
/* Device node registry: the names clients open, announced to the monitor. */
#include "stub.h"

#include "ikernel/names.h"

/* Node ids and names are never reused: the monitor keeps every node it was told about and
 * ends the VM if an id or a name is announced twice. */
struct node {
	bool registered; /* announced to the monitor (for good) */
	bool used;       /* live: new opens allowed */
	const struct ik_node_ops *ops;
	void *ctx;
	char name[IK_NAME_MAX];
};

static struct node nodes[IK_MAX_NODES];
/* IK_HC_READY announced the nodes: the monitor refuses any later one (it ends the driver), so
 * we refuse it here first. */
static bool announced;

int ik_node_register(const char *name, uint32_t minor, const struct ik_node_ops *ops, void *ctx)
{
	struct ik_hc_register_node hc = { 0 };

	if (!name || !ops || !ik_name_valid(name))
		return -IK_EINVAL;
	if (announced) {
		ik_printf("node %s: registered after the driver was ready: refused (a driver's nodes "
			  "are the ones it registers during its init)\n", name);
		return -IK_EBUSY;
	}
	for (unsigned i = 0; i < IK_MAX_NODES; i++) {
		if (nodes[i].registered && strcmp(nodes[i].name, name) == 0)
			return -IK_EBUSY;
	}
	for (unsigned i = 0; i < IK_MAX_NODES; i++) {
		struct node *n = &nodes[i];

		if (n->registered)
			continue;
		n->registered = true;
		n->used = true;
		n->ops = ops;
		n->ctx = ctx;
		strlcpy(n->name, name, sizeof(n->name));
		/* the monitor reads the name from our writable copy */
		hc.name = (uintptr_t)n->name;
		hc.node = i;
		hc.minor = minor;
		ik_hypercall(IK_HC_REGISTER_NODE, &hc);
		return (int)i;
	}
	return -IK_ENOSPC;
}

void ik_node_unregister(int node)
{
	/* Files already open keep their ops (the driver must outlive them, as in Linux);
	 * new opens of the node fail with -ENODEV. */
	if (node >= 0 && (unsigned)node < IK_MAX_NODES)
		nodes[node].used = false;
}

const struct ik_node_ops *ik_node_ops_of(unsigned node, void **ctx)
{
	if (node >= IK_MAX_NODES || !nodes[node].used)
		return NULL;
	*ctx = nodes[node].ctx;
	return nodes[node].ops;
}

unsigned ik_stub_nodes_announce(void)
{
	unsigned n = 0;

	announced = true;
	for (unsigned i = 0; i < IK_MAX_NODES; i++)
		n += nodes[i].registered;
	return n;
}
