/* SPDX-License-Identifier: MIT */
/*
 * The host interface of a net_device (include/ikernel/netif.h): when the boot info names a host
 * interface for the n-th registered net_device, that device gets a device node of the same
 * name, through which the monitor's relay moves frames between the host's TAP and the driver.
 * Written as a Linux character driver would be (misc device, wait queues, user copies), so it
 * runs on the same guest stub, the same rings and the same access rules at every isolation
 * level.
 *
 * Flow control: a frame the host wrote waits while the driver's queue is stopped
 * (dev_queue_xmit() says NETDEV_TX_BUSY) and goes out when the driver wakes it; frames from the
 * driver wait in a bounded queue for the host's read, and beyond it are dropped and counted
 * (rx_dropped), as a Linux backlog drops them.
 */
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <ik/rt.h>
#include "ikernel/netif.h"

#define NETIF_RX_QUEUE_MAX 256u     /* frames waiting for the host's read */
#define NETIF_IO_MAX       65536u   /* bytes one read or write handles */
#define NETIF_VLAN_HLEN    4u

struct netif_host {
	struct net_device *dev;
	struct miscdevice misc;
	char name[IK_IFNAME_MAX];
	wait_queue_head_t rxq; /* the host's read: frames or a link record to give */
	wait_queue_head_t txq; /* a write waiting for the driver's queue */
	struct sk_buff *rx_head, *rx_tail;
	unsigned int rx_count;
	bool open;
	bool link_pending; /* a link record is due (open, carrier change) */
};

static struct netif_host *hosts[IK_NETIF_MAX];

static struct netif_host *host_of(const struct net_device *dev)
{
	for (unsigned i = 0; i < IK_NETIF_MAX; i++)
		if (hosts[i] && hosts[i]->dev == dev)
			return hosts[i];
	return NULL;
}

static void rx_flush(struct netif_host *h)
{
	while (h->rx_head) {
		struct sk_buff *skb = h->rx_head;

		h->rx_head = skb->next;
		kfree_skb(skb);
	}
	h->rx_tail = NULL;
	h->rx_count = 0;
}

/* netif_rx(): the frame waits for the host's read (the hook owns the skb). */
static void host_rx(struct net_device *dev, struct sk_buff *skb)
{
	struct netif_host *h = host_of(dev);

	if (!h || !h->open || h->rx_count >= NETIF_RX_QUEUE_MAX || skb->len > IK_NETIF_FRAME_MAX) {
		dev->stats.rx_dropped++;
		kfree_skb(skb);
		return;
	}
	skb->next = NULL;
	if (h->rx_tail)
		h->rx_tail->next = skb;
	else
		h->rx_head = skb;
	h->rx_tail = skb;
	h->rx_count++;
	wake_up_interruptible(&h->rxq);
}

static void host_wake(struct net_device *dev)
{
	struct netif_host *h = host_of(dev);

	if (h)
		wake_up_interruptible(&h->txq);
}

static void host_link(struct net_device *dev)
{
	struct netif_host *h = host_of(dev);

	if (h && h->open) {
		h->link_pending = true;
		wake_up_interruptible(&h->rxq);
		wake_up_interruptible(&h->txq); /* a write waiting for a queue the link took away */
	}
}

static bool rx_ready(const struct netif_host *h)
{
	return h->link_pending || h->rx_head;
}

static int host_open(struct inode *inode, struct file *file)
{
	struct netif_host *h = container_of(file->private_data, struct netif_host, misc);
	int r;

	(void)inode;
	if (h->open)
		return -EBUSY; /* one relay per interface */
	r = dev_open(h->dev);
	if (r)
		return r;
	/* The host's stack joins multicast groups (IPv6 neighbour discovery) on its TAP, which
	 * we do not see: the card takes all multicast, the host's stack filters it. */
	dev_set_rx_flags(h->dev, h->dev->flags | IFF_ALLMULTI);
	h->open = true;
	h->link_pending = true;
	file->private_data = h;
	return 0;
}

static int host_release(struct inode *inode, struct file *file)
{
	struct netif_host *h = file->private_data;

	(void)inode;
	h->open = false;
	dev_close(h->dev);
	rx_flush(h);
	wake_up_interruptible(&h->txq);
	return 0;
}

/* What the card does for frames the host sends (ik_netif_link.offloads), from the driver's
 * features: a generic checksum (NETIF_F_HW_CSUM: any protocol's, as the host's TAP leaves
 * them) and TCP segmentation on top of it. */
static u16 offloads_of(const struct net_device *dev)
{
	u16 o = 0;

	if (!(dev->features & NETIF_F_HW_CSUM))
		return 0;
	o |= IK_NETIF_OFF_CSUM;
	if (dev->features & NETIF_F_TSO)
		o |= IK_NETIF_OFF_TSO4;
	if (dev->features & NETIF_F_TSO6)
		o |= IK_NETIF_OFF_TSO6;
	return o;
}

