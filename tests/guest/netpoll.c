// SPDX-License-Identifier: MIT
/* What a NAPI network driver needs of the compat layer beyond the net core (workqueue.c,
 * napi.c, skbuff.c): work items and delayed work in thread context, NAPI polled with its
 * budget from an interrupt handler until the driver completes it, napi_disable, receive buffers
 * built on page fragments (build_skb with its skb_shared_info at the end, skb_free_frag from an
 * address inside the fragment), paged fragments linearised by napi_gro_frags, pskb_trim.
 * Interrupts come from testdev (a write of v to its port 0 raises line v). Needs
 * --device testdev@0x500. */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "guest_test.h"

#define TESTDEV_RAISE 0x500
#define IRQ_LINE 7

/* ---- work items ---------------------------------------------------------------------- */

static struct work_struct work;
static struct delayed_work dwork;
static int work_runs, dwork_runs, requeues;
static struct ik_thread *work_thread;
static unsigned long dwork_at;

static void work_fn(struct work_struct *w)
{
	GUEST_ASSERT(w == &work);
	work_thread = ik_current();
	msleep(2); /* thread context: it may sleep */
	work_runs++;
	if (requeues > 0) {
		requeues--;
		GUEST_ASSERT(schedule_work(&work)); /* re-queue itself while running */
	}
}

static void dwork_fn(struct work_struct *w)
{
	GUEST_ASSERT(to_delayed_work(w) == &dwork);
	dwork_at = jiffies;
	dwork_runs++;
}

static void test_work(void)
{
	unsigned long start;

	INIT_WORK(&work, work_fn);
	INIT_DELAYED_WORK(&dwork, dwork_fn);
	GUEST_ASSERT(schedule_work(&work));
	GUEST_ASSERT(!schedule_work(&work)); /* already pending */
	GUEST_ASSERT(work_pending(&work));
	flush_work(&work);
	GUEST_ASSERT_EQ(work_runs, 1);
	GUEST_ASSERT(work_thread != ik_current()); /* the queue's own thread */
	requeues = 2;
	schedule_work(&work);
	flush_work(&work);
	msleep(20);
	GUEST_ASSERT_EQ(work_runs, 4);
	/* cancelled before it ran: never runs */
	schedule_work(&work);
	GUEST_ASSERT(cancel_work_sync(&work));
	msleep(10);
	GUEST_ASSERT_EQ(work_runs, 4);
	GUEST_ASSERT(!cancel_work_sync(&work));
	/* delayed: not before its delay */
	start = jiffies;
	GUEST_ASSERT(schedule_delayed_work(&dwork, msecs_to_jiffies(30)));
	GUEST_ASSERT(!schedule_delayed_work(&dwork, 1));
	msleep(10);
	GUEST_ASSERT_EQ(dwork_runs, 0);
	msleep(60);
	GUEST_ASSERT_EQ(dwork_runs, 1);
	GUEST_ASSERT(time_after_eq(dwork_at, start + msecs_to_jiffies(30)));
	schedule_delayed_work(&dwork, msecs_to_jiffies(20));
	GUEST_ASSERT(cancel_delayed_work_sync(&dwork));
	msleep(40);
	GUEST_ASSERT_EQ(dwork_runs, 1);
}

/* ---- NAPI ------------------------------------------------------------------------------ */

struct fake_nic {
	struct napi_struct napi;
	struct net_device *dev;
	int ring;           /* frames waiting in the "ring" */
	int polls, last_budget, irqs, irq_enabled;
};

static int delivered;

static void rx_hook(struct net_device *dev, struct sk_buff *skb)
{
	(void)dev;
	GUEST_ASSERT_EQ(skb->len, 60);
	delivered++;
	kfree_skb(skb);
}

static int fake_poll(struct napi_struct *napi, int budget)
{
	struct fake_nic *nic = container_of(napi, struct fake_nic, napi);
	int done = 0;

	nic->polls++;
	nic->last_budget = budget;
	while (done < budget && nic->ring > 0) {
		struct sk_buff *skb = napi_alloc_skb(napi, 60);

		GUEST_ASSERT(skb != NULL);
		memset(skb_put(skb, 60), 0xff, 60);
		skb->protocol = eth_type_trans(skb, nic->dev);
		napi_gro_receive(napi, skb);
		nic->ring--;
		done++;
	}
	if (done < budget && napi_complete_done(napi, done))
		nic->irq_enabled = 1; /* the driver re-enables its interrupt */
	return done;
}

static irqreturn_t fake_intr(int irq, void *data)
{
	struct fake_nic *nic = data;

	(void)irq;
	nic->irqs++;
	if (napi_schedule_prep(&nic->napi)) {
		nic->irq_enabled = 0; /* masked until the poll completes */
		__napi_schedule(&nic->napi);
	}
	return IRQ_HANDLED;
}

static void wait_polled(struct fake_nic *nic)
{
	for (int i = 0; i < 200 && (nic->ring > 0 || test_bit(NAPI_STATE_SCHED, &nic->napi.state));
	     i++)
		msleep(1);
}

