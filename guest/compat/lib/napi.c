/* SPDX-License-Identifier: MIT */
/*
 * NAPI (<linux/netdevice.h>): a driver's interrupt handler schedules its napi_struct; the
 * "napi" work queue's thread polls it with its weight as the budget, again and again while the
 * driver uses the whole budget (it keeps NAPI_STATE_SCHED), until the driver completes it
 * (napi_complete_done) and re-enables its interrupt. Other threads run between polls (each
 * poll is one work item, queued behind the others). Received frames go to netif_receive_skb.
 */
#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

static struct workqueue_struct *napi_wq;

static void napi_poll_once(struct work_struct *work)
{
	struct napi_struct *napi = container_of(work, struct napi_struct, ik_work);
	int done;

	if (!test_bit(NAPI_STATE_SCHED, &napi->state) || test_bit(NAPI_STATE_DISABLE, &napi->state))
		return;
	done = napi->poll(napi, napi->weight);
	if (done > napi->weight)
		pr_warn("napi: %s polled %d frames with a budget of %d\n", napi->dev->name, done,
			napi->weight);
	/* still scheduled: the driver used its budget (or did not complete): poll again later */
	if (test_bit(NAPI_STATE_SCHED, &napi->state) && !test_bit(NAPI_STATE_DISABLE, &napi->state))
		queue_work(napi_wq, &napi->ik_work);
}

void netif_napi_add_weight(struct net_device *dev, struct napi_struct *napi,
			   int (*poll)(struct napi_struct *, int), int weight)
{
	if (!napi_wq && !(napi_wq = alloc_workqueue("napi", 0, 1)))
		panic("napi: cannot start its thread");
	INIT_LIST_HEAD(&napi->poll_list);
	napi->dev = dev;
	napi->poll = poll;
	napi->weight = weight > 0 ? weight : NAPI_POLL_WEIGHT;
	napi->skb = NULL;
	napi->state = 0;
	set_bit(NAPI_STATE_SCHED, &napi->state); /* disabled until napi_enable, as in Linux */
	INIT_WORK(&napi->ik_work, napi_poll_once);
}

void netif_napi_del(struct napi_struct *napi)
{
	cancel_work_sync(&napi->ik_work);
	napi_free_frags(napi);
}

void napi_enable(struct napi_struct *napi)
{
	clear_bit(NAPI_STATE_DISABLE, &napi->state);
	clear_bit(NAPI_STATE_SCHED, &napi->state);
}

/* Wait for a poll in progress to end, then hold the napi (SCHED) until napi_enable. */
void napi_disable(struct napi_struct *napi)
{
	set_bit(NAPI_STATE_DISABLE, &napi->state);
	cancel_work_sync(&napi->ik_work);
	set_bit(NAPI_STATE_SCHED, &napi->state);
}

bool napi_schedule_prep(struct napi_struct *napi)
{
	if (test_bit(NAPI_STATE_DISABLE, &napi->state))
		return false;
	return !test_and_set_bit(NAPI_STATE_SCHED, &napi->state);
}

void __napi_schedule(struct napi_struct *napi)
{
	queue_work(napi_wq, &napi->ik_work);
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
	(void)work_done;
	clear_bit(NAPI_STATE_SCHED, &napi->state);
	return true; /* the driver may re-enable its interrupt */
}

gro_result_t napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
	(void)napi;
	return netif_receive_skb(skb) == NET_RX_SUCCESS ? GRO_NORMAL : GRO_DROP;
}

struct sk_buff *napi_alloc_skb(struct napi_struct *napi, unsigned int len)
{
	return netdev_alloc_skb_ip_align(napi->dev, len);
}

void napi_consume_skb(struct sk_buff *skb, int budget)
{
	(void)budget;
	consume_skb(skb);
}

/* The frame being built from page fragments (a driver's jumbo receive path). */
struct sk_buff *napi_get_frags(struct napi_struct *napi)
{
	if (!napi->skb)
		napi->skb = napi_alloc_skb(napi, 128);
	return napi->skb;
}

void napi_free_frags(struct napi_struct *napi)
{
	kfree_skb(napi->skb);
	napi->skb = NULL;
}

/* The host side takes linear frames: the fragments are copied into one linear skb. */
static struct sk_buff *skb_linearized(struct net_device *dev, struct sk_buff *skb)
{
	struct sk_buff *lin = netdev_alloc_skb(dev, skb->len);
	struct skb_shared_info *sh = skb_shinfo(skb);

	if (!lin)
		return NULL;
	skb_put_data(lin, skb->data, skb_headlen(skb));
	for (unsigned int i = 0; i < sh->nr_frags && i < MAX_SKB_FRAGS; i++)
		skb_put_data(lin, skb_frag_address(&sh->frags[i]), skb_frag_size(&sh->frags[i]));
	return lin;
}

gro_result_t napi_gro_frags(struct napi_struct *napi)
{
	struct sk_buff *skb = napi->skb, *lin;

	napi->skb = NULL;
	if (!skb)
		return GRO_DROP;
	lin = skb->len <= 64 * 1024 ? skb_linearized(napi->dev, skb) : NULL;
	kfree_skb(skb);
	if (!lin || lin->len < ETH_HLEN) {
		kfree_skb(lin);
		return GRO_DROP;
	}
	lin->protocol = eth_type_trans(lin, napi->dev);
	return napi_gro_receive(napi, lin);
}
