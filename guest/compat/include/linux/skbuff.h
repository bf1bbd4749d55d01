/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/skbuff.h>, socket buffers as NIC drivers use them: one linear
 * buffer [head, end) with data and tail inside it (no fragments, no sharing, no clones: the
 * host's stack does the rest). The layout rules are Linux's: head <= data <= tail <= end;
 * skb_put/skb_push past the buffer is a bug (BUG(), which ends the driver with a report), as
 * in Linux.
 */
#ifndef _IK_LINUX_SKBUFF_H
#define _IK_LINUX_SKBUFF_H

#include <asm/byteorder.h>
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/string.h>
#include <linux/types.h>

struct net_device;

/* skb->pkt_type (eth_type_trans) */
#define PACKET_HOST      0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3
#define PACKET_OUTGOING  4

#define NET_SKB_PAD   64 /* headroom of a receive buffer */
#define NET_IP_ALIGN  2

struct sk_buff {
	struct sk_buff *next, *prev; /* for a driver's own queues */
	struct net_device *dev;
	unsigned int len;            /* bytes of data: tail - data */
	__be16 protocol;
	u8 pkt_type;
	u16 queue_mapping;
	u32 priority;
	unsigned char *head, *data, *tail, *end;
	char cb[48];                 /* the driver's scratch space */
};

struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp);
struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int len, gfp_t gfp);
void kfree_skb(struct sk_buff *skb);
void consume_skb(struct sk_buff *skb);
/* Grow the data with zeroes to at least len bytes; frees the skb and returns -ENOMEM when it
 * cannot (Linux's rule: the caller must not touch it then). */
int skb_padto(struct sk_buff *skb, unsigned int len);

static inline struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int len)
{
	return __netdev_alloc_skb(dev, len, GFP_ATOMIC);
}
static inline struct sk_buff *dev_alloc_skb(unsigned int len)
{
	return __netdev_alloc_skb(NULL, len, GFP_ATOMIC);
}
static inline struct sk_buff *netdev_alloc_skb_ip_align(struct net_device *dev, unsigned int len)
{
	return __netdev_alloc_skb(dev, len, GFP_ATOMIC); /* already NET_SKB_PAD + aligned */
}

#define dev_kfree_skb(skb) consume_skb(skb)
#define dev_kfree_skb_any(skb) consume_skb(skb)
#define dev_kfree_skb_irq(skb) consume_skb(skb)
#define dev_consume_skb_any(skb) consume_skb(skb)
#define dev_consume_skb_irq(skb) consume_skb(skb)
#define __dev_kfree_skb_any(skb, reason) consume_skb(skb)

static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
	return (unsigned int)(skb->data - skb->head);
}

static inline int skb_tailroom(const struct sk_buff *skb)
{
	return (int)(skb->end - skb->tail);
}

static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->tail;
}

static inline void skb_reserve(struct sk_buff *skb, int len)
{
	BUG_ON(len > skb_tailroom(skb) || (len < 0 && -len > (int)skb_headroom(skb)));
	skb->data += len;
	skb->tail += len;
}

static inline void *skb_put(struct sk_buff *skb, unsigned int len)
{
	unsigned char *old = skb->tail;

	BUG_ON(len > (unsigned int)skb_tailroom(skb));
	skb->tail += len;
	skb->len += len;
	return old;
}

static inline void *skb_put_zero(struct sk_buff *skb, unsigned int len)
{
	return memset(skb_put(skb, len), 0, len);
}

static inline void *skb_put_data(struct sk_buff *skb, const void *data, unsigned int len)
{
	return memcpy(skb_put(skb, len), data, len);
}

static inline void *skb_push(struct sk_buff *skb, unsigned int len)
{
	BUG_ON(len > skb_headroom(skb));
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

static inline void *skb_pull(struct sk_buff *skb, unsigned int len)
{
	if (len > skb->len)
		return NULL;
	skb->data += len;
	skb->len -= len;
	return skb->data;
}

static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len) {
		skb->len = len;
		skb->tail = skb->data + len;
	}
}

static inline void skb_copy_to_linear_data(struct sk_buff *skb, const void *from, unsigned int len)
{
	memcpy(skb->data, from, len);
}

static inline void skb_copy_from_linear_data(const struct sk_buff *skb, void *to, unsigned int len)
{
	memcpy(to, skb->data, len);
}

static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
	return skb->data;
}

static inline void skb_tx_timestamp(struct sk_buff *skb) { (void)skb; }
static inline bool skb_defer_rx_timestamp(struct sk_buff *skb) { (void)skb; return false; }
static inline void skb_checksum_none_assert(const struct sk_buff *skb) { (void)skb; }
static inline u16 skb_get_queue_mapping(const struct sk_buff *skb) { return skb->queue_mapping; }

#endif
