/* SPDX-License-Identifier: MIT */
/*
 * The client door, written once for both isolation levels (server.c, proc_server.c): who may
 * come in through the driver's socket, how many connections each user may hold, how long a
 * connection may wait without a hello, and whose report about the driver is believed.
 *
 * Every local user may connect (the socket is 0666: a node of mode 0666 is for everyone), so
 * the door keeps any one user from locking the others out (docs/THREAT-MODEL.md):
 *   - a connection that has not sent its hello within IK_DOOR_HELLO_MS is dropped;
 *   - a user who is not privileged (root, the monitor's own user, an owner of one of the
 *     driver's nodes) holds at most IK_DOOR_PENDING_PER_UID half-open connections and
 *     IK_DOOR_CHANS_PER_UID channels, and such users together leave IK_DOOR_RESERVED pending
 *     slots and channels free for the privileged ones;
 *   - a client's IK_NOTICE_VIOLATION ends the driver only when a privileged user sends it
 *     (one who could stop the driver anyway); anyone else's report closes only their own
 *     channel and is logged as their report.
 * The checks run at accept and hello only: nothing per call.
 */
#ifndef IKMON_DOOR_H
#define IKMON_DOOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "budget.h"
#include "ikernel/abi.h"

#define IK_DOOR_PENDING_MAX     16u
#define IK_DOOR_HELLO_MS        1000u
#define IK_DOOR_RESERVED        4u
#define IK_DOOR_PENDING_PER_UID 4u
#define IK_DOOR_CHANS_PER_UID   (IK_MAX_CHANNELS / 2)

struct ik_door_pending {
	int fd;            /* -1: free */
	uid_t uid;         /* the peer's, at connect (SO_PEERCRED) */
	uint64_t since_ns; /* accepted at (ik_mono_ns) */
};

struct ik_door {
	struct ik_door_pending pending[IK_DOOR_PENDING_MAX];
	uid_t owner_uid;                  /* the monitor's user and group, taken at create */
	gid_t owner_gid;
	uint64_t busy;                    /* the channels that are not free */
	uint64_t draining;                /* of those, the ones whose client has left */
	uid_t chan_uid[IK_MAX_CHANNELS];  /* who holds each of them */
	/* What unprivileged clients make us log (their reports): a budget of its own, so any
	 * local user can neither fill the log nor use up the driver's (IK_DOOR_REPORT_BUDGET). */
	struct ik_budget reports;
};

/* 1 KiB and 2 lines a second, burst 10 s: a few reports stand out, a flood is counted. */
#define IK_DOOR_REPORT_BUDGET {.rate = 1024, .lines = 2, .burst = 10}

struct ik_drvhost;
struct ik_bootinfo;

/* Every slot free, the owner the caller's effective user and group (before any sandbox).
 * Before anything else touches it. */
void ik_door_init(struct ik_door *d);

/* Accept one connection on dh->listen_fd into a pending slot, or close it at once when its
 * user has used up its share (or no slot is left). */
void ik_door_accept(struct ik_drvhost *dh);

/* Take pending slot `slot` (its hello arrived or it closed): the slot is free again. */
struct ik_door_pending ik_door_take(struct ik_door *d, unsigned slot);

/* Drop the connections that sent no hello within IK_DOOR_HELLO_MS of `now_ns`. */
void ik_door_expire(struct ik_door *d, uint64_t now_ns);
/* Is a connection waiting for its hello (the caller must then tick)? */
bool ik_door_waiting(const struct ik_door *d);
/* Close every pending connection. */
void ik_door_close_all(struct ik_door *d);

/* Root, the monitor's user, or an owner of one of the driver's nodes. */
bool ik_door_privileged(const struct ik_drvhost *dh, uid_t uid);

/* May `uid` take one more channel? 0; -EAGAIN when it may not now but would once the
 * channels whose clients have left are released (the driver is closing their files, which
 * takes a moment: the client tries again, ABI.md); -EBUSY when the channels are all held. */
int ik_door_admit(const struct ik_drvhost *dh, uid_t uid);
/* Channel ch now belongs to uid; its client has left (the driver is releasing it); it is free
 * again (the backend freed it). */
void ik_door_chan_taken(struct ik_drvhost *dh, unsigned ch, uid_t uid);
void ik_door_chan_draining(struct ik_drvhost *dh, unsigned ch);
void ik_door_chan_freed(struct ik_drvhost *dh, unsigned ch);

/* The peer on `fd` (uid from its pending slot): which nodes it may open for reading and
 * writing (bit n = node id n), as Linux checks a device file's owner/group/mode against the
 * caller's uid, gid and supplementary groups (SO_PEERGROUPS); uid 0 may open everything.
 * -EACCES when it may open none (the hello is refused), else 0. Under the node table's lock. */
int ik_door_access(const struct ik_drvhost *dh, int fd, uid_t uid, uint16_t *rd, uint16_t *wr);
/* Tell the driver what channel ch's client may open: its pair in the boot info page, written
 * before the channel is announced (abi.h, IK_FEAT_CHAN_ACCESS). */
void ik_door_grant(struct ik_bootinfo *bi, unsigned ch, uint16_t rd, uint16_t wr);

/* The client of channel ch sent IK_NOTICE_VIOLATION with `reason` (hostile, up to len bytes).
 * True when it ends the driver (its user is privileged): the violation line is in out.
 * Otherwise the report is logged as that user's and the caller closes only that channel. */
bool ik_door_client_report(struct ik_drvhost *dh, unsigned ch, const char *reason, size_t len,
			   char *out, size_t outlen);

#endif /* IKMON_DOOR_H */
