/* SPDX-License-Identifier: MIT */
/*
 * The network-device core (<linux/netdevice.h>): allocation, registration, open/close, the
 * transmit entry, netif_rx and the queue's flow control, multicast lists, and the transmit
 * watchdog. There is no stack above it: the host interface (or a test) sets the hooks that take
 * received frames and hear of a woken queue, and transmits through dev_queue_xmit().
 */
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/string.h>

static LIST_HEAD(netdevs);
static int next_ifindex = 1;
static ik_netif_rx_hook_t rx_hook;
static ik_netif_wake_hook_t wake_hook;
static ik_netif_link_hook_t link_hook;

void ik_netif_link_set_hook(ik_netif_link_hook_t hook)
{
	link_hook = hook;
}

void netif_carrier_on(struct net_device *dev)
{
	if (test_and_clear_bit(__LINK_STATE_NOCARRIER, &dev->state) && link_hook)
		link_hook(dev);
}

void netif_carrier_off(struct net_device *dev)
{
	if (!test_and_set_bit(__LINK_STATE_NOCARRIER, &dev->state) && link_hook)
		link_hook(dev);
}

void ik_netif_rx_set_hook(ik_netif_rx_hook_t hook)
{
	rx_hook = hook;
}

void ik_netif_wake_set_hook(ik_netif_wake_hook_t hook)
{
	wake_hook = hook;
}

struct net_device *alloc_netdev_mqs(int sizeof_priv, const char *name,
				    unsigned char name_assign_type,
				    void (*setup)(struct net_device *), unsigned int txqs,
				    unsigned int rxqs)
{
	struct net_device *dev;

	(void)name_assign_type;
	if (sizeof_priv < 0 || txqs < 1 || rxqs < 1 || strlen(name) >= IFNAMSIZ)
		return NULL;
	dev = kzalloc(sizeof(*dev) + (size_t)sizeof_priv, GFP_KERNEL);
	if (!dev)
		return NULL;
	dev->ik_priv_size = (size_t)sizeof_priv;
	strscpy(dev->name, name, sizeof(dev->name));
	INIT_LIST_HEAD(&dev->mc.list);
	INIT_LIST_HEAD(&dev->uc.list);
	INIT_LIST_HEAD(&dev->ik_list);
	set_bit(__LINK_STATE_PRESENT, &dev->state);
	dev->watchdog_timeo = 5 * HZ;
	if (setup)
		setup(dev);
	return dev;
}

void dev_mc_flush(struct net_device *dev)
{
	struct netdev_hw_addr *ha, *tmp;

	list_for_each_entry_safe(ha, tmp, &dev->mc.list, list) {
		list_del(&ha->list);
		kfree(ha);
	}
	dev->mc.count = 0;
}

void free_netdev(struct net_device *dev)
{
	if (!dev)
		return;
	WARN_ON(dev->ik_registered);
	dev_mc_flush(dev);
	kfree(dev);
}

/* "eth%d" -> the first free "ethN". */
static int assign_name(struct net_device *dev)
{
	char fmt[IFNAMSIZ];

	if (!strchr(dev->name, '%'))
		return 0;
	strscpy(fmt, dev->name, sizeof(fmt));
	for (int n = 0; n < 100; n++) {
		struct net_device *d;
		bool used = false;

		snprintf(dev->name, sizeof(dev->name), fmt, n);
		list_for_each_entry(d, &netdevs, ik_list)
			used |= !strcmp(d->name, dev->name);
		if (!used)
			return 0;
	}
	return -ENFILE;
}

int register_netdev(struct net_device *dev)
{
	int r;

	if (dev->ik_registered)
		return -EEXIST;
	if ((r = assign_name(dev)))
		return r;
	if (dev->netdev_ops && dev->netdev_ops->ndo_init && (r = dev->netdev_ops->ndo_init(dev)))
		return r;
	if (!is_zero_ether_addr(dev->dev_addr))
		memcpy(dev->perm_addr, dev->dev_addr, MAX_ADDR_LEN);
	dev->ifindex = next_ifindex++;
	list_add_tail(&dev->ik_list, &netdevs);
	dev->ik_registered = true;
	if ((r = ik_netif_host_attach(dev))) {
		list_del_init(&dev->ik_list);
		dev->ik_registered = false;
		if (dev->netdev_ops && dev->netdev_ops->ndo_uninit)
			dev->netdev_ops->ndo_uninit(dev);
		return r;
	}
	pr_info("%s: registered (%pM)\n", dev->name, dev->dev_addr);
	return 0;
}

void unregister_netdev(struct net_device *dev)
{
	if (!dev->ik_registered)
		return;
	ik_netif_host_detach(dev);
	dev_close(dev);
	if (dev->netdev_ops && dev->netdev_ops->ndo_uninit)
		dev->netdev_ops->ndo_uninit(dev);
	list_del_init(&dev->ik_list);
	dev->ik_registered = false;
}

struct net_device *ik_netdev_at(unsigned int n)
{
	struct net_device *d;

	list_for_each_entry(d, &netdevs, ik_list)
		if (n-- == 0)
			return d;
	return NULL;
}

