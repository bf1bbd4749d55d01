// SPDX-License-Identifier: MIT
/*
 * Linked into build/tests/linux/e1000-test.img with Linux's e1000 driver (e1000_main.c,
 * e1000_hw.c, e1000_ethtool.c, e1000_param.c, untouched) and run after its module init: two
 * 82540EM cards found on the PCI bus (run_guest_e1000.sh grants them as e1000@pci with MACs
 * 02:00:00:00:00:0a and :0b and one socket wire between them). The driver probed both (EEPROM
 * checksum and MAC, PHY), brings them up (rings by DMA, NAPI, the link by its watchdog), and
 * frames cross the wire both ways: ARP-size (padded to 60), full-size, a broadcast, bursts
 * without waiting (larger than a NAPI budget); its receive filter drops another station's
 * frames until promiscuous.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>

#include "guest_net_lib.h"
#include "guest_test.h"

static const u8 mac_a[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
static const u8 mac_b[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};

/* The driver's watchdog (delayed work) sees the link and turns the carrier on. */
static bool carrier_up(struct net_device *dev)
{
	for (int i = 0; i < 5000 && !netif_carrier_ok(dev); i++)
		msleep(1);
	return netif_carrier_ok(dev);
}

/* n frames of len bytes from `from`, sent without waiting for each: all must arrive. */
static void burst(struct net_device *from, struct net_device *to, const u8 *dst, const u8 *src,
		  unsigned int n, unsigned int len)
{
	static u8 f[ETH_FRAME_LEN];
	unsigned int before = last.count;

	for (unsigned int i = 0; i < n; i++) {
		make_frame(f, dst, src, len, (u8)i);
		send(from, f, len);
	}
	GUEST_ASSERT(arrived(before + n));
	GUEST_ASSERT_EQ(last.count, before + n);
	expect_frame(to, f, len);
}

int ik_guest_test(void)
{
	static const u8 other[ETH_ALEN] = {0x02, 0x99, 0x99, 0x99, 0x99, 0x99};
	static const u8 all[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct net_device *a = ik_netdev_at(0), *b = ik_netdev_at(1);
	static u8 f[ETH_FRAME_LEN];
	unsigned long sent;

	/* e1000_probe bound both PCI functions and registered them with the EEPROM's addresses */
	GUEST_ASSERT(a && b && !ik_netdev_at(2));
	GUEST_ASSERT_STR(a->name, "eth0");
	GUEST_ASSERT_STR(b->name, "eth1");
	GUEST_ASSERT(ether_addr_equal(a->dev_addr, mac_a));
	GUEST_ASSERT(ether_addr_equal(b->dev_addr, mac_b));

	ik_netif_rx_set_hook(rx_hook);
	GUEST_ASSERT_EQ(dev_open(a), 0);
	GUEST_ASSERT_EQ(dev_open(b), 0);
	GUEST_ASSERT(carrier_up(a) && carrier_up(b));

	/* ARP-size each way (padded to 60), full-size, a broadcast */
	make_frame(f, mac_b, mac_a, 42, 1);
	cross(a, b, f, 42);
	make_frame(f, mac_a, mac_b, 42, 2);
	cross(b, a, f, 42);
	make_frame(f, mac_b, mac_a, ETH_FRAME_LEN, 3);
	cross(a, b, f, ETH_FRAME_LEN);
	make_frame(f, mac_a, mac_b, ETH_FRAME_LEN, 4);
	cross(b, a, f, ETH_FRAME_LEN);
	make_frame(f, all, mac_a, 100, 5);
	cross(a, b, f, 100);

	/* every size once, each waited for */
	for (unsigned int i = 0; i < 100; i++) {
		unsigned int len = 60 + (i * 37) % (ETH_FRAME_LEN - 60);

		make_frame(f, mac_b, mac_a, len, (u8)i);
		cross(a, b, f, len);
	}
	/* bursts without waiting: small frames past a NAPI budget (64), full-size ones up to what
	 * the socket cable queues (a full cable drops frames, as a real one does: ~200 KB) */
	burst(a, b, mac_b, mac_a, 150, 60);
	burst(b, a, mac_a, mac_b, 150, 60);
	burst(b, a, mac_a, mac_b, 60, ETH_FRAME_LEN);

	/* the receive filter: another station's frame is dropped by the card ... */
	make_frame(f, other, mac_a, 100, 6);
	not_received(a, f, 100);
	/* ... until eth1 is promiscuous (the driver sets RCTL.UPE) */
	dev_set_rx_flags(b, IFF_PROMISC);
	cross(a, b, f, 100);
	dev_set_rx_flags(b, 0);
	not_received(a, f, 100);

	sent = a->stats.tx_packets + b->stats.tx_packets;
	dev_close(a);
	dev_close(b);
	GUEST_ASSERT(!netif_running(a));
	pr_info("net: eth0 <-> eth1 through e1000: %lu frames sent, %u received\n", sent,
		last.count);
	return 0;
}
