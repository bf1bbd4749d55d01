/* SPDX-License-Identifier: MIT */
/*
 * The device-model registry (src/devices/devices.c) as text, for the checks that compare docs
 * and manifests with it (check_models_doc.py, tests/linux/check_manifests.py). One line per
 * model, tab-separated: NAME, the port ranges of its grant at its default port ("0x70-0x71",
 * "0x443, 0x43"), its options (comma-separated, "" for none), its default port, its summary.
 */
#include <stdio.h>

#include "devmodel.h"

static void ports(const struct ik_devmodel *m, unsigned base, char *out, size_t len)
{
	struct ik_port_range one = {.delta = 0, .count = m->nports, .reg = 0};
	const struct ik_port_range *r = m->ranges && m->nranges ? m->ranges : &one;
	unsigned n = m->ranges && m->nranges ? m->nranges : 1;
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < n && used < len; i++) {
		unsigned first = (unsigned)((int)base + r[i].delta), last = first + r[i].count - 1;
		if (r[i].count == 1)
			used += (size_t)snprintf(out + used, len - used, "%s0x%x", i ? ", " : "", first);
		else
			used += (size_t)snprintf(out + used, len - used, "%s0x%x-0x%x", i ? ", " : "",
						 first, last);
	}
}

int main(void)
{
	char p[128];

	for (size_t i = 0; ik_devmodel_at(i); i++) {
		const struct ik_devmodel *m = ik_devmodel_at(i);
		ports(m, m->default_port, p, sizeof(p));
		printf("%s\t%s\t", m->name, p);
		for (const char *const *o = m->options; o && *o; o++)
			printf("%s%s", o == m->options ? "" : ",", *o);
		printf("\t0x%x\t%s\n", m->default_port, m->summary);
	}
	return 0;
}
