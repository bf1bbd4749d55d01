/* SPDX-License-Identifier: MIT */
/* A descriptor the supervisor hands `ikernel run` (inherited_fd.h). */
#include "inherited_fd.h"

#include <stdlib.h>

int ik_inherited_fd(const char *var)
{
	const char *s = getenv(var);
	char *end;

	if (!s || !*s)
		return -1;
	long fd = strtol(s, &end, 10);
	unsetenv(var);
	if (*end || fd < 3 || fd > 1 << 20)
		return -1;
	return (int)fd;
}
