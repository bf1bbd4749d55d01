/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/netdevice.h>, the network-device core a NIC driver sees. A
 * driver VM has no IP stack: its net devices are the host's (guest/compat/lib/netdev.c keeps
 * the registered ones; frames the driver passes to netif_rx() go to the host interface's hook,
 * frames for the driver come through dev_queue_xmit()). One TX queue per device; stop/wake is
 * flow control (a stopped queue holds frames back, it never drops what it accepted).
 * Written for the drivers to come too: NAPI and ethtool entry points are declared where a
 * driver needs them to compile; a driver that uses them gets their documented no-op.
 */
#ifndef _IK_LINUX_NETDEVICE_H
#define _IK_LINUX_NETDEVICE_H

#include <asm/byteorder.h>
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/if_ether.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/netdev_features.h>
#include <linux/printk.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <linux/if.h> /* IFNAMSIZ, struct ifreq */
#define MAX_ADDR_LEN 32

/* dev->flags (uapi <linux/if.h> values) */
#define IFF_UP        0x1
#define IFF_BROADCAST 0x2
#define IFF_DEBUG     0x4
#define IFF_LOOPBACK  0x8
#define IFF_POINTOPOINT 0x10
#define IFF_NOTRAILERS 0x20
#define IFF_RUNNING   0x40
#define IFF_NOARP     0x80
#define IFF_PROMISC   0x100
#define IFF_ALLMULTI  0x200
#define IFF_MULTICAST 0x1000
/* dev->priv_flags */
#define IFF_LIVE_ADDR_CHANGE (1u << 20)
#define IFF_TX_SKB_SHARING   (1u << 16)
#define IFF_UNICAST_FLT      (1u << 17)
#define IFF_SUPP_NOFCS       (1u << 19)

#define ARPHRD_ETHER 1
#define NET_NAME_UNKNOWN 0
#define NET_NAME_ENUM    1
#define NET_NAME_USER    3

typedef enum netdev_tx {
	NETDEV_TX_OK = 0x00,
	NETDEV_TX_BUSY = 0x10,
} netdev_tx_t;

struct net_device_stats {
	unsigned long rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors;
	unsigned long rx_dropped, tx_dropped, multicast, collisions;
	unsigned long rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
	unsigned long rx_fifo_errors, rx_missed_errors;
	unsigned long tx_aborted_errors, tx_carrier_errors, tx_fifo_errors, tx_heartbeat_errors;
	unsigned long tx_window_errors, rx_compressed, tx_compressed;
};

/* One multicast address of dev->mc (netdev_for_each_mc_addr). */
struct netdev_hw_addr {
	struct list_head list;
	unsigned char addr[MAX_ADDR_LEN];
};

struct netdev_hw_addr_list {
	struct list_head list;
	int count;
};

struct net_device;
struct ifreq;
struct ethtool_ops;

struct net_device_ops {
	int (*ndo_init)(struct net_device *dev);
	void (*ndo_uninit)(struct net_device *dev);
	int (*ndo_open)(struct net_device *dev);
	int (*ndo_stop)(struct net_device *dev);
	netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
	void (*ndo_set_rx_mode)(struct net_device *dev);
	int (*ndo_set_mac_address)(struct net_device *dev, void *addr);
	int (*ndo_validate_addr)(struct net_device *dev);
	int (*ndo_eth_ioctl)(struct net_device *dev, struct ifreq *ifr, int cmd);
	int (*ndo_change_mtu)(struct net_device *dev, int new_mtu);
	void (*ndo_tx_timeout)(struct net_device *dev, unsigned int txqueue);
	struct net_device_stats *(*ndo_get_stats)(struct net_device *dev);
	void (*ndo_poll_controller)(struct net_device *dev);
	int (*ndo_vlan_rx_add_vid)(struct net_device *dev, __be16 proto, u16 vid);
	int (*ndo_vlan_rx_kill_vid)(struct net_device *dev, __be16 proto, u16 vid);
	netdev_features_t (*ndo_fix_features)(struct net_device *dev, netdev_features_t features);
	int (*ndo_set_features)(struct net_device *dev, netdev_features_t features);
};

