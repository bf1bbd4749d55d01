// SPDX-License-Identifier: MIT
/* The compat layer's network core without a driver (guest/compat/lib/netdev.c, skbuff.c,
 * ethernet.c, crc32.c, platform.c, irq_probe.c): CRC-32 and the Ethernet hash, skb layout
 * rules, eth_type_trans, net_device registration and naming, eth_mac_addr, open/xmit/flow
 * control/netif_rx hooks, platform devices, and IRQ auto-probe against testdev (a write of v
 * to its port 0 raises line v). Needs --device testdev@0x500. */
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/platform_device.h>
#include <linux/skbuff.h>
#include <linux/string.h>

#include "guest_test.h"

static unsigned int xmits, rx_frames, wakes;
static bool busy;

static netdev_tx_t fake_xmit(struct sk_buff *skb, struct net_device *dev)
{
	xmits++;
	dev->stats.tx_packets++;
	if (busy)
		netif_stop_queue(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops fake_ops = {
	.ndo_start_xmit = fake_xmit,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_set_mac_address = eth_mac_addr,
};

static void rx_hook(struct net_device *dev, struct sk_buff *skb)
{
	(void)dev;
	/* the hook sees the frame from its Ethernet header */
	GUEST_ASSERT(is_broadcast_ether_addr(skb->data));
	GUEST_ASSERT_EQ(skb->len, 60);
	rx_frames++;
	kfree_skb(skb);
}

static void wake_hook(struct net_device *dev)
{
	(void)dev;
	wakes++;
}

static void test_crc(void)
{
	static const u8 check[] = "123456789";
	static const u8 group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

	GUEST_ASSERT_EQ(crc32_le(~0u, check, 9) ^ ~0u, 0xcbf43926u); /* the CRC-32 check value */
	GUEST_ASSERT_EQ(crc32_be(~0u, check, 9) ^ ~0u, 0xfc891918u); /* CRC-32/BZIP2 */
	GUEST_ASSERT_EQ(bitrev32(0x00000001u), 0x80000000u);
	GUEST_ASSERT_EQ(bitrev8(0x12), 0x48);
	GUEST_ASSERT_EQ(ether_crc(6, group) >> 26, 31); /* the DP8390 hash bit of 01:00:5e:00:00:01 */
}

static void test_skb(void)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);
	u8 *p;

	GUEST_ASSERT(skb != NULL);
	skb_reserve(skb, 16);
	GUEST_ASSERT_EQ(skb_headroom(skb), 16);
	GUEST_ASSERT_EQ(skb_tailroom(skb), 112);
	p = skb_put(skb, 20);
	memset(p, 0xab, 20);
	GUEST_ASSERT_EQ(skb->len, 20);
	p = skb_push(skb, 4);
	GUEST_ASSERT(p == skb->data);
	GUEST_ASSERT_EQ(skb->len, 24);
	GUEST_ASSERT(skb_pull(skb, 4) != NULL);
	GUEST_ASSERT(skb_pull(skb, 100) == NULL); /* more than it holds: refused */
	GUEST_ASSERT_EQ(skb_padto(skb, 60), 0);
	GUEST_ASSERT_EQ(skb->len, 60);
	GUEST_ASSERT_EQ(skb->data[59], 0);
	GUEST_ASSERT_EQ(skb->data[0], 0xab);
	kfree_skb(skb);
	/* no room to pad: freed and refused, as Linux's skb_padto (alloc_skb's room is its size
	 * rounded up to SKB_DATA_ALIGN, as in Linux) */
	skb = alloc_skb(10, GFP_KERNEL);
	skb_put(skb, 10);
	GUEST_ASSERT_EQ(skb_tailroom(skb), SKB_DATA_ALIGN(10) - 10);
	GUEST_ASSERT_EQ(skb_padto(skb, 100), -ENOMEM);
	GUEST_ASSERT(alloc_skb(1u << 20, GFP_KERNEL) == NULL);
}

static struct sk_buff *frame_to(struct net_device *dev, const u8 *dst, u16 proto)
{
	struct sk_buff *skb = netdev_alloc_skb(dev, 64);
	struct ethhdr *h = skb_put_zero(skb, 60);

	memcpy(h->h_dest, dst, ETH_ALEN);
	memcpy(h->h_source, dev->dev_addr, ETH_ALEN);
	h->h_proto = htons(proto);
	return skb;
}

