/* SPDX-License-Identifier: MIT */
/*
 * Cancellation tokens. The armed thread's call records in its token which connection it uses
 * and, once published, the user_data of its request; ik_cancel() marks the token, wakes a call
 * still waiting for a free slot, and sends IK_OP_CANCEL for a published request. The engine
 * keeps one slot of every channel for IK_OP_CANCEL, so a cancel never waits behind the very
 * requests it has to cancel. Lock order: conn->lock before token->lock.
 */
#include "cancel.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "engine.h"
#include "ikernel/ikernel.h"

struct ik_cancel_token {
	pthread_mutex_t lock;
	bool cancelled;
	struct ik_conn *conn; /* the call in progress (it holds a reference), or NULL */
	bool published;       /* its request is in the SQ */
	uint64_t user_data;
};

static __thread struct ik_cancel_token *armed;

struct ik_cancel_token *ik_cancel_token_new(void)
{
	struct ik_cancel_token *t = calloc(1, sizeof(*t));

	if (t)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

void ik_cancel_token_free(struct ik_cancel_token *t)
{
	if (!t)
		return;
	if (armed == t)
		armed = NULL;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void ik_cancel_arm(struct ik_cancel_token *t)
{
	armed = t;
}

struct ik_cancel_token *ik_cancel_current(void)
{
	return armed;
}

int ik_cancel_begin(struct ik_cancel_token *t, struct ik_conn *c)
{
	pthread_mutex_lock(&t->lock);
	bool cancelled = t->cancelled;
	if (!cancelled) {
		t->conn = c;
		t->published = false;
	}
	pthread_mutex_unlock(&t->lock);
	return cancelled ? -EINTR : 0;
}

int ik_cancel_try_publish(struct ik_cancel_token *t, uint64_t user_data)
{
	pthread_mutex_lock(&t->lock);
	bool cancelled = t->cancelled;
	if (!cancelled) {
		t->published = true;
		t->user_data = user_data;
	}
	pthread_mutex_unlock(&t->lock);
	return cancelled ? -EINTR : 0;
}

bool ik_cancel_requested(struct ik_cancel_token *t)
{
	pthread_mutex_lock(&t->lock);
	bool r = t->cancelled;
	pthread_mutex_unlock(&t->lock);
	return r;
}

void ik_cancel_end(struct ik_cancel_token *t)
{
	pthread_mutex_lock(&t->lock);
	t->conn = NULL;
	t->published = false;
	pthread_mutex_unlock(&t->lock);
}

void ik_cancel(struct ik_cancel_token *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->cancelled = true;
	struct ik_conn *c = t->conn;
	bool published = t->published;
	uint64_t ud = t->user_data;
	if (c)
		ik_conn_ref(c); /* the call still holds its own reference: c is alive */
	pthread_mutex_unlock(&t->lock);
	if (!c)
		return;
	/* A call waiting for a free slot re-checks the token when woken. */
	pthread_mutex_lock(&c->lock);
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	if (published) {
		/* -ENOENT from the guest: the request had already completed; nothing to do. */
		struct ik_call cancel = {.op = IK_OP_CANCEL, .off = ud};
		ik_engine_cancelled(c, ud); /* from now on it has to end soon */
		(void)ik_call(c, &cancel);
	}
	ik_conn_put(c);
}
