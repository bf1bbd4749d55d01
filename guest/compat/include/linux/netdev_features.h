/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/netdev_features.h>: the offload features a device offers
 * (hw_features), has on (features) and keeps for VLAN devices (vlan_features). The net core
 * here hands drivers only linear, fully checksummed, untagged frames without segmentation
 * offload, so the bits record what a driver says; none is asked of it. */
#ifndef _IK_LINUX_NETDEV_FEATURES_H
#define _IK_LINUX_NETDEV_FEATURES_H

#include <linux/types.h>

typedef u64 netdev_features_t;

#define NETIF_F_SG                 BIT_ULL(0)
#define NETIF_F_IP_CSUM            BIT_ULL(1)
#define NETIF_F_HW_CSUM            BIT_ULL(3)
#define NETIF_F_IPV6_CSUM          BIT_ULL(4)
#define NETIF_F_HIGHDMA            BIT_ULL(5)
#define NETIF_F_HW_VLAN_CTAG_TX    BIT_ULL(7)
#define NETIF_F_HW_VLAN_CTAG_RX    BIT_ULL(8)
#define NETIF_F_HW_VLAN_CTAG_FILTER BIT_ULL(9)
#define NETIF_F_LLTX               BIT_ULL(12)
#define NETIF_F_GRO                BIT_ULL(14)
#define NETIF_F_TSO                BIT_ULL(16)
#define NETIF_F_TSO6               BIT_ULL(19)
#define NETIF_F_RXCSUM             BIT_ULL(32)
#define NETIF_F_RXFCS              BIT_ULL(37)
#define NETIF_F_RXALL              BIT_ULL(38)
#define NETIF_F_ALL_TSO            (NETIF_F_TSO | NETIF_F_TSO6)

#endif
