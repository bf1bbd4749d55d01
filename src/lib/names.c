/* SPDX-License-Identifier: MIT */
/* Node names: what a caller may pass to ik_open, and the rendezvous path it maps to. */
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikernel/control.h"

bool ik_node_name_valid(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return false;
	size_t len = strnlen(name, IK_NAME_MAX);
	if (len >= IK_NAME_MAX)
		return false;
	/* A name is one path component inside nodes/: never a way out of that directory. */
	if (strchr(name, '/') != NULL || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	return true;
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
