/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/etherdevice.h>, Ethernet devices and addresses. */
#ifndef _IK_LINUX_ETHERDEVICE_H
#define _IK_LINUX_ETHERDEVICE_H

#include <linux/crc32.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/string.h>

struct sockaddr {
	unsigned short sa_family;
	char sa_data[14];
};

void ether_setup(struct net_device *dev);
struct net_device *alloc_etherdev_mqs(int sizeof_priv, unsigned int txqs, unsigned int rxqs);
#define alloc_etherdev(sizeof_priv) alloc_etherdev_mqs(sizeof_priv, 1, 1)
/* Set skb->dev and pkt_type, pull the Ethernet header, return the protocol (network order). */
__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);
int eth_mac_addr(struct net_device *dev, void *p);
int eth_validate_addr(struct net_device *dev);

static inline bool is_zero_ether_addr(const u8 *addr)
{
	return !(addr[0] | addr[1] | addr[2] | addr[3] | addr[4] | addr[5]);
}
static inline bool is_multicast_ether_addr(const u8 *addr)
{
	return addr[0] & 0x01;
}
static inline bool is_broadcast_ether_addr(const u8 *addr)
{
	return (addr[0] & addr[1] & addr[2] & addr[3] & addr[4] & addr[5]) == 0xff;
}
static inline bool is_unicast_ether_addr(const u8 *addr)
{
	return !is_multicast_ether_addr(addr);
}
static inline bool is_valid_ether_addr(const u8 *addr)
{
	return !is_multicast_ether_addr(addr) && !is_zero_ether_addr(addr);
}
static inline bool ether_addr_equal(const u8 *a, const u8 *b)
{
	return !memcmp(a, b, ETH_ALEN);
}
static inline void ether_addr_copy(u8 *dst, const u8 *src)
{
	memcpy(dst, src, ETH_ALEN);
}
static inline void eth_broadcast_addr(u8 *addr)
{
	memset(addr, 0xff, ETH_ALEN);
}
static inline void eth_zero_addr(u8 *addr)
{
	memset(addr, 0, ETH_ALEN);
}
static inline void eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
	memcpy(dev->dev_addr, addr, ETH_ALEN);
}
static inline struct ethhdr *eth_hdr(const struct sk_buff *skb)
{
	return (struct ethhdr *)skb_mac_header(skb);
}

#endif
