/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: notifier chains (<linux/notifier.h>), kept in priority order. */
#ifndef _IK_LINUX_NOTIFIER_H
#define _IK_LINUX_NOTIFIER_H

#include <linux/types.h>
#include <linux/errno.h>

struct notifier_block;
typedef int (*notifier_fn_t)(struct notifier_block *nb, unsigned long action, void *data);

struct notifier_block {
	notifier_fn_t notifier_call;
	struct notifier_block *next;
	int priority;
};

struct raw_notifier_head {
	struct notifier_block *head;
};

#define atomic_notifier_head raw_notifier_head
#define blocking_notifier_head raw_notifier_head
#define RAW_NOTIFIER_INIT(name) {.head = NULL}
#define RAW_NOTIFIER_HEAD(name) struct raw_notifier_head name = RAW_NOTIFIER_INIT(name)
#define ATOMIC_NOTIFIER_HEAD RAW_NOTIFIER_HEAD
#define BLOCKING_NOTIFIER_HEAD RAW_NOTIFIER_HEAD

#define NOTIFY_DONE 0x0000
#define NOTIFY_OK 0x0001
#define NOTIFY_STOP_MASK 0x8000
#define NOTIFY_BAD (NOTIFY_STOP_MASK | 0x0002)
#define NOTIFY_STOP (NOTIFY_OK | NOTIFY_STOP_MASK)

int raw_notifier_chain_register(struct raw_notifier_head *nh, struct notifier_block *nb);
int raw_notifier_chain_unregister(struct raw_notifier_head *nh, struct notifier_block *nb);
int raw_notifier_call_chain(struct raw_notifier_head *nh, unsigned long val, void *v);

#define atomic_notifier_chain_register raw_notifier_chain_register
#define atomic_notifier_chain_unregister raw_notifier_chain_unregister
#define atomic_notifier_call_chain raw_notifier_call_chain
#define blocking_notifier_chain_register raw_notifier_chain_register
#define blocking_notifier_chain_unregister raw_notifier_chain_unregister
#define blocking_notifier_call_chain raw_notifier_call_chain

static inline int notifier_from_errno(int err)
{
	return err ? (NOTIFY_STOP_MASK | (NOTIFY_OK - err)) : NOTIFY_OK;
}

static inline int notifier_to_errno(int ret)
{
	ret &= ~NOTIFY_STOP_MASK;
	return ret > NOTIFY_OK ? NOTIFY_OK - ret : 0;
}

#endif
