/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/skbuff.h>, socket buffers as NIC drivers use them: one linear
 * buffer [head, end) with data and tail inside it (no fragments, no sharing, no clones: the
 * host's stack does the rest). The layout rules are Linux's: head <= data <= tail <= end;
 * skb_put/skb_push past the buffer is a bug (BUG(), which ends the driver with a report), as
 * in Linux.
 */
#ifndef _IK_LINUX_SKBUFF_H
#define _IK_LINUX_SKBUFF_H

#include <asm/byteorder.h>
#include <linux/bug.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/types.h>

struct net_device;

/* skb->pkt_type (eth_type_trans) */
#define PACKET_HOST      0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3
#define PACKET_OUTGOING  4

#define NET_SKB_PAD   64 /* headroom of a receive buffer */
#define NET_IP_ALIGN  2

/* ip_summed: what the stack and the card know of the checksum */
#define CHECKSUM_NONE        0
#define CHECKSUM_UNNECESSARY 1
#define CHECKSUM_COMPLETE    2
#define CHECKSUM_PARTIAL     3

#define SMP_CACHE_BYTES 64
#define SKB_DATA_ALIGN(x) (((x) + (SMP_CACHE_BYTES - 1)) & ~(SMP_CACHE_BYTES - 1))
#define MAX_SKB_FRAGS 17

/* A page fragment of an skb's paged data. */
typedef struct skb_frag {
	struct page *bv_page;
	unsigned int bv_len;
	unsigned int bv_offset;
} skb_frag_t;

/* As in Linux, at skb->end, after the linear data: the paged fragments and the segmentation
 * (GSO) description. Every skb here is built with one (alloc_skb, build_skb). */
struct skb_shared_info {
	u8 nr_frags;
	u8 tx_flags;
	unsigned short gso_size;
	unsigned short gso_segs;
	unsigned int gso_type;
	skb_frag_t frags[MAX_SKB_FRAGS];
};

struct sk_buff {
	struct sk_buff *next, *prev; /* for a driver's own queues */
	struct net_device *dev;
	unsigned int len;            /* bytes of data: linear (tail - data) + data_len */
	unsigned int data_len;       /* bytes in the paged fragments */
	unsigned int truesize;       /* memory the skb holds */
	__be16 protocol;
	u8 pkt_type;
	u8 ip_summed : 2;
	u8 head_frag : 1;            /* head is a page fragment (build_skb), not a heap block */
	u8 no_fcs : 1;
	u16 queue_mapping;
	u16 vlan_tci;
	__be16 vlan_proto;           /* non-zero: vlan_tci holds an accelerated tag */
	u16 csum_start, csum_offset; /* CHECKSUM_PARTIAL: from head + csum_start, stored at +offset */
	u16 mac_header, network_header, transport_header; /* offsets from head */
	u32 priority;
	__wsum csum;
	unsigned char *head, *data, *tail, *end;
	char cb[48];                 /* the driver's scratch space */
};

#define skb_shinfo(skb) ((struct skb_shared_info *)((skb)->end))

static inline unsigned char *skb_end_pointer(const struct sk_buff *skb)
{
	return skb->end;
}

struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp);
/* An skb around a page fragment `data` of frag_size bytes (netdev_alloc_frag; 0: a heap block
 * of ksize bytes is not offered), its skb_shared_info at the end of the fragment. */
struct sk_buff *build_skb(void *data, unsigned int frag_size);
#define napi_build_skb(data, frag_size) build_skb((data), (frag_size))
/* Page fragments for receive buffers: at most a page each, freed with skb_free_frag() given any
 * address inside them. */
void *netdev_alloc_frag(unsigned int fragsz);
#define napi_alloc_frag(fragsz) netdev_alloc_frag(fragsz)
void skb_free_frag(void *addr);
/* Attach page fragment i (page + off, size bytes) to the skb's paged data. */
void skb_fill_page_desc(struct sk_buff *skb, int i, struct page *page, int off, int size);
int skb_cow_head(struct sk_buff *skb, unsigned int headroom);
/* Trim to len bytes, dropping paged data past it: 0, or -ENOMEM. */
int pskb_trim(struct sk_buff *skb, unsigned int len);
/* Move delta bytes from the paged data to the linear part: the new tail, or NULL. */
void *__pskb_pull_tail(struct sk_buff *skb, int delta);
int eth_skb_pad(struct sk_buff *skb);
struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int len, gfp_t gfp);
void kfree_skb(struct sk_buff *skb);
void consume_skb(struct sk_buff *skb);
/* Grow the data with zeroes to at least len bytes; frees the skb and returns -ENOMEM when it
 * cannot (Linux's rule: the caller must not touch it then). */
int skb_padto(struct sk_buff *skb, unsigned int len);

static inline struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int len)
{
	return __netdev_alloc_skb(dev, len, GFP_ATOMIC);
}
static inline struct sk_buff *dev_alloc_skb(unsigned int len)
{
	return __netdev_alloc_skb(NULL, len, GFP_ATOMIC);
}
static inline struct sk_buff *netdev_alloc_skb_ip_align(struct net_device *dev, unsigned int len)
{
	return __netdev_alloc_skb(dev, len, GFP_ATOMIC); /* already NET_SKB_PAD + aligned */
}

