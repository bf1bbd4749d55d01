/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/if_vlan.h>: 802.1Q tags (IEEE 802.1Q) as drivers see them, the
 * tag an skb carries out of band (hardware-accelerated VLAN: skb->vlan_proto/vlan_tci). */
#ifndef _IK_LINUX_IF_VLAN_H
#define _IK_LINUX_IF_VLAN_H

#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#define VLAN_HLEN       4
#define VLAN_ETH_HLEN   18
#define VLAN_ETH_FRAME_LEN 1518
#define VLAN_PRIO_MASK  0xe000
#define VLAN_PRIO_SHIFT 13
#define VLAN_CFI_MASK   0x1000
#define VLAN_VID_MASK   0x0fff
#define VLAN_N_VID      4096

struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

struct vlan_ethhdr {
	unsigned char h_dest[ETH_ALEN];
	unsigned char h_source[ETH_ALEN];
	__be16 h_vlan_proto;
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

static inline bool skb_vlan_tag_present(const struct sk_buff *skb)
{
	return skb->vlan_proto != 0;
}

static inline u16 skb_vlan_tag_get(const struct sk_buff *skb)
{
	return skb->vlan_tci;
}

static inline u16 skb_vlan_tag_get_id(const struct sk_buff *skb)
{
	return skb->vlan_tci & VLAN_VID_MASK;
}

static inline void __vlan_hwaccel_put_tag(struct sk_buff *skb, __be16 vlan_proto, u16 vlan_tci)
{
	skb->vlan_proto = vlan_proto;
	skb->vlan_tci = vlan_tci;
}

static inline void __vlan_hwaccel_clear_tag(struct sk_buff *skb)
{
	skb->vlan_proto = 0;
}

/* The protocol of the frame past any in-band 802.1Q tag (the out-of-band one is not in the data). */
static inline __be16 vlan_get_protocol(const struct sk_buff *skb)
{
	const struct vlan_ethhdr *h = (const struct vlan_ethhdr *)skb->data;

	if (skb->protocol == htons(ETH_P_8021Q) && skb_headlen(skb) >= VLAN_ETH_HLEN)
		return h->h_vlan_encapsulated_proto;
	return skb->protocol;
}

#endif
