/* SPDX-License-Identifier: MIT */
/* Socket buffers (<linux/skbuff.h>): the struct, and its head (linear data followed by the
 * skb_shared_info, as in Linux) either a heap block (alloc_skb) or a page fragment the driver
 * allocated (build_skb). Paged fragments (skb_fill_page_desc) are released with the skb. */
#include <linux/if_ether.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#define SKB_DATA_MAX (64u * 1024u) /* no frame of a NIC driver is larger */

#define SHINFO_SIZE SKB_DATA_ALIGN(sizeof(struct skb_shared_info))

/* The skb around head: size bytes of room, then the shared info. */
static struct sk_buff *skb_around(unsigned char *head, unsigned int size, bool frag, gfp_t gfp)
{
	struct sk_buff *skb = kzalloc(sizeof(*skb), gfp);

	if (!skb)
		return NULL;
	skb->head = skb->data = skb->tail = head;
	skb->end = head + size;
	skb->head_frag = frag;
	skb->truesize = (unsigned int)(sizeof(*skb) + size + SHINFO_SIZE);
	memset(skb_shinfo(skb), 0, sizeof(struct skb_shared_info));
	return skb;
}

struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp)
{
	struct sk_buff *skb;
	unsigned char *head;

	if (size > SKB_DATA_MAX)
		return NULL;
	size = SKB_DATA_ALIGN(size);
	head = kzalloc(size + SHINFO_SIZE, gfp);
	if (!head)
		return NULL;
	skb = skb_around(head, size, false, gfp);
	if (!skb)
		kfree(head);
	return skb;
}

struct sk_buff *build_skb(void *data, unsigned int frag_size)
{
	if (!data || frag_size <= SHINFO_SIZE || frag_size > PAGE_SIZE)
		return NULL; /* our fragments are at most a page (netdev_alloc_frag) */
	return skb_around(data, frag_size - SHINFO_SIZE, true, GFP_ATOMIC);
}

/* One page per fragment: any address inside it finds the page again (Linux's page_frag_free
 * does the same with its page's reference count). */
void *netdev_alloc_frag(unsigned int fragsz)
{
	if (fragsz == 0 || fragsz > PAGE_SIZE)
		return NULL;
	return (void *)__get_free_page(GFP_ATOMIC);
}

void skb_free_frag(void *addr)
{
	if (addr)
		free_page((unsigned long)addr & PAGE_MASK);
}

void skb_fill_page_desc(struct sk_buff *skb, int i, struct page *page, int off, int size)
{
	struct skb_shared_info *sh = skb_shinfo(skb);

	BUG_ON(i < 0 || i >= MAX_SKB_FRAGS);
	sh->frags[i] = (skb_frag_t){.bv_page = page, .bv_offset = (unsigned int)off,
				    .bv_len = (unsigned int)size};
	sh->nr_frags = (u8)(i + 1);
}

static void skb_release(struct sk_buff *skb)
{
	struct skb_shared_info *sh = skb_shinfo(skb);

	for (unsigned int i = 0; i < sh->nr_frags && i < MAX_SKB_FRAGS; i++)
		put_page(sh->frags[i].bv_page);
	if (skb->head_frag)
		skb_free_frag(skb->head);
	else
		kfree(skb->head);
	kfree(skb);
}

/* Our skbs are never shared or cloned: the head is always the skb's own to write. */
int skb_cow_head(struct sk_buff *skb, unsigned int headroom)
{
	return skb_headroom(skb) >= headroom ? 0 : -ENOMEM;
}

int eth_skb_pad(struct sk_buff *skb)
{
	return skb_padto(skb, ETH_ZLEN); /* ours extends len too (skb_put_padto), frees on failure */
}

/* A receive buffer: NET_SKB_PAD of headroom, then len bytes of room. */
struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int len, gfp_t gfp)
{
	struct sk_buff *skb;

	if (len > SKB_DATA_MAX - NET_SKB_PAD)
		return NULL;
	skb = alloc_skb(len + NET_SKB_PAD, gfp);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD);
	skb->dev = dev;
	return skb;
}

void kfree_skb(struct sk_buff *skb)
{
	if (skb)
		skb_release(skb);
}

void consume_skb(struct sk_buff *skb)
{
	if (skb)
		skb_release(skb);
}

int skb_padto(struct sk_buff *skb, unsigned int len)
{
	unsigned int pad;

	if (skb->len >= len)
		return 0;
	pad = len - skb->len;
	if ((unsigned int)skb_tailroom(skb) < pad) {
		/* Linux reallocates here; our transmit buffers are sized with room for ETH_ZLEN,
		 * so a buffer without it came from elsewhere: refuse it as Linux does on failure */
		kfree_skb(skb);
		return -ENOMEM;
	}
	memset(skb->tail, 0, pad);
	skb_put(skb, pad);
	return 0;
}

int pskb_trim(struct sk_buff *skb, unsigned int len)
{
	struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int head = skb_headlen(skb), at = head, keep = 0;

	if (len >= skb->len)
		return 0;
	if (len <= head) {
		for (unsigned int i = 0; i < sh->nr_frags; i++)
			put_page(sh->frags[i].bv_page);
		sh->nr_frags = 0;
		skb->data_len = 0;
		skb->len = head;
		skb_trim(skb, len);
		return 0;
	}
	for (; keep < sh->nr_frags && at < len; keep++) {
		unsigned int size = skb_frag_size(&sh->frags[keep]);

		if (at + size > len)
			sh->frags[keep].bv_len = len - at;
		at += size;
	}
	for (unsigned int i = keep; i < sh->nr_frags; i++)
		put_page(sh->frags[i].bv_page);
	sh->nr_frags = (u8)keep;
	skb->data_len = len - head;
	skb->len = len;
	return 0;
}

void *__pskb_pull_tail(struct sk_buff *skb, int delta)
{
	struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int want = (unsigned int)delta, taken = 0, drop = 0;

	if (delta < 0 || want > skb->data_len || want > (unsigned int)skb_tailroom(skb))
		return NULL; /* Linux would reallocate the head; ours are sized for their frames */
	while (taken < want) {
		skb_frag_t *f = &sh->frags[drop];
		unsigned int n = want - taken < f->bv_len ? want - taken : f->bv_len;

		memcpy(skb->tail + taken, skb_frag_address(f), n);
		taken += n;
		f->bv_offset += n;
		f->bv_len -= n;
		if (f->bv_len == 0) {
			put_page(f->bv_page);
			drop++;
		}
	}
	memmove(sh->frags, sh->frags + drop, (sh->nr_frags - drop) * sizeof(skb_frag_t));
	sh->nr_frags = (u8)(sh->nr_frags - drop);
	skb->tail += want;
	skb->data_len -= want;
	return skb->tail;
}
