/* SPDX-License-Identifier: MIT */
/*
 * The 82540EM's transmit offloads: checksum insertion and TCP segmentation (e1000_offload.h),
 * written from the 8254x Software Developer's Manual. For TSO the driver (Linux's e1000_tso())
 * hands one packet: HDRLEN bytes of Ethernet, IP and TCP header whose TCP checksum field holds
 * the pseudo-header sum without the length (IPv4 total length and header checksum zero, or the
 * IPv6 payload length zero), then PAYLEN bytes of payload. Each segment is that header with
 *   IPv4 (TUCMD.IP): total length, identification + the segment's index, header checksum (IXSM);
 *   IPv6: payload length;
 *   TCP: sequence number + the payload offset; FIN and PSH only on the last segment, CWR only
 *        on the first; the checksum (TXSM) over the segment with its TCP length added in;
 * followed by at most MSS bytes of the payload.
 */
#include "e1000_offload.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define IPV4_HDR_MIN 20u
#define IPV6_HDR 40u
#define TCP_HDR_MIN 20u
#define TCP_FIN 0x01u
#define TCP_PSH 0x08u
#define TCP_CWR 0x80u

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}
static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static uint32_t sum16(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

void e1k_csum_insert(uint8_t *f, size_t len, unsigned start, unsigned end, unsigned at,
		     uint32_t add)
{
	size_t stop = end ? (size_t)end + 1 : len;
	uint32_t s;

	if (stop > len)
		stop = len;
	if (start >= stop || (size_t)at + 2 > len)
		return;
	s = sum16(f + start, stop - start) + (add & 0xffffu); /* a frame's words: no overflow */
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	put_be16(f + at, ~s & 0xffffu);
}

static bool is_ipv4(const struct e1k_txctx *c)
{
	return c->tucmd & E1K_TUCMD_IP;
}

/* The IP header's place: ipcss + its minimum length up to tucss, the TCP header inside HDRLEN;
 * the checksum fields POPTS asks for inside their headers. */
static int tso_check_offsets(const struct e1k_txctx *c, uint8_t popts, char *why, size_t whylen)
{
	unsigned iplen = is_ipv4(c) ? IPV4_HDR_MIN : IPV6_HDR;

	if ((unsigned)c->ipcss + iplen > c->tucss) {
		snprintf(why, whylen, "IPCSS %u + the %u-byte IP header passes TUCSS %u", c->ipcss,
			 iplen, c->tucss);
		return -EINVAL;
	}
	if ((unsigned)c->tucss + TCP_HDR_MIN > c->hdrlen) {
		snprintf(why, whylen, "TUCSS %u + the 20-byte TCP header passes HDRLEN %u",
			 c->tucss, c->hdrlen);
		return -EINVAL;
	}
	if ((popts & E1K_POPTS_TXSM) && (c->tucso < c->tucss || c->tucso + 2u > c->hdrlen)) {
		snprintf(why, whylen, "TUCSO %u is not in the TCP header (TUCSS %u, HDRLEN %u)",
			 c->tucso, c->tucss, c->hdrlen);
		return -EINVAL;
	}
	if ((popts & E1K_POPTS_IXSM) &&
	    (c->ipcso < c->ipcss || c->ipcso + 2u > c->tucss ||
	     (c->ipcse && (c->ipcse < c->ipcso + 1u || c->ipcse >= c->tucss)))) {
		snprintf(why, whylen,
			 "IPCSO %u / IPCSE %u are not in the IP header (IPCSS %u, TUCSS %u)",
			 c->ipcso, c->ipcse, c->ipcss, c->tucss);
		return -EINVAL;
	}
	return 0;
}

int e1k_tso_check(const struct e1k_txctx *c, uint8_t popts, size_t frame_max, char *why,
		  size_t whylen)
{
	if (!(c->tucmd & E1K_TUCMD_TSE)) {
		snprintf(why, whylen, "the context descriptor before it has no TUCMD.TSE");
		return -EINVAL;
	}
	if (!(c->tucmd & E1K_TUCMD_TCP)) {
		snprintf(why, whylen, "TUCMD.TCP is clear: UDP segmentation is not offered");
		return -EINVAL;
	}
	if (c->mss < E1K_TSO_MSS_MIN) {
		snprintf(why, whylen, "MSS %u is below %u", c->mss, E1K_TSO_MSS_MIN);
		return -EINVAL;
	}
	if ((size_t)c->hdrlen + c->mss > frame_max) {
		snprintf(why, whylen, "HDRLEN %u + MSS %u passes the %zu-byte frame", c->hdrlen,
			 c->mss, frame_max);
		return -EINVAL;
	}
	if (c->paylen == 0 || c->paylen > E1K_TSO_PAYLOAD_MAX) {
		snprintf(why, whylen, "PAYLEN %u is not 1 to %u", c->paylen, E1K_TSO_PAYLOAD_MAX);
		return -EINVAL;
	}
	return tso_check_offsets(c, popts, why, whylen);
}

unsigned e1k_tso_segments(const struct e1k_txctx *c)
{
	return (unsigned)((c->paylen + c->mss - 1u) / c->mss);
}

/* IPv4: total length, identification + i, the header checksum (IXSM) over a zeroed field
 * from IPCSS to IPCSE (IPCSE 0: up to TUCSS, the header, never the payload).
 * IPv6: payload length (extension headers, if any, count in it). */
static void tso_fix_ip(const struct e1k_txctx *c, uint8_t popts, uint8_t *seg, size_t len,
		       unsigned i)
{
	uint8_t *ip = seg + c->ipcss;

	if (!is_ipv4(c)) {
		put_be16(ip + 4, (uint32_t)(len - c->ipcss - IPV6_HDR));
		return;
	}
	put_be16(ip + 2, (uint32_t)(len - c->ipcss));
	put_be16(ip + 4, be16(ip + 4) + i);
	if (popts & E1K_POPTS_IXSM) {
		put_be16(seg + c->ipcso, 0);
		e1k_csum_insert(seg, c->hdrlen, c->ipcss, c->ipcse ? c->ipcse : c->tucss - 1u,
				c->ipcso, 0);
	}
}

/* TCP: sequence number + off, flags, the checksum (TXSM) with the TCP length added to the
 * driver's pseudo-header seed. */
static void tso_fix_tcp(const struct e1k_txctx *c, uint8_t popts, uint8_t *seg, size_t len,
			unsigned i, uint32_t off, bool last)
{
	uint8_t *th = seg + c->tucss;

	put_be32(th + 4, be32(th + 4) + off);
	if (!last)
		th[13] &= (uint8_t) ~(TCP_FIN | TCP_PSH);
	if (i > 0)
		th[13] &= (uint8_t)~TCP_CWR;
	if (popts & E1K_POPTS_TXSM)
		e1k_csum_insert(seg, len, c->tucss, c->tucse, c->tucso, (uint32_t)(len - c->tucss));
}

size_t e1k_tso_segment(const struct e1k_txctx *c, uint8_t popts, const uint8_t *pkt, unsigned i,
		       uint8_t *seg)
{
	uint32_t off = i * (uint32_t)c->mss,
		 n = c->paylen - off < c->mss ? c->paylen - off : c->mss;
	size_t len = (size_t)c->hdrlen + n;

	memcpy(seg, pkt, c->hdrlen);
	memcpy(seg + c->hdrlen, pkt + c->hdrlen + off, n);
	tso_fix_ip(c, popts, seg, len, i);
	tso_fix_tcp(c, popts, seg, len, i, off, off + n == c->paylen);
	return len;
}