static void test_napi(void)
{
	static struct fake_nic nic;

	nic.dev = alloc_etherdev(0);
	GUEST_ASSERT(nic.dev != NULL);
	ik_netif_rx_set_hook(rx_hook);
	netif_napi_add(nic.dev, &nic.napi, fake_poll);
	GUEST_ASSERT(!napi_schedule(&nic.napi)); /* disabled until napi_enable */
	napi_enable(&nic.napi);
	GUEST_ASSERT(request_region(0x500, 8, "testdev") != NULL);
	GUEST_ASSERT_EQ(request_irq(IRQ_LINE, fake_intr, 0, "netpoll", &nic), 0);
	/* 150 frames, budget 64: polled 3 times, the last one completes */
	nic.ring = 150;
	outb(IRQ_LINE, TESTDEV_RAISE);
	wait_polled(&nic);
	GUEST_ASSERT_EQ(nic.irqs, 1);
	GUEST_ASSERT_EQ(delivered, 150);
	GUEST_ASSERT_EQ(nic.polls, 3);
	GUEST_ASSERT_EQ(nic.last_budget, NAPI_POLL_WEIGHT);
	GUEST_ASSERT_EQ(nic.irq_enabled, 1);
	GUEST_ASSERT(!test_bit(NAPI_STATE_SCHED, &nic.napi.state));
	/* exactly the budget: not complete, polled once more (and then completes with 0) */
	nic.ring = 64;
	outb(IRQ_LINE, TESTDEV_RAISE);
	wait_polled(&nic);
	GUEST_ASSERT_EQ(delivered, 214);
	GUEST_ASSERT_EQ(nic.polls, 5);
	/* disabled: an interrupt cannot schedule it */
	napi_disable(&nic.napi);
	nic.ring = 5;
	outb(IRQ_LINE, TESTDEV_RAISE);
	msleep(20);
	GUEST_ASSERT_EQ(nic.polls, 5);
	napi_enable(&nic.napi);
	outb(IRQ_LINE, TESTDEV_RAISE);
	wait_polled(&nic);
	GUEST_ASSERT_EQ(delivered, 219);
	free_irq(IRQ_LINE, &nic);
	netif_napi_del(&nic.napi);
	ik_netif_rx_set_hook(NULL);
	free_netdev(nic.dev);
}

/* ---- page fragments and paged skbs -------------------------------------------------------- */

static int linear_frames;

static void linear_hook(struct net_device *dev, struct sk_buff *skb)
{
	(void)dev;
	GUEST_ASSERT_EQ(skb->len, 1796);
	GUEST_ASSERT_EQ(skb->data_len, 0); /* linear */
	GUEST_ASSERT_EQ(skb->data[0], 0xff);
	GUEST_ASSERT_EQ(skb->data[999], 0xff);
	GUEST_ASSERT_EQ(skb->data[1000], 0x22);
	GUEST_ASSERT_EQ(skb->data[1795], 0x22);
	linear_frames++;
	kfree_skb(skb);
}

static void test_frags(void)
{
	unsigned int len = SKB_DATA_ALIGN(1600 + NET_SKB_PAD) +
			   SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	u8 *frag = netdev_alloc_frag(len), *page;
	struct sk_buff *skb;
	struct napi_struct napi = {0};
	struct net_device *dev = alloc_etherdev(0);

	GUEST_ASSERT(frag != NULL && dev != NULL);
	skb_free_frag(frag + 100); /* any address inside the fragment frees it */
	GUEST_ASSERT(netdev_alloc_frag(PAGE_SIZE + 1) == NULL);
	frag = netdev_alloc_frag(len);
	skb = napi_build_skb(frag, len);
	GUEST_ASSERT(skb != NULL);
	/* the shared info sits at the end of the fragment, zeroed */
	GUEST_ASSERT((u8 *)skb_shinfo(skb) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) ==
		     frag + len);
	GUEST_ASSERT_EQ(skb_shinfo(skb)->nr_frags, 0);
	skb_reserve(skb, NET_SKB_PAD);
	memset(skb_put(skb, 1600), 0xab, 1600);
	GUEST_ASSERT_EQ(skb_headlen(skb), 1600);
	kfree_skb(skb); /* frees the fragment */

	/* a frame in two pages, linearised for the host side */
	ik_netif_rx_set_hook(linear_hook);
	netif_napi_add(dev, &napi, NULL);
	napi_enable(&napi);
	skb = napi_get_frags(&napi);
	GUEST_ASSERT(skb != NULL);
	for (int i = 0; i < 2; i++) {
		page = (u8 *)alloc_page(GFP_ATOMIC);
		GUEST_ASSERT(page != NULL);
		memset(page, i ? 0x22 : 0xff, PAGE_SIZE);
		skb_fill_page_desc(skb, i, (struct page *)page, 0, i ? 800 : 1000);
	}
	skb->len = skb->data_len = 1800;
	GUEST_ASSERT_EQ(skb_headlen(skb), 0);
	GUEST_ASSERT_EQ(pskb_trim(skb, 1796), 0); /* the CRC off the last fragment */
	GUEST_ASSERT_EQ(skb_frag_size(&skb_shinfo(skb)->frags[1]), 796);
	GUEST_ASSERT_EQ(__pskb_pull_tail(skb, 14) != NULL, 1); /* the Ethernet header */
	GUEST_ASSERT_EQ(skb_headlen(skb), 14);
	GUEST_ASSERT_EQ(skb->data_len, 1782);
	GUEST_ASSERT_EQ(napi_gro_frags(&napi), GRO_NORMAL);
	GUEST_ASSERT_EQ(linear_frames, 1);
	GUEST_ASSERT(napi.skb == NULL);
	ik_netif_rx_set_hook(NULL);
	netif_napi_del(&napi);
	free_netdev(dev);
}

int ik_guest_test(void)
{
	test_work();
	test_napi();
	test_frags();
	return 0;
}
