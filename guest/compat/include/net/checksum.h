/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <net/checksum.h>, the Internet checksum (RFC 1071) and the TCP/UDP
 * pseudo-header sums (RFC 793, 8200) drivers seed for checksum offload. */
#ifndef _IK_NET_CHECKSUM_H
#define _IK_NET_CHECKSUM_H

#include <asm/byteorder.h>
#include <linux/in6.h>
#include <linux/types.h>

static inline __sum16 csum_fold(__wsum csum)
{
	u32 sum = (u32)csum;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__sum16)~sum;
}

static inline __wsum csum_add(__wsum csum, __wsum addend)
{
	u32 res = (u32)csum + (u32)addend;

	return (__wsum)(res + (res < (u32)addend));
}

/* The sum of the IPv4 pseudo header, not folded (network-order words summed as stored). */
static inline __wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, __u32 len, __u8 proto,
					__wsum sum)
{
	u64 s = (u64)(u32)sum + (u32)saddr + (u32)daddr + (u32)cpu_to_be16((u16)len) +
		(u32)cpu_to_be16(proto);

	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return (__wsum)s;
}

static inline __sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, __u32 len, __u8 proto,
					__wsum sum)
{
	return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

#endif