/* The one transmit queue of a device (drivers ask for it by index 0). */
struct netdev_queue {
	struct net_device *dev;
};

/* dev->state bits */
enum netdev_state_t {
	__LINK_STATE_START,   /* opened (netif_running) */
	__LINK_STATE_PRESENT, /* netif_device_present */
	__LINK_STATE_NOCARRIER,
	__LINK_STATE_XOFF,    /* the TX queue is stopped */
};

struct net_device {
	char name[IFNAMSIZ];
	unsigned long mem_end, mem_start, base_addr;
	int irq;
	unsigned long state;
	unsigned int flags, priv_flags;
	unsigned int mtu, min_mtu, max_mtu;
	unsigned short type, hard_header_len;
	unsigned char addr_len;
	unsigned int tx_queue_len;
	unsigned char dev_addr[MAX_ADDR_LEN];
	unsigned char perm_addr[MAX_ADDR_LEN];
	unsigned char broadcast[MAX_ADDR_LEN];
	struct net_device_stats stats;
	const struct net_device_ops *netdev_ops;
	const struct ethtool_ops *ethtool_ops;
	int watchdog_timeo;         /* jiffies without TX progress before ndo_tx_timeout */
	unsigned long trans_start;  /* jiffies of the last transmit */
	u64 features, hw_features;
	netdev_features_t vlan_features;
	struct netdev_hw_addr_list mc;
	struct netdev_hw_addr_list uc; /* secondary unicast addresses: none are added here */
	struct netdev_queue ik_txq;
	struct device dev;
	int ifindex;
	/* the compat core's (netdev.c) */
	struct list_head ik_list;
	struct timer_list ik_watchdog;
	bool ik_registered;
	size_t ik_priv_size;
	unsigned long ik_priv[] __attribute__((aligned(16))); /* the heap's alignment */
};

#define SET_NETDEV_DEV(net, pdev) ((net)->dev.parent = (pdev))

static inline void *netdev_priv(const struct net_device *dev)
{
	return (void *)dev->ik_priv;
}

struct net_device *alloc_netdev_mqs(int sizeof_priv, const char *name,
				    unsigned char name_assign_type,
				    void (*setup)(struct net_device *), unsigned int txqs,
				    unsigned int rxqs);
#define alloc_netdev(sizeof_priv, name, name_assign_type, setup) \
	alloc_netdev_mqs(sizeof_priv, name, name_assign_type, setup, 1, 1)
void free_netdev(struct net_device *dev);
int register_netdev(struct net_device *dev);
void unregister_netdev(struct net_device *dev);
int dev_open(struct net_device *dev);
void dev_close(struct net_device *dev);
/* Hand a frame to the device (the host's transmit path): NETDEV_TX_OK when the driver took it
 * (it owns the skb), NETDEV_TX_BUSY when its queue is stopped (the caller keeps the skb). */
netdev_tx_t dev_queue_xmit(struct sk_buff *skb);
/* dev_queue_xmit with Linux's xmit_more hint: more = another frame follows at once (the
 * caller sends it, or the queue stops: a driver rings its doorbell then too). */
netdev_tx_t ik_dev_queue_xmit_more(struct sk_buff *skb, bool more);
int dev_set_mtu(struct net_device *dev, int mtu);
void dev_set_rx_flags(struct net_device *dev, unsigned int flags); /* IFF_PROMISC/ALLMULTI */
int dev_mc_add(struct net_device *dev, const unsigned char *addr);
void dev_mc_flush(struct net_device *dev);
/* The nth registered device (0, 1, ...) or NULL: for the host interface and tests. */
struct net_device *ik_netdev_at(unsigned int n);

/* A frame the driver received: to the host interface's hook (ik_netif_rx_set_hook), or
 * dropped (counted in rx_dropped) when there is none. NET_RX_SUCCESS or NET_RX_DROP. */
