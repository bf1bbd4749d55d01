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

int ik_node_path(const char *name, char *out, size_t outlen)
{
	const char *dir = getenv(IK_RUNTIME_DIR_ENV);

	if (dir == NULL || dir[0] == '\0')
		dir = IK_RUNTIME_DIR_DEFAULT;
	int n = snprintf(out, outlen, "%s/nodes/%s", dir, name);
	if (n < 0 || (size_t)n >= outlen)
		return -ENAMETOOLONG;
	return 0;
}
