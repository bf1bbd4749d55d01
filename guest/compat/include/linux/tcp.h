/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/tcp.h>, the TCP header (RFC 793) and where it is in an skb. */
#ifndef _IK_LINUX_TCP_H
#define _IK_LINUX_TCP_H

#include <linux/skbuff.h>
#include <linux/types.h>

struct tcphdr {
	__be16 source;
	__be16 dest;
	__be32 seq;
	__be32 ack_seq;
	__u16 res1 : 4, doff : 4, fin : 1, syn : 1, rst : 1, psh : 1, ack : 1, urg : 1, ece : 1,
		cwr : 1; /* little-endian bit order */
	__be16 window;
	__sum16 check;
	__be16 urg_ptr;
};

static inline struct tcphdr *tcp_hdr(const struct sk_buff *skb)
{
	return (struct tcphdr *)skb_transport_header(skb);
}

static inline unsigned int tcp_hdrlen(const struct sk_buff *skb)
{
	return tcp_hdr(skb)->doff * 4u;
}

/* The headers up to and including TCP's (a TSO frame's header). */
static inline int skb_tcp_all_headers(const struct sk_buff *skb)
{
	return skb_transport_offset(skb) + (int)tcp_hdrlen(skb);
}

#endif
