/* SPDX-License-Identifier: MIT */
/* Socket buffers (<linux/skbuff.h>): one kmalloc'd block holding the struct and its linear data,
 * so an skb is one allocation and one free. */
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#define SKB_DATA_MAX (64u * 1024u) /* no frame of a NIC driver is larger */

struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp)
{
	struct sk_buff *skb;

	if (size > SKB_DATA_MAX)
		return NULL;
	skb = kzalloc(sizeof(*skb) + size, gfp);
	if (!skb)
		return NULL;
	skb->head = skb->data = skb->tail = (unsigned char *)(skb + 1);
	skb->end = skb->head + size;
	return skb;
}

/* A receive buffer: NET_SKB_PAD of headroom, then len bytes of room. */
struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int len, gfp_t gfp)
{
	struct sk_buff *skb;

	if (len > SKB_DATA_MAX - NET_SKB_PAD)
		return NULL;
	skb = alloc_skb(len + NET_SKB_PAD, gfp);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD);
	skb->dev = dev;
	return skb;
}

void kfree_skb(struct sk_buff *skb)
{
	kfree(skb);
}

void consume_skb(struct sk_buff *skb)
{
	kfree(skb);
}

int skb_padto(struct sk_buff *skb, unsigned int len)
{
	unsigned int pad;

	if (skb->len >= len)
		return 0;
	pad = len - skb->len;
	if ((unsigned int)skb_tailroom(skb) < pad) {
		/* Linux reallocates here; our transmit buffers are sized with room for ETH_ZLEN,
		 * so a buffer without it came from elsewhere: refuse it as Linux does on failure */
		kfree_skb(skb);
		return -ENOMEM;
	}
	memset(skb->tail, 0, pad);
	skb_put(skb, pad);
	return 0;
}
