/* SPDX-License-Identifier: MIT */
/*
 * The one rule for driver and node names (docs/ABI.md, "Names"), compiled by everything that
 * accepts one: the driver-host core (a node a driver registers, a driver's own name), the guest
 * runtime (before it asks), libikernel (ik_open), the supervisor's manifests. A name becomes a
 * file name in the runtime directory (<dir>/<driver>.sock, <dir>/nodes/<node>) and a word on
 * command lines (`ikernel restart NAME`), so:
 *   1 to IK_NAME_MAX - 1 bytes, each one of [A-Za-z0-9_.-], the first neither '.' nor '-'.
 * No '/', no "." or "..", no hidden files, nothing that reads as an option, nothing to escape.
 * Header-only and freestanding (no libc): the guest runtime uses it too.
 */
#ifndef IKERNEL_NAMES_H
#define IKERNEL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "ikernel/abi.h"

/* The rule in words, for messages ("%u" is IK_NAME_MAX - 1). */
#define IK_NAME_RULE "1 to %u characters of [A-Za-z0-9_.-], not starting with '.' or '-'"

static inline bool ik_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '-';
}

/* Is `s` a valid driver or node name? NULL is not. Reads at most IK_NAME_MAX bytes of s. */
static inline bool ik_name_valid(const char *s)
{
	size_t n = 0;

	if (!s || s[0] == '.' || s[0] == '-')
		return false;
	for (; n < IK_NAME_MAX && s[n]; n++)
		if (!ik_name_char(s[n]))
			return false;
	return n > 0 && n < IK_NAME_MAX;
}

#endif /* IKERNEL_NAMES_H */