static size_t put_link(struct netif_host *h, u8 *out)
{
	struct ik_netif_rec rec = {.len = sizeof(struct ik_netif_link), .type = IK_NETIF_LINK};
	struct ik_netif_link l = {0};

	memcpy(l.mac, h->dev->dev_addr, ETH_ALEN);
	l.mtu = (u16)h->dev->mtu;
	l.carrier = netif_carrier_ok(h->dev);
	l.up = netif_running(h->dev);
	l.offloads = offloads_of(h->dev);
	memcpy(out, &rec, sizeof(rec));
	memcpy(out + sizeof(rec), &l, sizeof(l));
	h->link_pending = false;
	return ik_netif_rec_size(sizeof(l));
}

static size_t put_frame(const struct sk_buff *skb, u8 *out)
{
	struct ik_netif_rec rec = {.len = (u16)skb->len, .type = IK_NETIF_FRAME};
	size_t size = ik_netif_rec_size(skb->len);

	memcpy(out, &rec, sizeof(rec));
	memcpy(out + sizeof(rec), skb->data, skb->len);
	memset(out + sizeof(rec) + skb->len, 0, size - sizeof(rec) - skb->len);
	return size;
}

/* As many whole records as fit in one read: the link first, then frames in arrival order. */
static size_t fill_records(struct netif_host *h, u8 *buf, size_t room)
{
	size_t used = 0;

	if (h->link_pending && room >= ik_netif_rec_size(sizeof(struct ik_netif_link)))
		used += put_link(h, buf);
	while (h->rx_head && used + ik_netif_rec_size(h->rx_head->len) <= room) {
		struct sk_buff *skb = h->rx_head;

		used += put_frame(skb, buf + used);
		h->rx_head = skb->next;
		if (!h->rx_head)
			h->rx_tail = NULL;
		h->rx_count--;
		h->dev->stats.tx_packets++; /* to the host: the host's receive, our transmit */
		consume_skb(skb);
	}
	return used;
}

static ssize_t host_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct netif_host *h = file->private_data;
	size_t room = min_t(size_t, count, NETIF_IO_MAX);
	size_t used;
	u8 *buf;
	int r;

	(void)ppos;
	if (!rx_ready(h)) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(h->rxq, rx_ready(h));
		if (r)
			return r;
	}
	buf = kmalloc(room ? room : 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	used = fill_records(h, buf, room);
	if (used == 0) {
		kfree(buf);
		return -EMSGSIZE; /* the next record does not fit the buffer */
	}
	r = copy_to_user(ubuf, buf, used) ? -EFAULT : 0;
	kfree(buf);
	return r ? r : (ssize_t)used;
}

/* The frame as an skb for the driver, or NULL when it is not one a card takes (shorter than an
 * Ethernet header, longer than the MTU allows, a super-frame past IK_NETIF_GSO_FRAME_MAX) or
 * memory ran out: dropped, counted. */
static struct sk_buff *frame_skb(struct net_device *dev, const u8 *frame, unsigned int len,
				 bool super)
{
	struct sk_buff *skb;

	if (len < ETH_HLEN || len > (super ? IK_NETIF_GSO_FRAME_MAX : dev->mtu + ETH_HLEN + NETIF_VLAN_HLEN)) {
		dev->stats.tx_dropped++;
		return NULL;
	}
	skb = netdev_alloc_skb(dev, len);
	if (!skb) {
		dev->stats.tx_dropped++;
		return NULL;
	}
	skb_put_data(skb, frame, len);
	skb->dev = dev;
	skb->protocol = ((const struct ethhdr *)frame)->h_proto;
	return skb;
}

/* Where the network header of an Ethernet frame starts, and its protocol (one 802.1Q tag
 * looked through). */
static unsigned int network_offset(const u8 *frame, unsigned int len, __be16 *proto)
{
	unsigned int off = ETH_HLEN;

	*proto = ((const struct ethhdr *)frame)->h_proto;
	if (*proto == htons(ETH_P_8021Q) && len >= ETH_HLEN + NETIF_VLAN_HLEN) {
		memcpy(proto, frame + ETH_HLEN + 2, sizeof(*proto));
		off += NETIF_VLAN_HLEN;
	}
	return off;
}

/* Is the offload the host asked for one this frame allows and this driver does? (The relay is
 * the monitor's, but the frame came from the host's stack: each offset is checked before the
 * driver's TSO and checksum code trusts it.) */
