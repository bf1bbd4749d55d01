/* SPDX-License-Identifier: MIT */
/* The handle table: the small ints ik_open returns, each {connection, guest fh, pos, flags}. */
#ifndef IKLIB_HANDLES_H
#define IKLIB_HANDLES_H

#include <stdint.h>

#include "conn.h"
#include "recovery.h"

struct ik_handle_ref {
	struct ik_conn *conn; /* referenced: release with ik_handle_ref_put() */
	uint32_t fh;
	uint64_t pos;
	int flags;
	struct ik_rec *rec;   /* referenced (or NULL): the open file's recovery record */
};

/* A new handle owning one reference to conn and to rec (taken over from the caller; rec may
 * be NULL). >= 0 or -errno. */
int ik_handle_alloc(struct ik_conn *conn, uint32_t fh, int flags, struct ik_rec *rec);

/* Drop the references a ref holds. */
void ik_handle_ref_put(struct ik_handle_ref *ref);

/* Recovery: reload ref from the handle (same open file: same rec). 0, or -EBADF when h no
 * longer names that open file. */
int ik_handle_refresh(int h, struct ik_handle_ref *ref);
/* Recovery: point h (still the open file of `rec`) at a new connection and fh, taking over one
 * reference to nc; ref follows (its old connection reference is dropped). 0 or -EBADF. */
int ik_handle_replace(int h, struct ik_rec *rec, struct ik_conn *nc, uint32_t fh,
		      struct ik_handle_ref *ref);

/* Look up h: fills ref with a new connection reference. 0 or -EBADF. */
int ik_handle_get(int h, struct ik_handle_ref *ref);

/* Store a new position for h, if h still names the same open file. */
void ik_handle_set_pos(int h, const struct ik_handle_ref *ref, uint64_t pos);

/* Remove h; ref takes over the handle's connection reference. 0 or -EBADF. */
int ik_handle_remove(int h, struct ik_handle_ref *ref);

#endif
