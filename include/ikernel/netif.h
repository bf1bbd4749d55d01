/* SPDX-License-Identifier: MIT */
/*
 * The host interface of a network driver (docs/ABI.md "Host interfaces"): dual-use, included by
 * the guest's compat layer (guest/compat/lib/netif_host.c) and by the monitor's relay
 * (src/monitor/netif_relay.c).
 *
 * A driver given a host interface (ik_bootinfo.netif[n], IK_FEAT_NETIF) registers a device node
 * of that name for its n-th net_device. The monitor's relay is its only client (the node is
 * declared 0600 for the monitor's own user): it opens the node, which brings the net_device up
 * (ndo_open), and then
 *   read()   returns one or more whole records, driver -> host: the frames the driver passed to
 *            netif_rx() (IK_NETIF_FRAME) and, first after the open and whenever the carrier
 *            changes, the link (IK_NETIF_LINK). It blocks until there is one (O_NONBLOCK:
 *            -EAGAIN); a buffer too small for the next record is -EMSGSIZE.
 *   write()  takes one or more whole records, host -> driver: each IK_NETIF_FRAME goes to
 *            ndo_start_xmit(). While the driver's queue is stopped the write waits (flow
 *            control: a frame the relay handed over is never dropped for a full queue); it
 *            returns the bytes of the records taken. A malformed record is -EINVAL (nothing
 *            after it is taken); a frame shorter than an Ethernet header or longer than the
 *            device's MTU allows is dropped and counted (tx_dropped), as Linux drops it.
 *   release  closes the net_device (ndo_stop) and drops what was queued for the host.
 * Records are IK_NETIF_ALIGN-aligned: a header, then `len` bytes, then padding to the next
 * multiple of IK_NETIF_ALIGN. Neither side trusts the other's records: each length is checked
 * against what is left of the buffer before it is used.
 */
#ifndef IKERNEL_NETIF_H
#define IKERNEL_NETIF_H

#include <stdint.h>

#define IK_NETIF_ALIGN 4u
#define IK_NETIF_FRAME_MAX 1518u /* 1,514 bytes + an 802.1Q tag; no FCS */

enum ik_netif_rec_type {
	IK_NETIF_FRAME = 1, /* an Ethernet frame (destination MAC first), len bytes */
	IK_NETIF_LINK = 2,  /* struct ik_netif_link */
};

struct ik_netif_rec {
	uint16_t len;  /* IN/OUT: bytes after this header (padding not counted) */
	uint8_t type;  /* IN/OUT: enum ik_netif_rec_type */
	uint8_t flags; /* reserved, 0 */
};

struct ik_netif_link {
	uint8_t mac[6];  /* OUT: the card's address (dev_addr) */
	uint16_t mtu;    /* OUT: the net_device's MTU */
	uint8_t carrier; /* OUT: 1 = carrier (netif_carrier_ok) */
	uint8_t up;      /* OUT: 1 = the net_device is running */
	uint8_t reserved[6];
};

_Static_assert(sizeof(struct ik_netif_rec) == 4, "netif record header");
_Static_assert(sizeof(struct ik_netif_link) == 16, "netif link record");

/* Bytes a record of `len` payload bytes takes, padding included. */
static inline uint32_t ik_netif_rec_size(uint32_t len)
{
	return (uint32_t)sizeof(struct ik_netif_rec) + ((len + IK_NETIF_ALIGN - 1) & ~(IK_NETIF_ALIGN - 1));
}

#endif /* IKERNEL_NETIF_H */
