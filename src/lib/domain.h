/* SPDX-License-Identifier: MIT */
/*
 * Connection domains (internal: the supervisor's, not exported by libikernel.so). A process
 * normally has one connection per driver (conn.h), so every file it opens on that driver
 * shares one channel: its file table (64 files in the guest) and its 15 request slots. The
 * supervisor opens device files for every local user; a domain gives a user (or any group of
 * opens the caller chooses) a connection, a channel, a file table and request slots of its own,
 * so one user's opens and hung calls cannot exhaust another's. ik_open is domain 0. A handle
 * stays in its domain for its life, transparent recovery included.
 */
#ifndef IKLIB_DOMAIN_H
#define IKLIB_DOMAIN_H

#include <stdint.h>

/* ik_open on the connection of `domain` (connecting when it has none to that driver yet). */
int ik_open_in(const char *name, int flags, uint32_t domain);
/* ik_open_in without recovery: no recovery record (a dead driver's calls fail with -EIO at
 * once, never waiting for a restart) and no look at the supervisor's published states. For a
 * client inside a monitor (the host-interface relay, src/monitor/netif_relay.c): it touches
 * no file but the node's socket, so the monitor's sandbox allows it. */
int ik_open_plain(const char *name, int flags, uint32_t domain);

#endif
