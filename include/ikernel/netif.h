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
 * Offloads (host -> driver only): when the link record's `offloads` says the driver finishes
 * checksums (IK_NETIF_OFF_CSUM) or segments TCP (IK_NETIF_OFF_TSO4/6) in its card, the relay
 * lets the host's stack hand it frames with a partial checksum and TCP super-frames of up to
 * IK_NETIF_GSO_FRAME_MAX bytes (a TAP with IFF_VNET_HDR, TUNSETOFFLOAD), as Linux hands them
 * to a card with those features. Such a frame's record has IK_NETIF_REC_OFFLOAD in `flags` and
 * starts with struct ik_netif_offload, then the frame. The driver side checks every field
 * against the frame before it builds the skb; an offload the driver does not offer is finished
 * in software (a checksum) or dropped and counted (a super-frame). Records from the driver
 * keep `flags` 0.
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

/* ik_netif_rec.flags */
#define IK_NETIF_REC_OFFLOAD 0x01u /* IN (host -> driver frames only): struct ik_netif_offload first */

struct ik_netif_rec {
	uint16_t len;  /* IN/OUT: bytes after this header (padding not counted) */
	uint8_t type;  /* IN/OUT: enum ik_netif_rec_type */
	uint8_t flags; /* IN: IK_NETIF_REC_OFFLOAD or 0; OUT (driver -> host): 0 */
};

/* ik_netif_link.offloads: what the driver's card does for frames the host sends */
#define IK_NETIF_OFF_CSUM 0x0001u /* finishes a partial TCP/UDP checksum (NETIF_F_HW_CSUM) */
#define IK_NETIF_OFF_TSO4 0x0002u /* segments TCP over IPv4 (NETIF_F_TSO) */
#define IK_NETIF_OFF_TSO6 0x0004u /* segments TCP over IPv6 (NETIF_F_TSO6) */

/* ik_netif_offload.flags */
#define IK_NETIF_OFL_CSUM 0x01u /* the checksum from csum_start is partial: store it at
				 * csum_start + csum_offset (the pseudo-header sum is there) */
/* ik_netif_offload.gso_type */
enum ik_netif_gso {
	IK_NETIF_GSO_NONE = 0,
	IK_NETIF_GSO_TCPV4 = 1, /* cut into TCP segments of gso_size payload bytes */
	IK_NETIF_GSO_TCPV6 = 2,
};

/* What the host's stack left to the card for one frame (virtio_net_hdr's meaning). */
struct ik_netif_offload {
	uint8_t flags;        /* IN: IK_NETIF_OFL_* */
	uint8_t gso_type;     /* IN: enum ik_netif_gso; not NONE needs IK_NETIF_OFL_CSUM */
	uint16_t gso_size;    /* IN: payload bytes per segment (1..MTU) */
	uint16_t csum_start;  /* IN: frame offset where the checksum starts (the TCP/UDP header) */
	uint16_t csum_offset; /* IN: where in that header the checksum field is */
};

/* A super-frame's largest size: its record (header, offload, frame) fits one 64 KiB read. */
#define IK_NETIF_GSO_FRAME_MAX (65536u - 4u - 8u)

struct ik_netif_link {
	uint8_t mac[6];  /* OUT: the card's address (dev_addr) */
	uint16_t mtu;    /* OUT: the net_device's MTU */
	uint8_t carrier; /* OUT: 1 = carrier (netif_carrier_ok) */
	uint8_t up;      /* OUT: 1 = the net_device is running */
	uint16_t offloads; /* OUT: IK_NETIF_OFF_* the driver offers */
	uint8_t reserved[4];
};

_Static_assert(sizeof(struct ik_netif_rec) == 4, "netif record header");
_Static_assert(sizeof(struct ik_netif_link) == 16, "netif link record");
_Static_assert(sizeof(struct ik_netif_offload) == 8, "netif offload header");

/* Bytes a record of `len` payload bytes takes, padding included. */
static inline uint32_t ik_netif_rec_size(uint32_t len)
{
	return (uint32_t)sizeof(struct ik_netif_rec) + ((len + IK_NETIF_ALIGN - 1) & ~(IK_NETIF_ALIGN - 1));
}

#endif /* IKERNEL_NETIF_H */
