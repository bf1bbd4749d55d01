/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <net/ip6_checksum.h>, the IPv6 pseudo-header sum (RFC 8200 8.1). */
#ifndef _IK_NET_IP6_CHECKSUM_H
#define _IK_NET_IP6_CHECKSUM_H

#include <net/checksum.h>

static inline __sum16 csum_ipv6_magic(const struct in6_addr *saddr, const struct in6_addr *daddr,
				      __u32 len, __u8 proto, __wsum csum)
{
	u64 s = (u32)csum;

	for (int i = 0; i < 4; i++)
		s += (u64)(u32)saddr->in6_u.u6_addr32[i] + (u32)daddr->in6_u.u6_addr32[i];
	s += (u32)cpu_to_be32(len) + (u32)cpu_to_be32(proto);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return csum_fold((__wsum)s);
}

#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>

/* A TSO frame over IPv6: the payload length left to the card, the pseudo-header sum seeded. */
static inline void tcp_v6_gso_csum_prep(struct sk_buff *skb)
{
	struct ipv6hdr *ipv6h = ipv6_hdr(skb);

	ipv6h->payload_len = 0;
	tcp_hdr(skb)->check = (__sum16)~csum_ipv6_magic(&ipv6h->saddr, &ipv6h->daddr, 0,
							 IPPROTO_TCP, 0);
}

#endif
