/* SPDX-License-Identifier: MIT */
/*
 * A connection to one driver's monitor: the socket, the channel (shared rings), the VM's kick
 * eventfd and the channel's done eventfd. One per driver per process (per domain, domain.h), shared by every handle
 * on that driver's nodes. It lives while handles (or calls) hold references: the last ik_close
 * on a driver closes the socket, so the guest releases the channel (channels are few per VM).
 */
#ifndef IKLIB_CONN_H
#define IKLIB_CONN_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>

#include "chan.h"
#include "ikernel/control.h"
#include "recovery.h"

struct ik_conn {
	pthread_mutex_t lock; /* the channel, the reaper role, dead/reason */
	pthread_cond_t cond;  /* broadcast on: slot freed, completions reaped, reaper left, dead */
	int refs;             /* atomic: handles + calls in progress */
	int dead;             /* atomic: 1 = every call fails with -EIO */
	bool reaping;         /* a thread holds the reaper role (waits on and consumes the CQ) */
	unsigned futile;      /* reaps in a row that found nothing (engine.c: doorbell backoff) */
	int sock, kick_fd, done_fd;
	void *map;
	size_t map_len;
	struct ik_chan ch;
	uint32_t chan_index;
	char driver[IK_NAME_MAX];
	char reason[256];     /* why it died */
	char key[PATH_MAX];   /* resolved socket path: identifies the driver */
	uint32_t domain;      /* with key, identifies the connection (domain.h) */
	struct ik_ctl_welcome welcome;
	struct ik_recovery_policy policy; /* from the monitor (recovery.h); zero: none */
	struct ik_conn *next; /* in the process-wide cache */
};

/* A referenced connection of `domain` (domain.h; 0 for ik_open) serving node `name` and its
 * node id; connects when no live one exists. Returns 0, -ENOENT (no node link, or the driver has no such node), -ENXIO (a link,
 * but no driver behind it: gone, ending, not ready yet), or a handshake error (handshake.c). */
int ik_conn_get(const char *name, uint32_t domain, struct ik_conn **out, uint16_t *node);
void ik_conn_ref(struct ik_conn *c);
void ik_conn_put(struct ik_conn *c);

/* Connect to the socket at `path` and do the handshake: fills c (not yet cached). */
int ik_conn_handshake(struct ik_conn *c, const char *path);
void ik_conn_release_resources(struct ik_conn *c);

/* Mark dead (caller holds c->lock). With `notify`, tell the monitor the guest broke the ABI. */
void ik_conn_kill_locked(struct ik_conn *c, bool notify, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool ik_conn_is_dead(struct ik_conn *c);

/* The socket is readable or hung up: consume notices (caller holds c->lock). */
void ik_conn_socket_event_locked(struct ik_conn *c);

#endif
