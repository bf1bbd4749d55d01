/* SPDX-License-Identifier: MIT */
/* Handle table: lowest free index, grown on demand, one lock for the whole table. */
#include "handles.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define IK_HANDLES_MAX 65536

struct ik_handle {
	struct ik_conn *conn; /* NULL: free */
	uint32_t fh;
	int flags;
	uint64_t pos;
	struct ik_rec *rec;   /* recovery record, or NULL */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ik_handle *table;
static int table_len;

static int grow_locked(void)
{
	int len = table_len ? table_len * 2 : 16;

	if (len > IK_HANDLES_MAX)
		return -EMFILE;
	struct ik_handle *t = realloc(table, (size_t)len * sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	for (int i = table_len; i < len; i++)
		t[i] = (struct ik_handle){0};
	table = t;
	table_len = len;
	return 0;
}

int ik_handle_alloc(struct ik_conn *conn, uint32_t fh, int flags, struct ik_rec *rec)
{
	pthread_mutex_lock(&table_lock);
	int h = 0;
	while (h < table_len && table[h].conn)
		h++;
	if (h == table_len) {
		int err = grow_locked();
		if (err) {
			pthread_mutex_unlock(&table_lock);
			return err;
		}
	}
	table[h] = (struct ik_handle){.conn = conn, .fh = fh, .flags = flags, .rec = rec};
	pthread_mutex_unlock(&table_lock);
	return h;
}

static struct ik_handle *lookup_locked(int h)
{
	if (h < 0 || h >= table_len || table[h].conn == NULL)
		return NULL;
	return &table[h];
}

int ik_handle_get(int h, struct ik_handle_ref *ref)
{
	pthread_mutex_lock(&table_lock);
	struct ik_handle *e = lookup_locked(h);
	if (e) {
		*ref = (struct ik_handle_ref){.conn = e->conn, .fh = e->fh, .pos = e->pos,
					      .flags = e->flags, .rec = e->rec};
		ik_conn_ref(e->conn); /* the handle's own reference keeps it above zero */
		if (e->rec)
			ik_rec_ref(e->rec);
	}
	pthread_mutex_unlock(&table_lock);
	return e ? 0 : -EBADF;
}

void ik_handle_ref_put(struct ik_handle_ref *ref)
{
	ik_conn_put(ref->conn);
	ik_rec_put(ref->rec);
	ref->conn = NULL;
	ref->rec = NULL;
}

int ik_handle_refresh(int h, struct ik_handle_ref *ref)
{
	struct ik_conn *old = NULL;

	pthread_mutex_lock(&table_lock);
	struct ik_handle *e = lookup_locked(h);
	bool same = e && ref->rec && e->rec == ref->rec;
	if (same && e->conn != ref->conn) {
		old = ref->conn;
		ref->conn = e->conn;
		ik_conn_ref(e->conn);
	}
	if (same) {
		ref->fh = e->fh;
		ref->flags = e->flags;
	}
	pthread_mutex_unlock(&table_lock);
	if (old)
		ik_conn_put(old);
	return same ? 0 : -EBADF;
}

int ik_handle_replace(int h, struct ik_rec *rec, struct ik_conn *nc, uint32_t fh,
		      struct ik_handle_ref *ref)
{
	struct ik_conn *old = NULL, *ref_old = NULL;

	pthread_mutex_lock(&table_lock);
	struct ik_handle *e = lookup_locked(h);
	bool same = e && rec && e->rec == rec;
	if (same) {
		old = e->conn;
		e->conn = nc;
		e->fh = fh;
		ik_conn_ref(nc); /* one for the handle (taken over), one for ref */
		ref_old = ref->conn;
		ref->conn = nc;
		ref->fh = fh;
	}
	pthread_mutex_unlock(&table_lock);
	if (!same)
		return -EBADF;
	ik_conn_put(old);
	ik_conn_put(ref_old);
	return 0;
}

void ik_handle_set_pos(int h, const struct ik_handle_ref *ref, uint64_t pos)
{
	pthread_mutex_lock(&table_lock);
	struct ik_handle *e = lookup_locked(h);
	/* The handle may have been closed (and its number reused) during the call. */
	if (e && e->conn == ref->conn && e->fh == ref->fh)
		e->pos = pos;
	pthread_mutex_unlock(&table_lock);
}

int ik_handle_remove(int h, struct ik_handle_ref *ref)
{
	pthread_mutex_lock(&table_lock);
	struct ik_handle *e = lookup_locked(h);
	if (e) {
		*ref = (struct ik_handle_ref){.conn = e->conn, .fh = e->fh, .pos = e->pos,
					      .flags = e->flags, .rec = e->rec};
		*e = (struct ik_handle){0};
	}
	pthread_mutex_unlock(&table_lock);
	return e ? 0 : -EBADF;
}