static void test_netdev(void)
{
	static const u8 mac[6] = {0x02, 1, 2, 3, 4, 5};
	static const u8 all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const u8 group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	struct net_device *dev = alloc_etherdev(64), *dev2 = alloc_etherdev(0);
	struct sockaddr sa = {0};
	struct sk_buff *skb;

	GUEST_ASSERT(dev && dev2);
	GUEST_ASSERT(((uintptr_t)netdev_priv(dev) & 15) == 0);
	GUEST_ASSERT_EQ(dev->mtu, 1500);
	GUEST_ASSERT_EQ(dev->flags, IFF_BROADCAST | IFF_MULTICAST);
	dev->netdev_ops = &fake_ops;
	dev2->netdev_ops = &fake_ops;
	GUEST_ASSERT_EQ(eth_validate_addr(dev), -EADDRNOTAVAIL); /* all zero */
	eth_hw_addr_set(dev, mac);
	GUEST_ASSERT_EQ(register_netdev(dev), 0);
	GUEST_ASSERT_EQ(register_netdev(dev2), 0);
	GUEST_ASSERT_STR(dev->name, "eth0");
	GUEST_ASSERT_STR(dev2->name, "eth1");
	GUEST_ASSERT(ik_netdev_at(0) == dev && ik_netdev_at(1) == dev2 && !ik_netdev_at(2));
	GUEST_ASSERT_EQ(dev_open(dev2), -EADDRNOTAVAIL); /* no address: refused */

	/* eth_type_trans: protocol in network order, pkt_type by destination */
	skb = frame_to(dev, mac, ETH_P_IP);
	GUEST_ASSERT_EQ(eth_type_trans(skb, dev), htons(ETH_P_IP));
	GUEST_ASSERT_EQ(skb->pkt_type, PACKET_HOST);
	GUEST_ASSERT_EQ(skb->len, 60 - ETH_HLEN);
	kfree_skb(skb);
	skb = frame_to(dev, group, ETH_P_ARP);
	eth_type_trans(skb, dev);
	GUEST_ASSERT_EQ(skb->pkt_type, PACKET_MULTICAST);
	kfree_skb(skb);
	skb = frame_to(dev, all, 46); /* an 802.3 length, not a type */
	GUEST_ASSERT_EQ(eth_type_trans(skb, dev), htons(ETH_P_802_2));
	GUEST_ASSERT_EQ(skb->pkt_type, PACKET_BROADCAST);

	/* netif_rx: without a hook the frame is dropped and counted; with one it gets it */
	GUEST_ASSERT_EQ(netif_rx(skb), NET_RX_DROP);
	GUEST_ASSERT_EQ(dev->stats.rx_dropped, 1);
	ik_netif_rx_set_hook(rx_hook);
	skb = frame_to(dev, all, ETH_P_IP);
	skb->protocol = eth_type_trans(skb, dev);
	GUEST_ASSERT_EQ(netif_rx(skb), NET_RX_SUCCESS);
	GUEST_ASSERT_EQ(rx_frames, 1);

	/* open, transmit, flow control */
	ik_netif_wake_set_hook(wake_hook);
	skb = frame_to(dev, all, ETH_P_IP);
	skb->dev = dev;
	GUEST_ASSERT_EQ(dev_queue_xmit(skb), NETDEV_TX_OK); /* down: dropped, not sent */
	GUEST_ASSERT_EQ(xmits, 0);
	GUEST_ASSERT_EQ(dev_open(dev), 0);
	GUEST_ASSERT(netif_running(dev) && (dev->flags & IFF_UP));
	sa.sa_family = ARPHRD_ETHER;
	memcpy(sa.sa_data, mac, 6);
	GUEST_ASSERT_EQ(eth_mac_addr(dev, &sa), -EBUSY); /* running, no live change */
	busy = true;
	skb = frame_to(dev, all, ETH_P_IP);
	skb->dev = dev;
	GUEST_ASSERT_EQ(dev_queue_xmit(skb), NETDEV_TX_OK);
	GUEST_ASSERT(netif_queue_stopped(dev));
	skb = frame_to(dev, all, ETH_P_IP);
	skb->dev = dev;
	GUEST_ASSERT_EQ(dev_queue_xmit(skb), NETDEV_TX_BUSY); /* held back, still ours */
	netif_wake_queue(dev);
	GUEST_ASSERT_EQ(wakes, 1);
	busy = false;
	GUEST_ASSERT_EQ(dev_queue_xmit(skb), NETDEV_TX_OK);
	GUEST_ASSERT_EQ(xmits, 2);
	netif_wake_queue(dev); /* not stopped: no wake */
	GUEST_ASSERT_EQ(wakes, 1);
	GUEST_ASSERT_EQ(dev_mc_add(dev, group), 0);
	GUEST_ASSERT_EQ(dev_mc_add(dev, group), 0);
	GUEST_ASSERT_EQ(netdev_mc_count(dev), 1);
	dev_close(dev);
	GUEST_ASSERT(!netif_running(dev));
	sa.sa_data[0] = 1; /* multicast: not a station address */
	GUEST_ASSERT_EQ(eth_mac_addr(dev, &sa), -EADDRNOTAVAIL);
	unregister_netdev(dev);
	unregister_netdev(dev2);
	GUEST_ASSERT(ik_netdev_at(0) == NULL);
	free_netdev(dev);
	free_netdev(dev2);
}

