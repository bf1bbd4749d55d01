/* SPDX-License-Identifier: MIT */
/* Module parameters: "key=value key=value" words from the boot info. */
#include "internal.h"

static char value[IK_PARAMS_MAX];

const char *ik_param(const char *key)
{
	const char *p = ik_bootinfo()->params;
	const char *end = p + strnlen(p, IK_PARAMS_MAX);
	size_t klen = strlen(key);

	while (p < end) {
		const char *w, *eq;
		size_t wlen;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
			p++;
		w = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		wlen = (size_t)(p - w);
		if (wlen == 0)
			break;
		eq = w;
		while (eq < p && *eq != '=')
			eq++;
		if ((size_t)(eq - w) != klen || memcmp(w, key, klen) != 0)
			continue;
		if (eq == p) {
			value[0] = '\0'; /* a bare "key": present, empty value */
		} else {
			size_t vlen = (size_t)(p - eq - 1);

			memcpy(value, eq + 1, vlen);
			value[vlen] = '\0';
		}
		return value;
	}
	return NULL;
}
