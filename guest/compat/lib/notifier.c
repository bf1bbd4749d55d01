/* SPDX-License-Identifier: MIT */
/* Notifier chains and the reboot chain (see <linux/notifier.h>, <linux/reboot.h>). */
#include <linux/kernel.h>
#include <linux/notifier.h>
#include <linux/reboot.h>

/* Higher priority first; equal priorities in registration order. */
int raw_notifier_chain_register(struct raw_notifier_head *nh, struct notifier_block *n)
{
	struct notifier_block **pp = &nh->head;

	while (*pp && (*pp)->priority >= n->priority) {
		if (*pp == n) {
			WARN(1, "notifier block %p registered twice\n", (void *)n);
			return -EEXIST;
		}
		pp = &(*pp)->next;
	}
	n->next = *pp;
	*pp = n;
	return 0;
}

int raw_notifier_chain_unregister(struct raw_notifier_head *nh, struct notifier_block *n)
{
	for (struct notifier_block **pp = &nh->head; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			return 0;
		}
	}
	return -ENOENT;
}

int raw_notifier_call_chain(struct raw_notifier_head *nh, unsigned long val, void *v)
{
	int ret = NOTIFY_DONE;

	for (struct notifier_block *nb = nh->head; nb;) {
		struct notifier_block *next = nb->next; /* the callee may unregister itself */

		ret = nb->notifier_call(nb, val, v);
		if (ret & NOTIFY_STOP_MASK)
			break;
		nb = next;
	}
	return ret;
}

static RAW_NOTIFIER_HEAD(reboot_chain);

int register_reboot_notifier(struct notifier_block *nb)
{
	return raw_notifier_chain_register(&reboot_chain, nb);
}

int unregister_reboot_notifier(struct notifier_block *nb)
{
	return raw_notifier_chain_unregister(&reboot_chain, nb);
}

int ik_compat_reboot_notify(unsigned long action)
{
	return raw_notifier_call_chain(&reboot_chain, action, NULL);
}