#define NET_RX_SUCCESS 0
#define NET_RX_DROP    1
int netif_rx(struct sk_buff *skb);
#define netif_rx_ni netif_rx
#define netif_receive_skb netif_rx
/* The receiver of netif_rx(): takes ownership of the skb (data at the Ethernet header: the
 * hook sees the frame as it came off the wire). */
typedef void (*ik_netif_rx_hook_t)(struct net_device *dev, struct sk_buff *skb);
void ik_netif_rx_set_hook(ik_netif_rx_hook_t hook);
/* The queue was woken (flow control): the host interface may transmit again. */
typedef void (*ik_netif_wake_hook_t)(struct net_device *dev);
void ik_netif_wake_set_hook(ik_netif_wake_hook_t hook);

/* The carrier changed (netif_carrier_on/off): the host interface follows it. */
typedef void (*ik_netif_link_hook_t)(struct net_device *dev);
void ik_netif_link_set_hook(ik_netif_link_hook_t hook);
/* netif_host.c: a registered device gets its host interface's node when the boot info names
 * one for it (IK_FEAT_NETIF); 0 or -errno (the registration then fails). */
int ik_netif_host_attach(struct net_device *dev);
void ik_netif_host_detach(struct net_device *dev);

/* Restart a stopped queue and tell the host interface (ik_netif_wake_set_hook). */
void netif_wake_queue(struct net_device *dev);

static inline void netif_start_queue(struct net_device *dev)
{
	clear_bit(__LINK_STATE_XOFF, &dev->state);
}
static inline void netif_stop_queue(struct net_device *dev)
{
	set_bit(__LINK_STATE_XOFF, &dev->state);
}
static inline bool netif_queue_stopped(const struct net_device *dev)
{
	return test_bit(__LINK_STATE_XOFF, &dev->state);
}
static inline bool netif_running(const struct net_device *dev)
{
	return test_bit(__LINK_STATE_START, &dev->state);
}
static inline bool netif_device_present(const struct net_device *dev)
{
	return test_bit(__LINK_STATE_PRESENT, &dev->state);
}
static inline void netif_device_detach(struct net_device *dev)
{
	if (test_and_clear_bit(__LINK_STATE_PRESENT, &dev->state) && netif_running(dev))
		netif_stop_queue(dev);
}
static inline void netif_device_attach(struct net_device *dev)
{
	if (!test_and_set_bit(__LINK_STATE_PRESENT, &dev->state) && netif_running(dev))
		netif_wake_queue(dev);
}
static inline bool netif_carrier_ok(const struct net_device *dev)
{
	return !test_bit(__LINK_STATE_NOCARRIER, &dev->state);
}
/* Carrier changes reach the host interface (ik_netif_link_set_hook). */
void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
static inline void netif_trans_update(struct net_device *dev)
{
	dev->trans_start = jiffies;
}
static inline unsigned long dev_trans_start(struct net_device *dev)
{
	return dev->trans_start;
}
static inline int netdev_boot_setup_check(struct net_device *dev)
{
	(void)dev;
	return 0; /* no kernel command line in a driver VM: parameters are module parameters */
}

#define netdev_uc_count(dev) ((dev)->uc.count)
#define netdev_uc_empty(dev) (netdev_uc_count(dev) == 0)
#define netdev_for_each_uc_addr(ha, dev) list_for_each_entry(ha, &(dev)->uc.list, list)
#define netdev_mc_count(dev) ((dev)->mc.count)
#define netdev_mc_empty(dev) (netdev_mc_count(dev) == 0)
#define netdev_for_each_mc_addr(ha, dev) list_for_each_entry(ha, &(dev)->mc.list, list)