/* The transmit watchdog: a stopped queue with no transmit for watchdog_timeo is a hung
 * transmitter, and the driver's ndo_tx_timeout resets it (as net/sched's dev_watchdog). */
static void tx_watchdog(struct timer_list *t)
{
	struct net_device *dev = container_of(t, struct net_device, ik_watchdog);
	int timeo = dev->watchdog_timeo > 0 ? dev->watchdog_timeo : 5 * HZ;

	if (!netif_running(dev))
		return;
	if (netif_queue_stopped(dev) && netif_device_present(dev) &&
	    time_after(jiffies, dev->trans_start + (unsigned long)timeo) &&
	    dev->netdev_ops->ndo_tx_timeout) {
		netdev_warn(dev, "transmit queue 0 timed out\n");
		dev->netdev_ops->ndo_tx_timeout(dev, 0);
		dev->trans_start = jiffies;
	}
	mod_timer(&dev->ik_watchdog, jiffies + (unsigned long)timeo);
}

int dev_open(struct net_device *dev)
{
	int r;

	if (!dev->ik_registered)
		return -ENODEV;
	if (netif_running(dev))
		return 0;
	if (dev->netdev_ops->ndo_validate_addr && (r = dev->netdev_ops->ndo_validate_addr(dev)))
		return r;
	set_bit(__LINK_STATE_START, &dev->state);
	if (dev->netdev_ops->ndo_open && (r = dev->netdev_ops->ndo_open(dev))) {
		clear_bit(__LINK_STATE_START, &dev->state);
		return r;
	}
	dev->flags |= IFF_UP;
	if (dev->netdev_ops->ndo_set_rx_mode)
		dev->netdev_ops->ndo_set_rx_mode(dev);
	timer_setup(&dev->ik_watchdog, tx_watchdog, 0);
	mod_timer(&dev->ik_watchdog, jiffies + (unsigned long)(dev->watchdog_timeo > 0 ? dev->watchdog_timeo : 5 * HZ));
	return 0;
}

void dev_close(struct net_device *dev)
{
	if (!netif_running(dev))
		return;
	del_timer_sync(&dev->ik_watchdog);
	if (dev->netdev_ops->ndo_stop)
		dev->netdev_ops->ndo_stop(dev);
	clear_bit(__LINK_STATE_START, &dev->state);
	dev->flags &= ~IFF_UP;
}

bool ik_netdev_xmit_more;

netdev_tx_t ik_dev_queue_xmit_more(struct sk_buff *skb, bool more)
{
	netdev_tx_t r;

	ik_netdev_xmit_more = more;
	r = dev_queue_xmit(skb);
	ik_netdev_xmit_more = false;
	return r;
}

netdev_tx_t dev_queue_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	if (!dev || !netif_running(dev) || !netif_device_present(dev)) {
		kfree_skb(skb);
		return NETDEV_TX_OK; /* dropped: like a down interface's queue */
	}
	if (netif_queue_stopped(dev))
		return NETDEV_TX_BUSY;
	return dev->netdev_ops->ndo_start_xmit(skb, dev);
}

int netif_rx(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	if (!rx_hook || !dev) {
		if (dev)
			dev->stats.rx_dropped++;
		kfree_skb(skb);
		return NET_RX_DROP;
	}
	/* the hook sees the whole frame: undo eth_type_trans's pull */
	if (skb_headroom(skb) >= ETH_HLEN && skb->pkt_type != PACKET_OUTGOING)
		skb_push(skb, ETH_HLEN);
	rx_hook(dev, skb);
	return NET_RX_SUCCESS;
}

void netif_wake_queue(struct net_device *dev)
{
	if (test_and_clear_bit(__LINK_STATE_XOFF, &dev->state) && wake_hook)
		wake_hook(dev);
}

int dev_set_mtu(struct net_device *dev, int mtu)
{
	if (mtu < (int)dev->min_mtu || mtu > (int)dev->max_mtu)
		return -EINVAL;
	if (dev->netdev_ops->ndo_change_mtu)
		return dev->netdev_ops->ndo_change_mtu(dev, mtu);
	dev->mtu = (unsigned int)mtu;
	return 0;
}

void dev_set_rx_flags(struct net_device *dev, unsigned int flags)
{
	dev->flags = (dev->flags & ~(IFF_PROMISC | IFF_ALLMULTI)) |
		     (flags & (IFF_PROMISC | IFF_ALLMULTI));
	if (netif_running(dev) && dev->netdev_ops->ndo_set_rx_mode)
		dev->netdev_ops->ndo_set_rx_mode(dev);
}

int dev_mc_add(struct net_device *dev, const unsigned char *addr)
{
	struct netdev_hw_addr *ha;

	list_for_each_entry(ha, &dev->mc.list, list)
		if (ether_addr_equal(ha->addr, addr))
			return 0;
	ha = kzalloc(sizeof(*ha), GFP_KERNEL);
	if (!ha)
		return -ENOMEM;
	ether_addr_copy(ha->addr, addr);
	list_add_tail(&ha->list, &dev->mc.list);
	dev->mc.count++;
	if (netif_running(dev) && dev->netdev_ops->ndo_set_rx_mode)
		dev->netdev_ops->ndo_set_rx_mode(dev);
	return 0;
}
