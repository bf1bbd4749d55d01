/* SPDX-License-Identifier: MIT */
/*
 * The "wire" of an emulated network card: where the frames the driver transmits go and where
 * the frames it receives come from. A card model (dev_ne2000.c) owns one and knows nothing of
 * what is behind it; the operator names it in the grant's option `wire=`:
 *   none          (default) frames sent are dropped, nothing arrives: a card on no cable
 *   tap:NAME      an existing TAP interface (IFF_TAP | IFF_NO_PI), attached: the monitor needs
 *                 no network privilege when the TAP was created with `user <uid>`
 *   socket:PATH   a virtual cable between two cards: a Unix SOCK_SEQPACKET socket, one frame
 *                 per message; the first card listens on PATH (created, removed at the end),
 *                 the second connects to it. A listener whose peer hangs up accepts the next one.
 *                 Both ends must run as the same user (or root): a peer of another user is
 *                 hung up on, a listener of another user refused (SO_PEERCRED).
 *   pcap:FILE     frames sent are written to FILE (pcap, Ethernet link type), created 0600 and
 *                 truncated, never followed through a symbolic link, only a regular file (a
 *                 FIFO there is refused without waiting for a reader); nothing arrives
 * A wire loses frames as a cable does: a frame that finds the wire busy (a full socket or TAP
 * queue) or unplugged is dropped, never waited for. Frames are at most IK_NETWIRE_FRAME_MAX.
 * A TAP wire has a transmit queue (IK_NETWIRE_TXQ frames) and a writer thread of its own, as
 * a card's transmit FIFO drains onto the cable while the CPU goes on: the card hands a frame
 * over with a copy, and the write to the TAP (in which the host's stack takes the frame in)
 * runs beside the driver's vCPU instead of on it; the card calls ik_netwire_flush() when its
 * burst is done. A full queue drops the frame (counted).
 */
#ifndef IKMON_NETWIRE_H
#define IKMON_NETWIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IK_NETWIRE_FRAME_MAX 1518u /* 1,514 bytes + an 802.1Q tag; no FCS */
#define IK_NETWIRE_SPEC_MAX  108u  /* a Unix socket path's limit */

enum ik_netwire_kind { IK_WIRE_NONE, IK_WIRE_TAP, IK_WIRE_SOCKET, IK_WIRE_PCAP };

#define IK_NETWIRE_TXQ 1024u /* frames a TAP wire's transmit queue holds */

struct ik_netwire_txq; /* netwire.c */

struct ik_netwire {
	enum ik_netwire_kind kind;
	int fd;        /* frames both ways (tap, connected socket), the capture (pcap), or -1 */
	int listen_fd; /* socket wire, listening end: accepts the peer; -1 otherwise */
	uint32_t owner_uid; /* socket wire: our user when the wire opened (peers must match; the
			     * sandbox forbids asking again, and may change user) */
	char path[IK_NETWIRE_SPEC_MAX]; /* socket wire we listen on: removed at close */
	uint64_t sent, dropped;         /* frames handed to the wire / lost on it */
	uint64_t refused;               /* socket wire: peers of another user hung up on */
	uint64_t pcap_room;             /* pcap: bytes the capture may still grow by */
	struct ik_netwire_txq *txq;     /* tap: the transmit queue and its writer; else NULL */
};

/* A capture stops growing here (its frames are then dropped and counted): what the driver
 * sends, the host writes to disk, so it is bounded like the driver's log (budget.h). */
#define IK_NETWIRE_PCAP_MAX (64ull << 20)

/* Open the wire `spec` ("none", "tap:NAME", "socket:PATH", "pcap:FILE"). On failure err says
 * why (naming the wire) and the wire is closed (safe to close again). */
int ik_netwire_open(struct ik_netwire *w, const char *spec, char *err, size_t errlen);
void ik_netwire_close(struct ik_netwire *w);
/* Put one frame (len <= IK_NETWIRE_FRAME_MAX) on the wire; a busy or unplugged wire drops it
 * (counted). Never blocks (a TAP wire: queued for its writer, a full queue drops). */
void ik_netwire_send(struct ik_netwire *w, const uint8_t *frame, size_t len);
/* The frames sent so far go out now: the end of a card's transmit burst (a TAP wire's writer is
 * woken once for it, not once per frame; the other wires send at once). */
void ik_netwire_flush(struct ik_netwire *w);
/* The descriptor to poll for an arriving frame (or a peer to accept), -1 when none can come. */
int ik_netwire_poll_fd(const struct ik_netwire *w);
/* Take one arriving frame into buf (room for IK_NETWIRE_FRAME_MAX): its length, 0 when there
 * was none (or a peer was accepted / hung up), -errno on a failure of the wire. Frames longer
 * than IK_NETWIRE_FRAME_MAX are dropped (counted), never truncated. Never blocks. */
ssize_t ik_netwire_recv(struct ik_netwire *w, uint8_t *buf);

/* A card's options `mac=XX:XX:XX:XX:XX:XX` (a unicast address; default def_mac with the
 * instance number added to its last byte) into mac, and `wire=SPEC` (default none) opened into
 * w. 0, or -errno with ik_dev_fail() saying why. Both network card models use it. */
struct ik_device;
int ik_netwire_card_open(struct ik_device *dev, struct ik_netwire *w, const uint8_t *def_mac,
			 uint8_t *mac);

#endif /* IKMON_NETWIRE_H */