/* Message levels (netif_msg_*), Linux's bits. */
enum {
	NETIF_MSG_DRV = 0x0001, NETIF_MSG_PROBE = 0x0002, NETIF_MSG_LINK = 0x0004,
	NETIF_MSG_TIMER = 0x0008, NETIF_MSG_IFDOWN = 0x0010, NETIF_MSG_IFUP = 0x0020,
	NETIF_MSG_RX_ERR = 0x0040, NETIF_MSG_TX_ERR = 0x0080, NETIF_MSG_TX_QUEUED = 0x0100,
	NETIF_MSG_INTR = 0x0200, NETIF_MSG_TX_DONE = 0x0400, NETIF_MSG_RX_STATUS = 0x0800,
	NETIF_MSG_PKTDATA = 0x1000, NETIF_MSG_HW = 0x2000, NETIF_MSG_WOL = 0x4000,
};
#define netif_msg_drv(p)       ((p)->msg_enable & NETIF_MSG_DRV)
#define netif_msg_probe(p)     ((p)->msg_enable & NETIF_MSG_PROBE)
#define netif_msg_link(p)      ((p)->msg_enable & NETIF_MSG_LINK)
#define netif_msg_timer(p)     ((p)->msg_enable & NETIF_MSG_TIMER)
#define netif_msg_ifdown(p)    ((p)->msg_enable & NETIF_MSG_IFDOWN)
#define netif_msg_ifup(p)      ((p)->msg_enable & NETIF_MSG_IFUP)
#define netif_msg_rx_err(p)    ((p)->msg_enable & NETIF_MSG_RX_ERR)
#define netif_msg_tx_err(p)    ((p)->msg_enable & NETIF_MSG_TX_ERR)
#define netif_msg_tx_queued(p) ((p)->msg_enable & NETIF_MSG_TX_QUEUED)
#define netif_msg_intr(p)      ((p)->msg_enable & NETIF_MSG_INTR)
#define netif_msg_tx_done(p)   ((p)->msg_enable & NETIF_MSG_TX_DONE)
#define netif_msg_rx_status(p) ((p)->msg_enable & NETIF_MSG_RX_STATUS)
#define netif_msg_pktdata(p)   ((p)->msg_enable & NETIF_MSG_PKTDATA)
#define netif_msg_hw(p)        ((p)->msg_enable & NETIF_MSG_HW)

static inline u32 netif_msg_init(int debug_value, int default_msg_enable_bits)
{
	if (debug_value < 0 || debug_value >= (int)(sizeof(u32) * 8))
		return (u32)default_msg_enable_bits;
	if (debug_value == 0)
		return 0;
	return (1u << debug_value) - 1;
}

