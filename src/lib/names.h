/* SPDX-License-Identifier: MIT */
/* Node names and where their sockets live. */
#ifndef IKLIB_NAMES_H
#define IKLIB_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* A valid node name: include/ikernel/names.h's rule (1 to IK_NAME_MAX - 1 characters of
 * [A-Za-z0-9_.-], not starting with '.' or '-'); NULL is not. */
bool ik_node_name_valid(const char *name);

/* "$IKERNEL_RUNTIME_DIR/nodes/<name>" (default runtime dir /run/ikernel) into out.
 * Returns 0 or -ENAMETOOLONG. */
int ik_node_path(const char *name, char *out, size_t outlen);

/* "$IKERNEL_RUNTIME_DIR/<leaf>" into out. 0 or -ENAMETOOLONG. */
int ik_runtime_path(const char *leaf, char *out, size_t outlen);

#endif