static int probed, removed;

static int fake_probe(struct platform_device *pdev)
{
	if (pdev->id == 1)
		return -ENODEV;
	platform_set_drvdata(pdev, pdev);
	probed++;
	return 0;
}

static int fake_remove(struct platform_device *pdev)
{
	GUEST_ASSERT(platform_get_drvdata(pdev) == pdev);
	removed++;
	return 0;
}

static void test_platform(void)
{
	static struct platform_driver drv = {.remove = fake_remove, .driver = {.name = "fake"}};
	struct resource res[2] = {
		{.start = 0x300, .end = 0x31f, .flags = IORESOURCE_IO},
		{.start = 9, .end = 9, .flags = IORESOURCE_IRQ},
	};
	struct platform_device *a = platform_device_register_simple("fake", 0, res, 2);
	struct platform_device *b = platform_device_register_simple("fake", 1, NULL, 0);
	struct platform_device *c = platform_device_register_simple("other", 0, NULL, 0);

	GUEST_ASSERT(!IS_ERR(a) && !IS_ERR(b) && !IS_ERR(c));
	GUEST_ASSERT_EQ(platform_get_resource(a, IORESOURCE_IO, 0)->start, 0x300);
	GUEST_ASSERT(platform_get_resource(a, IORESOURCE_IO, 1) == NULL);
	GUEST_ASSERT_EQ(platform_get_irq(a, 0), 9);
	GUEST_ASSERT_EQ(platform_get_irq(b, 0), -ENXIO);
	GUEST_ASSERT(IS_ERR(platform_device_register_simple("many", 0, res, 9)));
	GUEST_ASSERT_EQ(platform_driver_probe(&drv, fake_probe), 0); /* a bound, b refused */
	GUEST_ASSERT_EQ(probed, 1);
	GUEST_ASSERT(platform_get_drvdata(b) == NULL);
	platform_driver_unregister(&drv);
	GUEST_ASSERT_EQ(removed, 1);
	GUEST_ASSERT(platform_get_drvdata(a) == NULL); /* forgotten after remove */
	platform_device_unregister(a);
	platform_device_unregister(b);
	platform_device_unregister(c);
	static struct platform_driver none = {.driver = {.name = "nothing"}};
	GUEST_ASSERT_EQ(platform_driver_probe(&none, fake_probe), -ENODEV);
}

static int irqs_seen;

static irqreturn_t count_irq(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	irqs_seen++;
	return IRQ_HANDLED;
}

/* An interrupt raised while its line is disabled is delivered by enable_irq (an ISA line is an
 * edge: the device will not raise it again while its condition stays set). */
static void test_irq_pending(void)
{
	GUEST_ASSERT(request_region(0x500, 8, "testdev") != NULL);
	GUEST_ASSERT_EQ(request_irq(6, count_irq, 0, "netcore", &irqs_seen), 0);
	disable_irq(6);
	outb(6, 0x500);
	msleep(5);
	GUEST_ASSERT_EQ(irqs_seen, 0);
	enable_irq(6);
	GUEST_ASSERT_EQ(irqs_seen, 1);
	enable_irq(6); /* unbalanced: warned, nothing delivered again */
	GUEST_ASSERT_EQ(irqs_seen, 1);
	free_irq(6, &irqs_seen);
	release_region(0x500, 8);
}

static void test_irq_probe(void)
{
	unsigned long cookie;

	GUEST_ASSERT(request_region(0x500, 8, "testdev") != NULL);
	cookie = probe_irq_on();
	outb(5, 0x500); /* testdev raises line 5 */
	mdelay(10);
	GUEST_ASSERT_EQ(probe_irq_off(cookie), 5);
	cookie = probe_irq_on();
	GUEST_ASSERT_EQ(probe_irq_off(cookie), 0); /* nothing fired */
	cookie = probe_irq_on();
	outb(5, 0x500);
	outb(7, 0x500);
	mdelay(10);
	GUEST_ASSERT_EQ(probe_irq_off(cookie), -5); /* several: minus the first */
	release_region(0x500, 8);
}

int ik_guest_test(void)
{
	test_crc();
	test_skb();
	test_netdev();
	test_platform();
	test_irq_pending();
	test_irq_probe();
	return 0;
}