#define dev_kfree_skb(skb) consume_skb(skb)
#define dev_kfree_skb_any(skb) consume_skb(skb)
#define dev_kfree_skb_irq(skb) consume_skb(skb)
#define dev_consume_skb_any(skb) consume_skb(skb)
#define dev_consume_skb_irq(skb) consume_skb(skb)
#define __dev_kfree_skb_any(skb, reason) consume_skb(skb)

static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
	return skb->len - skb->data_len;
}

static inline bool skb_is_nonlinear(const struct sk_buff *skb)
{
	return skb->data_len != 0;
}

static inline unsigned int skb_frag_size(const skb_frag_t *frag)
{
	return frag->bv_len;
}

static inline struct page *skb_frag_page(const skb_frag_t *frag)
{
	return frag->bv_page;
}

static inline unsigned int skb_frag_off(const skb_frag_t *frag)
{
	return frag->bv_offset;
}

static inline void *skb_frag_address(const skb_frag_t *frag)
{
	return (char *)page_address(skb_frag_page(frag)) + skb_frag_off(frag);
}

static inline dma_addr_t skb_frag_dma_map(struct device *dev, const skb_frag_t *frag,
					  size_t offset, size_t size, enum dma_data_direction dir)
{
	return dma_map_page(dev, skb_frag_page(frag), skb_frag_off(frag) + offset, size, dir);
}

static inline bool skb_is_gso(const struct sk_buff *skb)
{
	return skb_shinfo(skb)->gso_size != 0;
}

#define SKB_GSO_TCPV4 0x1u
#define SKB_GSO_TCPV6 0x10u
static inline bool skb_is_gso_v6(const struct sk_buff *skb)
{
	return skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6;
}

static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
	return (unsigned int)(skb->data - skb->head);
}

static inline int skb_tailroom(const struct sk_buff *skb)
{
	return (int)(skb->end - skb->tail);
}

static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->tail;
}

static inline void skb_reserve(struct sk_buff *skb, int len)
{
	BUG_ON(len > skb_tailroom(skb) || (len < 0 && -len > (int)skb_headroom(skb)));
	skb->data += len;
	skb->tail += len;
}

static inline void *skb_put(struct sk_buff *skb, unsigned int len)
{
	unsigned char *old = skb->tail;

	BUG_ON(len > (unsigned int)skb_tailroom(skb));
	skb->tail += len;
	skb->len += len;
	return old;
}

static inline void *skb_put_zero(struct sk_buff *skb, unsigned int len)
{
	return memset(skb_put(skb, len), 0, len);
}

static inline void *skb_put_data(struct sk_buff *skb, const void *data, unsigned int len)
{
	return memcpy(skb_put(skb, len), data, len);
}

static inline void *skb_push(struct sk_buff *skb, unsigned int len)
{
	BUG_ON(len > skb_headroom(skb));
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

static inline void *skb_pull(struct sk_buff *skb, unsigned int len)
{
	if (len > skb->len)
		return NULL;
	skb->data += len;
	skb->len -= len;
	return skb->data;
}

static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len) {
		skb->len = len;
		skb->tail = skb->data + len;
	}
}

static inline void skb_copy_to_linear_data(struct sk_buff *skb, const void *from, unsigned int len)
{
	memcpy(skb->data, from, len);
}

static inline void skb_copy_from_linear_data(const struct sk_buff *skb, void *to, unsigned int len)
{
	memcpy(to, skb->data, len);
}

static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
	return skb->head + skb->mac_header;
}

static inline void skb_reset_mac_header(struct sk_buff *skb)
{
	skb->mac_header = (u16)(skb->data - skb->head);
}

static inline void skb_reset_network_header(struct sk_buff *skb)
{
	skb->network_header = (u16)(skb->data - skb->head);
}

static inline void skb_set_network_header(struct sk_buff *skb, int offset)
{
	skb->network_header = (u16)(skb->data - skb->head + offset);
}

static inline void skb_set_transport_header(struct sk_buff *skb, int offset)
{
	skb->transport_header = (u16)(skb->data - skb->head + offset);
}

static inline unsigned char *skb_network_header(const struct sk_buff *skb)
{
	return skb->head + skb->network_header;
}

static inline unsigned char *skb_transport_header(const struct sk_buff *skb)
{
	return skb->head + skb->transport_header;
}

static inline int skb_network_offset(const struct sk_buff *skb)
{
	return (int)(skb_network_header(skb) - skb->data);
}

static inline int skb_transport_offset(const struct sk_buff *skb)
{
	return (int)(skb_transport_header(skb) - skb->data);
}

static inline int skb_checksum_start_offset(const struct sk_buff *skb)
{
	return skb->csum_start - skb_headroom(skb);
}

static inline void skb_tx_timestamp(struct sk_buff *skb) { (void)skb; }
static inline bool skb_defer_rx_timestamp(struct sk_buff *skb) { (void)skb; return false; }
static inline void skb_checksum_none_assert(const struct sk_buff *skb) { (void)skb; }
static inline u16 skb_get_queue_mapping(const struct sk_buff *skb) { return skb->queue_mapping; }

#endif
