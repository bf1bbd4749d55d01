/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/ipv6.h>, the IPv6 header (RFC 8200) and where it is in an skb. */
#ifndef _IK_LINUX_IPV6_H
#define _IK_LINUX_IPV6_H

#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct ipv6hdr {
	__u8 priority : 4, version : 4; /* little-endian bit order */
	__u8 flow_lbl[3];
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	struct in6_addr saddr;
	struct in6_addr daddr;
};

static inline struct ipv6hdr *ipv6_hdr(const struct sk_buff *skb)
{
	return (struct ipv6hdr *)skb_network_header(skb);
}

#endif