static bool offload_valid(const struct net_device *dev, const struct ik_netif_offload *o,
			  const u8 *frame, unsigned int len)
{
	u16 offered = offloads_of(dev);
	unsigned int tcp = o->csum_start, nh;
	__be16 proto;

	if (o->flags & ~IK_NETIF_OFL_CSUM)
		return false;
	if ((o->flags & IK_NETIF_OFL_CSUM) &&
	    (tcp < ETH_HLEN || (unsigned int)tcp + o->csum_offset + 2 > len))
		return false;
	if (o->gso_type == IK_NETIF_GSO_NONE)
		return true;
	nh = network_offset(frame, len, &proto);
	if (!(o->flags & IK_NETIF_OFL_CSUM) || o->csum_offset != 16 /* tcphdr.check */ ||
	    o->gso_size == 0 || o->gso_size > dev->mtu || tcp < nh + 20 || tcp + 20 > len ||
	    tcp + (frame[tcp + 12] >> 4) * 4u >= len || (frame[tcp + 12] >> 4) < 5)
		return false;
	if (o->gso_type == IK_NETIF_GSO_TCPV4)
		return (offered & IK_NETIF_OFF_TSO4) && proto == htons(ETH_P_IP);
	if (o->gso_type == IK_NETIF_GSO_TCPV6)
		return (offered & IK_NETIF_OFF_TSO6) && proto == htons(ETH_P_IPV6);
	return false;
}

/* A partial checksum the card does not finish, finished here (Linux's skb_checksum_help):
 * the field holds the pseudo-header sum, the sum runs from csum_start to the end. */
static void finish_csum(u8 *frame, unsigned int len, unsigned int start, unsigned int at)
{
	u32 s = 0;

	for (unsigned int i = start; i + 1 < len; i += 2)
		s += (u32)frame[i] << 8 | frame[i + 1];
	if ((len - start) & 1)
		s += (u32)frame[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	s = ~s & 0xffffu;
	if (!s)
		s = 0xffffu; /* CSUM_MANGLED_0: a UDP checksum of 0 means none */
	frame[at] = (u8)(s >> 8);
	frame[at + 1] = (u8)s;
}

/* A frame with what the host's stack left to the card (struct ik_netif_offload first). */
static struct sk_buff *offload_skb(struct net_device *dev, const u8 *payload, unsigned int plen)
{
	struct ik_netif_offload o;
	const u8 *frame = payload + sizeof(o);
	unsigned int len = plen - (unsigned int)sizeof(o);
	struct sk_buff *skb;
	__be16 proto;

	if (plen < sizeof(o)) {
		dev->stats.tx_dropped++;
		return NULL;
	}
	memcpy(&o, payload, sizeof(o));
	if (len < ETH_HLEN || !offload_valid(dev, &o, frame, len)) {
		dev->stats.tx_dropped++;
		return NULL;
	}
	skb = frame_skb(dev, frame, len, o.gso_type != IK_NETIF_GSO_NONE);
	if (!skb || !(o.flags & IK_NETIF_OFL_CSUM))
		return skb;
	if (!(offloads_of(dev) & IK_NETIF_OFF_CSUM)) {
		finish_csum(skb->data, len, o.csum_start, o.csum_start + o.csum_offset);
		return skb;
	}
	skb_set_network_header(skb, (int)network_offset(skb->data, len, &proto));
	skb_set_transport_header(skb, o.csum_start);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = (u16)(skb_headroom(skb) + o.csum_start);
	skb->csum_offset = o.csum_offset;
	if (o.gso_type != IK_NETIF_GSO_NONE) {
		unsigned int hdr = o.csum_start + (skb->data[o.csum_start + 12] >> 4) * 4u;

		skb_shinfo(skb)->gso_size = o.gso_size;
		skb_shinfo(skb)->gso_type = o.gso_type == IK_NETIF_GSO_TCPV4 ? SKB_GSO_TCPV4 : SKB_GSO_TCPV6;
		skb_shinfo(skb)->gso_segs = (u16)DIV_ROUND_UP(len - hdr, o.gso_size);
	}
	return skb;
}

/* One frame to the driver (it owns the skb from here); waits while its queue is stopped. more:
 * another frame follows at once (netdev_xmit_more(): the driver may leave its doorbell for
 * the last one, as Linux's qdisc lets it). 0, or -ERESTARTSYS when the wait was interrupted
 * (the frame is then not sent). */
static int xmit_skb(struct netif_host *h, struct sk_buff *skb, bool more)
{
	struct net_device *dev = h->dev;

	for (;;) {
		int r;

		if (ik_dev_queue_xmit_more(skb, more) == NETDEV_TX_OK)
			return 0;
		/* Busy: the queue is stopped until the driver wakes it (host_wake), or the driver
		 * said busy with the queue running: try again after a tick. Without a carrier the
		 * frame is dropped, as a qdisc drops what no link takes. */
		if (!netif_carrier_ok(dev) || !netif_running(dev)) {
			dev->stats.tx_dropped++;
			kfree_skb(skb);
			return 0;
		}
		if (netif_queue_stopped(dev))
			r = wait_event_interruptible(h->txq, !netif_queue_stopped(dev) || !h->open ||
							      !netif_running(dev) || !netif_carrier_ok(dev));
		else
			r = schedule_timeout_interruptible(1) ? -ERESTARTSYS : 0;
		if (r || !h->open) {
			kfree_skb(skb);
			return r ? r : -EIO;
		}
	}
}

/* The record at buf + off (of len bytes) as a frame: its size (padding included) and, in
 * *skb, the frame to send (NULL when it is dropped). 0 when it is not a frame record. */
static uint32_t next_frame(struct netif_host *h, const u8 *buf, size_t off, size_t len,
			   struct sk_buff **skb)
{
	struct ik_netif_rec rec;
	uint32_t size;

	*skb = NULL;
	if (len - off < sizeof(rec))
		return 0;
	memcpy(&rec, buf + off, sizeof(rec));
	size = ik_netif_rec_size(rec.len);
	if (rec.type != IK_NETIF_FRAME || (rec.flags & ~IK_NETIF_REC_OFFLOAD) || size > len - off)
		return 0;
	if (rec.flags & IK_NETIF_REC_OFFLOAD)
		*skb = offload_skb(h->dev, buf + off + sizeof(rec), rec.len);
	else
		*skb = frame_skb(h->dev, buf + off + sizeof(rec), rec.len, false);
	return size;
}

static ssize_t host_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)
{
	struct netif_host *h = file->private_data;
	size_t len = min_t(size_t, count, NETIF_IO_MAX);
	size_t off = 0;
	struct sk_buff *skb;
	uint32_t size;
	int r = 0;
	u8 *buf;

	(void)ppos;
	buf = kmalloc(len ? len : 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, ubuf, len)) {
		kfree(buf);
		return -EFAULT;
	}
	/* Each frame's skb is made before the one ahead of it is sent, so "more follows" is
	 * known, never promised for a frame that then cannot be sent. */
	size = next_frame(h, buf, off, len, &skb);
	while (size) {
		struct sk_buff *nskb;
		uint32_t nsize = next_frame(h, buf, off + size, len, &nskb);

		if (skb && (r = xmit_skb(h, skb, nskb != NULL))) {
			kfree_skb(nskb);
			break;
		}
		off += size;
		skb = nskb;
		size = nsize;
	}
	kfree(buf);
	if (off)
		return (ssize_t)off; /* the records taken; the caller sees what was left */
	return r ? r : -EINVAL;
}

