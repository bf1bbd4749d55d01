/* SPDX-License-Identifier: MIT */
/* Cancellation tokens (ikernel.h): how the call engine sees them. */
#ifndef IKLIB_CANCEL_H
#define IKLIB_CANCEL_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"

/* The token armed on the calling thread, or NULL. */
struct ik_cancel_token *ik_cancel_current(void);

/* A call on c starts under token t: -EINTR if t was already cancelled, else 0. */
int ik_cancel_begin(struct ik_cancel_token *t, struct ik_conn *c);
/* The call is about to publish its request with this user_data (caller holds c->lock and
 * publishes before dropping it): -EINTR if t was cancelled meanwhile (do not publish), else 0
 * and a later ik_cancel() sends IK_OP_CANCEL for it (queued behind the request). */
int ik_cancel_try_publish(struct ik_cancel_token *t, uint64_t user_data);
/* True once ik_cancel() was called on t. */
bool ik_cancel_requested(struct ik_cancel_token *t);
/* The call is over: t no longer refers to c. */
void ik_cancel_end(struct ik_cancel_token *t);

#endif
