// SPDX-License-Identifier: MIT
/*
 * Linked into build/drivers/linux/ne2000-test.img with ne.c + 8390p.c (untouched) and run after
 * their module init: two NE2000 cards on one virtual cable (run_guest_net.sh grants them: eth0
 * at 0x300 irq 9, eth1 at 0x320 irq 10, a socket wire between them). Linked the same way into
 * ne2k_pci-test.img with ne2k-pci.c + 8390.c: the cards are then RTL8029 PCI functions
 * (ne2000@pci) the driver found by PCI enumeration, at the I/O BARs and INTx lines the monitor
 * assigned (slots 1 and 2: 0xc000 line 16, 0xc100 line 17). The driver probed both
 * (PROM MACs, IRQs); frames sent through eth0's ndo_start_xmit cross the wire and reach eth1's
 * netif_rx intact, and back; the address filter follows the driver's rx mode (broadcast,
 * another station, a multicast group joined, promiscuous); a burst respects flow control.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>

#include "guest_net_lib.h"
#include "guest_test.h"

#define BURST 24 /* frames sent back to back: past the two transmit slots, well within the ring */

static const u8 mac_a[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
static const u8 mac_b[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};

int ik_guest_test(void)
{
	static const u8 other[ETH_ALEN] = {0x02, 0x99, 0x99, 0x99, 0x99, 0x99};
	static const u8 group[ETH_ALEN] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const u8 all[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct net_device *a = ik_netdev_at(0), *b = ik_netdev_at(1);
	static u8 f[ETH_FRAME_LEN];

	/* ne.c probed both cards from io=/irq= and registered them with the PROM's addresses */
	GUEST_ASSERT(a && b && !ik_netdev_at(2));
	GUEST_ASSERT_STR(a->name, "eth0");
	GUEST_ASSERT_STR(b->name, "eth1");
	if (strstr(ik_bootinfo()->name, "pci")) { /* ne2k_pci-test: found on the PCI bus */
		GUEST_ASSERT_EQ(a->base_addr, 0xc000);
		GUEST_ASSERT_EQ(b->base_addr, 0xc100);
		GUEST_ASSERT_EQ(a->irq, 16);
		GUEST_ASSERT_EQ(b->irq, 17);
	} else {
		GUEST_ASSERT_EQ(a->base_addr, 0x300);
		GUEST_ASSERT_EQ(b->base_addr, 0x320);
		GUEST_ASSERT_EQ(a->irq, 9);
		GUEST_ASSERT_EQ(b->irq, 10);
	}
	GUEST_ASSERT(ether_addr_equal(a->dev_addr, mac_a));
	GUEST_ASSERT(ether_addr_equal(b->dev_addr, mac_b));

	ik_netif_rx_set_hook(rx_hook);
	GUEST_ASSERT_EQ(dev_open(a), 0);
	GUEST_ASSERT_EQ(dev_open(b), 0);
	GUEST_ASSERT(netif_running(a) && !netif_queue_stopped(a));

	/* a full-size frame each way, a short one padded to 60, a broadcast */
	make_frame(f, mac_b, mac_a, ETH_FRAME_LEN, 1);
	cross(a, b, f, ETH_FRAME_LEN);
	make_frame(f, mac_a, mac_b, 42, 2);
	cross(b, a, f, 42);
	make_frame(f, all, mac_a, 100, 3);
	cross(a, b, f, 100);

	/* the filter: another station's frame and an unjoined group are not taken ... */
	make_frame(f, other, mac_a, 100, 4);
	not_received(a, f, 100);
	make_frame(f, group, mac_a, 100, 5);
	not_received(a, f, 100);
	/* ... until eth1 joins the group (the driver's multicast hash), or goes promiscuous */
	GUEST_ASSERT_EQ(dev_mc_add(b, group), 0);
	cross(a, b, f, 100);
	dev_set_rx_flags(b, IFF_PROMISC);
	make_frame(f, other, mac_a, 100, 6);
	cross(a, b, f, 100);
	dev_set_rx_flags(b, 0);
	not_received(a, f, 100);

	/* 200 frames of every size, each waited for */
	for (unsigned int i = 0; i < 200; i++) {
		unsigned int before = last.count;

		make_frame(f, mac_b, mac_a, 60 + (i * 37) % (ETH_FRAME_LEN - 60), (u8)i);
		send(a, f, 60 + (i * 37) % (ETH_FRAME_LEN - 60));
		GUEST_ASSERT(arrived(before + 1));
		expect_frame(b, f, 60 + (i * 37) % (ETH_FRAME_LEN - 60));
	}
	/* a burst without waiting: the driver's two transmit slots fill, its queue stops
	 * (dev_queue_xmit says busy) and wakes; every frame it accepted arrives (small frames:
	 * the 51-page receive ring holds them all, with room to spare for a receiver that a
	 * loaded host runs late: a card drops what its ring cannot hold) */
	{
		unsigned int before = last.count;

		for (unsigned int i = 0; i < BURST; i++) {
			make_frame(f, mac_b, mac_a, 60, (u8)(100 + i));
			send(a, f, 60);
		}
		GUEST_ASSERT(arrived(before + BURST));
		expect_frame(b, f, 60);
	}
	GUEST_ASSERT_EQ(a->stats.tx_packets, 7 + 200 + BURST); /* 7 single frames, 200, the burst */
	GUEST_ASSERT_EQ(b->stats.rx_packets, 4 + 200 + BURST); /* all but the 3 filtered out */
	GUEST_ASSERT_EQ(b->stats.rx_errors, 0);

	dev_close(a);
	dev_close(b);
	GUEST_ASSERT(!netif_running(a));
	pr_info("net: eth0 -> eth1 and back through %s: %lu frames sent, %lu received\n",
		strstr(ik_bootinfo()->name, "pci") ? "ne2k-pci.c" : "ne.c",
		a->stats.tx_packets + b->stats.tx_packets, a->stats.rx_packets + b->stats.rx_packets);
	return 0;
}
