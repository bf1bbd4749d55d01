/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/ip.h>, the IPv4 header (RFC 791) and where it is in an skb. */
#ifndef _IK_LINUX_IP_H
#define _IK_LINUX_IP_H

#include <linux/skbuff.h>
#include <linux/types.h>

struct iphdr {
	__u8 ihl : 4, version : 4; /* little-endian bit order */
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};

static inline struct iphdr *ip_hdr(const struct sk_buff *skb)
{
	return (struct iphdr *)skb_network_header(skb);
}

#endif
