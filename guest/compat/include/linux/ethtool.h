/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/ethtool.h>. The ABI structures (struct ethtool_drvinfo,
 * ethtool_ringparam, ... and the ETHTOOL_*, SPEED_*, ADVERTISED_* constants) are Linux's own
 * uapi header, fetched pinned with the driver (drivers.list `uapi = linux/ethtool.h@...`); the
 * kernel side is here: struct ethtool_ops, link settings as link-mode bitmaps, and the helpers
 * drivers call. A driver VM has no ethtool client yet, so the ops are linked and kept, not
 * called: a driver's ethtool code compiles and links untouched. */
#ifndef _IK_LINUX_ETHTOOL_H
#define _IK_LINUX_ETHTOOL_H

#include <linux/bitmap.h>
#include <linux/const.h>
#include <linux/netdevice.h>
#include <linux/types.h>
#include <uapi/linux/ethtool.h>

struct netlink_ext_ack;

/* Link modes as a bitmap (ETHTOOL_LINK_MODE_*_BIT of the uapi header). */
#define __ETHTOOL_LINK_MODE_MASK_NBITS 128
#define __ETHTOOL_DECLARE_LINK_MODE_MASK(name) DECLARE_BITMAP(name, __ETHTOOL_LINK_MODE_MASK_NBITS)

struct ethtool_link_ksettings {
	struct ethtool_link_settings base;
	struct {
		__ETHTOOL_DECLARE_LINK_MODE_MASK(supported);
		__ETHTOOL_DECLARE_LINK_MODE_MASK(advertising);
		__ETHTOOL_DECLARE_LINK_MODE_MASK(lp_advertising);
	} link_modes;
	u32 lanes;
};

/* The legacy 32-bit link-mode masks (SUPPORTED_*, ADVERTISED_*) are the bitmap's first word. */
static inline void ethtool_convert_legacy_u32_to_link_mode(unsigned long *dst, u32 legacy_u32)
{
	bitmap_zero(dst, __ETHTOOL_LINK_MODE_MASK_NBITS);
	dst[0] = legacy_u32;
}

static inline bool ethtool_convert_link_mode_to_legacy_u32(u32 *legacy_u32,
							   const unsigned long *src)
{
	bool fits = true;

	for (unsigned int i = 1; i < BITS_TO_LONGS(__ETHTOOL_LINK_MODE_MASK_NBITS); i++)
		fits &= src[i] == 0;
	fits &= (src[0] >> 32) == 0;
	*legacy_u32 = (u32)src[0];
	return fits;
}

struct kernel_ethtool_ringparam {
	u32 rx_buf_len;
	u8 tcp_data_split;
	u8 tx_push;
	u32 cqe_size;
};

struct kernel_ethtool_coalesce {
	u8 use_cqe_mode_tx;
	u8 use_cqe_mode_rx;
};

struct kernel_ethtool_ts_info;

enum ethtool_phys_id_state {
	ETHTOOL_ID_INACTIVE,
	ETHTOOL_ID_ACTIVE,
	ETHTOOL_ID_ON,
	ETHTOOL_ID_OFF,
};

/* supported_coalesce_params bits */
#define ETHTOOL_COALESCE_RX_USECS BIT(0)

struct ethtool_ops {
	u32 supported_coalesce_params;
	void (*get_drvinfo)(struct net_device *, struct ethtool_drvinfo *);
	int (*get_regs_len)(struct net_device *);
	void (*get_regs)(struct net_device *, struct ethtool_regs *, void *);
	void (*get_wol)(struct net_device *, struct ethtool_wolinfo *);
	int (*set_wol)(struct net_device *, struct ethtool_wolinfo *);
	u32 (*get_msglevel)(struct net_device *);
	void (*set_msglevel)(struct net_device *, u32);
	int (*nway_reset)(struct net_device *);
	u32 (*get_link)(struct net_device *);
	int (*get_eeprom_len)(struct net_device *);
	int (*get_eeprom)(struct net_device *, struct ethtool_eeprom *, u8 *);
	int (*set_eeprom)(struct net_device *, struct ethtool_eeprom *, u8 *);
	int (*get_coalesce)(struct net_device *, struct ethtool_coalesce *,
			    struct kernel_ethtool_coalesce *, struct netlink_ext_ack *);
	int (*set_coalesce)(struct net_device *, struct ethtool_coalesce *,
			    struct kernel_ethtool_coalesce *, struct netlink_ext_ack *);
	void (*get_ringparam)(struct net_device *, struct ethtool_ringparam *,
			      struct kernel_ethtool_ringparam *, struct netlink_ext_ack *);
	int (*set_ringparam)(struct net_device *, struct ethtool_ringparam *,
			     struct kernel_ethtool_ringparam *, struct netlink_ext_ack *);
	void (*get_pauseparam)(struct net_device *, struct ethtool_pauseparam *);
	int (*set_pauseparam)(struct net_device *, struct ethtool_pauseparam *);
	void (*self_test)(struct net_device *, struct ethtool_test *, u64 *);
	void (*get_strings)(struct net_device *, u32 stringset, u8 *);
	int (*set_phys_id)(struct net_device *, enum ethtool_phys_id_state);
	void (*get_ethtool_stats)(struct net_device *, struct ethtool_stats *, u64 *);
	int (*get_sset_count)(struct net_device *, int);
	int (*get_ts_info)(struct net_device *, struct ethtool_ts_info *);
	int (*get_link_ksettings)(struct net_device *, struct ethtool_link_ksettings *);
	int (*set_link_ksettings)(struct net_device *, const struct ethtool_link_ksettings *);
};

/* What a device without hardware timestamps answers (software timestamps are not offered
 * either: a driver VM has no socket layer). */
static inline int ethtool_op_get_ts_info(struct net_device *dev, struct ethtool_ts_info *info)
{
	(void)dev;
	info->so_timestamping = 0;
	info->phc_index = -1;
	return 0;
}

static inline u32 ethtool_op_get_link(struct net_device *dev)
{
	return netif_carrier_ok(dev) ? 1 : 0;
}

#endif
