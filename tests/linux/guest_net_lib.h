// SPDX-License-Identifier: MIT
/*
 * What the NIC drivers' guest tests share (guest_net.c, guest_e1000.c): frames made with a
 * pattern, sent through dev_queue_xmit (retried while flow control holds the queue), and the
 * last frame netif_rx delivered (rx_hook), waited for and compared. Include once per program.
 */
#ifndef IK_GUEST_NET_LIB_H
#define IK_GUEST_NET_LIB_H

#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>

#include "guest_test.h"

static struct {
	struct net_device *dev;
	unsigned int len;
	u8 data[ETH_FRAME_LEN];
	unsigned int count;
} last;

/* netif_rx's receiver: keep the last frame (the hook owns the skb). */
static void rx_hook(struct net_device *dev, struct sk_buff *skb)
{
	last.dev = dev;
	last.len = skb->len < sizeof(last.data) ? skb->len : sizeof(last.data);
	memcpy(last.data, skb->data, last.len);
	last.count++;
	kfree_skb(skb);
}

static void make_frame(u8 *f, const u8 *dst, const u8 *src, unsigned int len, u8 seed)
{
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = 0x08;
	f[13] = 0x00;
	for (unsigned int i = 14; i < len; i++)
		f[i] = (u8)(seed + i);
}

static void send(struct net_device *dev, const u8 *f, unsigned int len)
{
	for (int tries = 0; tries < 1000; tries++) {
		struct sk_buff *skb = alloc_skb(len + ETH_ZLEN, GFP_KERNEL);

		GUEST_ASSERT(skb != NULL);
		skb_put_data(skb, f, len);
		skb->dev = dev;
		if (dev_queue_xmit(skb) == NETDEV_TX_OK)
			return;
		kfree_skb(skb); /* queue stopped: flow control, try again once it drains */
		msleep(1);
	}
	GUEST_ASSERT(!"the transmit queue never woke");
}

/* Wait up to 2 s for frame number `count` to arrive. */
static bool arrived(unsigned int count)
{
	for (int i = 0; i < 10000 && last.count < count; i++) /* 10 s: a loaded host is slow */
		msleep(1);
	return last.count >= count;
}

static void expect_frame(struct net_device *to, const u8 *f, unsigned int len)
{
	GUEST_ASSERT(last.dev == to);
	GUEST_ASSERT_EQ(last.len, len < ETH_ZLEN ? ETH_ZLEN : len);
	GUEST_ASSERT(memcmp(last.data, f, len) == 0);
}

static void cross(struct net_device *from, struct net_device *to, const u8 *f, unsigned int len)
{
	unsigned int before = last.count;

	send(from, f, len);
	GUEST_ASSERT(arrived(before + 1));
	expect_frame(to, f, len);
}

static void not_received(struct net_device *from, const u8 *f, unsigned int len)
{
	unsigned int before = last.count;

	send(from, f, len);
	msleep(200);
	GUEST_ASSERT_EQ(last.count, before);
}

#endif
