/* SPDX-License-Identifier: MIT */
/* The handle table: the small ints ik_open returns, each {connection, guest fh, pos, flags}. */
#ifndef IKLIB_HANDLES_H
#define IKLIB_HANDLES_H

#include <stdint.h>

#include "conn.h"

struct ik_handle_ref {
	struct ik_conn *conn; /* referenced: release with ik_conn_put() */
	uint32_t fh;
	uint64_t pos;
	int flags;
};

/* A new handle owning one reference to conn (taken over from the caller). >= 0 or -errno. */
int ik_handle_alloc(struct ik_conn *conn, uint32_t fh, int flags);

/* Look up h: fills ref with a new connection reference. 0 or -EBADF. */
int ik_handle_get(int h, struct ik_handle_ref *ref);

/* Store a new position for h, if h still names the same open file. */
void ik_handle_set_pos(int h, const struct ik_handle_ref *ref, uint64_t pos);

/* Remove h; ref takes over the handle's connection reference. 0 or -EBADF. */
int ik_handle_remove(int h, struct ik_handle_ref *ref);

#endif