static __poll_t host_poll(struct file *file, poll_table *wait)
{
	struct netif_host *h = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &h->rxq, wait);
	poll_wait(file, &h->txq, wait);
	if (rx_ready(h))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (!netif_queue_stopped(h->dev))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static const struct file_operations host_fops = {
	.owner = THIS_MODULE,
	.open = host_open,
	.release = host_release,
	.read = host_read,
	.write = host_write,
	.poll = host_poll,
	.llseek = no_llseek,
};

int ik_netif_host_attach(struct net_device *dev)
{
	const struct ik_bootinfo *bi = ik_bootinfo();
	unsigned int n = (unsigned int)dev->ifindex - 1; /* registration order */
	struct netif_host *h;
	int r;

	if (!(bi->features & IK_FEAT_NETIF) || n >= IK_NETIF_MAX || !bi->netif[n][0])
		return 0;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	memcpy(h->name, bi->netif[n], sizeof(h->name));
	h->name[sizeof(h->name) - 1] = '\0';
	h->dev = dev;
	init_waitqueue_head(&h->rxq);
	init_waitqueue_head(&h->txq);
	h->misc.minor = MISC_DYNAMIC_MINOR;
	h->misc.name = h->name;
	h->misc.fops = &host_fops;
	r = misc_register(&h->misc);
	if (r) {
		pr_err("%s: cannot register host interface node %s: error %d\n", dev->name, h->name, r);
		kfree(h);
		return r;
	}
	hosts[n] = h;
	ik_netif_rx_set_hook(host_rx);
	ik_netif_wake_set_hook(host_wake);
	ik_netif_link_set_hook(host_link);
	pr_info("%s: host interface %s\n", dev->name, h->name);
	return 0;
}

void ik_netif_host_detach(struct net_device *dev)
{
	struct netif_host *h = host_of(dev);

	if (!h)
		return;
	misc_deregister(&h->misc);
	for (unsigned i = 0; i < IK_NETIF_MAX; i++)
		if (hosts[i] == h)
			hosts[i] = NULL;
	rx_flush(h);
	kfree(h);
}