#define netdev_printk(level, dev, fmt, ...) printk(level "%s: " fmt, (dev)->name, ##__VA_ARGS__)
#define netdev_emerg(dev, fmt, ...)  netdev_printk(KERN_EMERG, dev, fmt, ##__VA_ARGS__)
#define netdev_err(dev, fmt, ...)    netdev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define netdev_warn(dev, fmt, ...)   netdev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define netdev_notice(dev, fmt, ...) netdev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define netdev_info(dev, fmt, ...)   netdev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define netdev_dbg(dev, fmt, ...)    no_printk(KERN_DEBUG fmt, ##__VA_ARGS__)
#define netif_level(level, priv, type, dev, fmt, ...)                                              \
	do {                                                                                       \
		if (netif_msg_##type(priv))                                                        \
			netdev_##level(dev, fmt, ##__VA_ARGS__);                                   \
	} while (0)
#define netif_err(priv, type, dev, fmt, ...)    netif_level(err, priv, type, dev, fmt, ##__VA_ARGS__)
#define netif_warn(priv, type, dev, fmt, ...)   netif_level(warn, priv, type, dev, fmt, ##__VA_ARGS__)
#define netif_notice(priv, type, dev, fmt, ...) netif_level(notice, priv, type, dev, fmt, ##__VA_ARGS__)
#define netif_info(priv, type, dev, fmt, ...)   netif_level(info, priv, type, dev, fmt, ##__VA_ARGS__)
#define netif_dbg(priv, type, dev, fmt, ...)    netif_level(dbg, priv, type, dev, fmt, ##__VA_ARGS__)

/* Interrupt-lock helpers lib8390 and others use (no lockdep here). */
#define disable_irq_nosync_lockdep(irq) disable_irq_nosync(irq)
#define disable_irq_nosync_lockdep_irqsave(irq, flags) \
	do { (void)(flags); disable_irq_nosync(irq); } while (0)
#define enable_irq_lockdep(irq) enable_irq(irq)
#define enable_irq_lockdep_irqrestore(irq, flags) \
	do { (void)(flags); enable_irq(irq); } while (0)

/* A driver's per-frame messages: at most 10 every 5 seconds (then silence until the window
 * ends), as Linux's net_ratelimit(). */
bool net_ratelimit(void);

/* ---- the transmit queue as multi-queue drivers name it --------------------------------- */

static inline struct netdev_queue *netdev_get_tx_queue(struct net_device *dev, unsigned int i)
{
	(void)i; /* one queue */
	dev->ik_txq.dev = dev;
	return &dev->ik_txq;
}

static inline bool netif_xmit_stopped(const struct netdev_queue *txq)
{
	return netif_queue_stopped(txq->dev);
}

static inline void netif_tx_disable(struct net_device *dev)
{
	netif_stop_queue(dev);
}

/* No byte queue limits: the host side queues, so these accounting hooks have nothing to do. */
static inline void netdev_sent_queue(struct net_device *dev, unsigned int bytes)
{
	(void)dev;
	(void)bytes;
}
static inline void netdev_completed_queue(struct net_device *dev, unsigned int pkts,
					  unsigned int bytes)
{
	(void)dev;
	(void)pkts;
	(void)bytes;
}
static inline void netdev_reset_queue(struct net_device *dev)
{
	(void)dev;
}
/* During ndo_start_xmit: another frame follows at once, so the driver may leave its doorbell
 * (e1000: the TDT write) for the last one (ik_dev_queue_xmit_more). */
extern bool ik_netdev_xmit_more;
static inline bool netdev_xmit_more(void)
{
	return ik_netdev_xmit_more;
}

/* ---- NAPI (napi.c): polled receive with a budget, on a thread of its own ---------------- */

#define NAPI_POLL_WEIGHT 64

enum {
	NAPI_STATE_SCHED,   /* scheduled, or being polled, or held by napi_disable */
	NAPI_STATE_DISABLE, /* napi_disable is waiting: no new schedule */
};

struct napi_struct {
	struct list_head poll_list;
	unsigned long state;
	int weight;
	int (*poll)(struct napi_struct *napi, int budget);
	struct net_device *dev;
	struct sk_buff *skb; /* napi_get_frags */
	struct work_struct ik_work;
};

void netif_napi_add_weight(struct net_device *dev, struct napi_struct *napi,
			   int (*poll)(struct napi_struct *, int), int weight);
static inline void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
				  int (*poll)(struct napi_struct *, int))
{
	netif_napi_add_weight(dev, napi, poll, NAPI_POLL_WEIGHT);
}
void netif_napi_del(struct napi_struct *napi);
void napi_enable(struct napi_struct *napi);
void napi_disable(struct napi_struct *napi);
bool napi_schedule_prep(struct napi_struct *napi);
void __napi_schedule(struct napi_struct *napi);
static inline bool napi_schedule(struct napi_struct *napi)
{
	if (!napi_schedule_prep(napi))
		return false;
	__napi_schedule(napi);
	return true;
}
#define __napi_schedule_irqoff __napi_schedule
bool napi_complete_done(struct napi_struct *napi, int work_done);
static inline bool napi_complete(struct napi_struct *napi)
{
	return napi_complete_done(napi, 0);
}

#define GRO_NORMAL 0
#define GRO_DROP 1
typedef int gro_result_t;
gro_result_t napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);
struct sk_buff *napi_alloc_skb(struct napi_struct *napi, unsigned int len);
void napi_consume_skb(struct sk_buff *skb, int budget);
struct sk_buff *napi_get_frags(struct napi_struct *napi);
gro_result_t napi_gro_frags(struct napi_struct *napi);
void napi_free_frags(struct napi_struct *napi);

#endif
