/* SPDX-License-Identifier: MIT */
/* Node names: what a caller may pass to ik_open, and the rendezvous path it maps to. */
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikernel/control.h"
#include "ikernel/names.h"

/* The one rule (include/ikernel/names.h): a name the monitor would never have registered is
 * refused before any path is built from it. */
bool ik_node_name_valid(const char *name)
{
	return ik_name_valid(name);
}

static const char *runtime_dir(void)
{
	const char *dir = getenv(IK_RUNTIME_DIR_ENV);

	return dir == NULL || dir[0] == '\0' ? IK_RUNTIME_DIR_DEFAULT : dir;
}

int ik_runtime_path(const char *leaf, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", runtime_dir(), leaf);

	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

int ik_node_path(const char *name, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/nodes/%s", runtime_dir(), name);

	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}
