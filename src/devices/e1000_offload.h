/* SPDX-License-Identifier: MIT */
/*
 * The 82540EM's transmit offloads (e1000_offload.c), apart from its rings and registers
 * (dev_e1000.c): the context a TCP/IP context descriptor sets, Internet checksum insertion
 * (IPCSS/IPCSO/IPCSE, TUCSS/TUCSO/TUCSE), and TCP segmentation (TSO: one packet of HDRLEN
 * header bytes and PAYLEN payload bytes cut into wire frames of at most MSS payload bytes), as
 * the 8254x Software Developer's Manual describes them. Everything in a context is the
 * driver's: e1k_tso_check() validates it before any segment is cut.
 */
#ifndef IK_E1000_OFFLOAD_H
#define IK_E1000_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TUCMD, the context descriptor's command byte */
#define E1K_TUCMD_TCP 0x01u /* the transport is TCP (clear: UDP) */
#define E1K_TUCMD_IP 0x02u  /* IPv4 (clear: IPv6) */
#define E1K_TUCMD_TSE 0x04u /* a TCP segmentation context */
/* POPTS, the data descriptor's packet options */
#define E1K_POPTS_IXSM 0x01u /* insert the IP checksum */
#define E1K_POPTS_TXSM 0x02u /* insert the TCP/UDP checksum */

#define E1K_TSO_HDR_MAX 255u	   /* HDRLEN is a byte */
#define E1K_TSO_PAYLOAD_MAX 65536u /* PAYLEN has 20 bits; a TSO packet carries at most 64 KiB */
#define E1K_TSO_MSS_MIN 32u	   /* at most 2,048 segments per packet */
#define E1K_TSO_PACKET_MAX (E1K_TSO_HDR_MAX + E1K_TSO_PAYLOAD_MAX)

/* The context a context descriptor sets for the data descriptors after it. */
struct e1k_txctx {
	uint8_t ipcss, ipcso, tucss, tucso;
	uint16_t ipcse, tucse; /* inclusive ends; 0: to the end of the frame */
	uint8_t tucmd;	       /* E1K_TUCMD_* */
	uint8_t hdrlen;	       /* TSO: header bytes copied in front of every segment */
	uint16_t mss;	       /* TSO: payload bytes per segment, at most */
	uint32_t paylen;       /* TSO: payload bytes after the header */
};

/* Store at f[at] the Internet checksum of f[start, end] (end 0: to len), `add` added into the
 * sum first (a length the driver's seed leaves out). Offsets outside the frame insert nothing. */
void e1k_csum_insert(uint8_t *f, size_t len, unsigned start, unsigned end, unsigned at,
		     uint32_t add);

/* 0 when the TSO context c, with the first data descriptor's POPTS, cuts the packet into
 * frames of at most frame_max bytes with every offset inside the header; else -EINVAL and
 * why[] says which field is wrong and its value. */
int e1k_tso_check(const struct e1k_txctx *c, uint8_t popts, size_t frame_max, char *why,
		  size_t whylen);

/* How many segments a checked context cuts its packet into (1 to 2,048). */
unsigned e1k_tso_segments(const struct e1k_txctx *c);

/* Segment i (< e1k_tso_segments) of pkt[0, hdrlen + paylen) into seg (hdrlen + mss bytes of
 * room): the header with its IP length, IPv4 identification, TCP sequence number and flags
 * for this segment, checksums as POPTS asks, then its payload. Returns its length. */
size_t e1k_tso_segment(const struct e1k_txctx *c, uint8_t popts, const uint8_t *pkt, unsigned i,
		       uint8_t *seg);

#endif
