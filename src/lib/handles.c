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

int ik_handle_alloc(struct ik_conn *conn, uint32_t fh, int flags)
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
	table[h] = (struct ik_handle){.conn = conn, .fh = fh, .flags = flags};
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
					      .flags = e->flags};
		ik_conn_ref(e->conn); /* the handle's own reference keeps it above zero */
	}
	pthread_mutex_unlock(&table_lock);
	return e ? 0 : -EBADF;
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
					      .flags = e->flags};
		*e = (struct ik_handle){0};
	}
	pthread_mutex_unlock(&table_lock);
	return e ? 0 : -EBADF;
}
