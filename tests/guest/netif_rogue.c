/* SPDX-License-Identifier: MIT */
/*
 * A hostile network driver's host interface: it registers the node the boot info names for its
 * first net_device (the monitor's relay opens it) and answers the relay's reads with what the
 * module parameter `attack` says (include/ikernel/netif.h):
 *   none      a valid link record, then nothing (the relay sets the TAP's MAC and carrier)
 *   overrun   a frame record whose length runs past what the read returned
 *   type      a record of an unknown type
 *   giant     a frame record of 3,000 bytes (more than any Ethernet frame)
 *   link      a link record of the wrong size
 *   flags     a frame record with reserved flags set
 *   stuck     a valid link record, then it never takes a frame the host writes (its write
 *             never returns): the relay's transmit deadline must end it as hung
 * The relay must end the driver with a violation naming the interface for every attack, and
 * touch nothing else (test_netif_hostile.sh).
 */
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/delay.h>

#include <ik/rt.h>
#include "ikernel/netif.h"

static char name[IK_IFNAME_MAX];
static bool link_sent;

static size_t put(u8 *out, u8 type, u16 len, u8 flags, const void *payload, size_t plen)
{
	struct ik_netif_rec rec = {.len = len, .type = type, .flags = flags};

	memcpy(out, &rec, sizeof(rec));
	memcpy(out + sizeof(rec), payload, plen);
	return sizeof(rec) + plen;
}

static ssize_t rogue_read(struct file *f, char __user *ubuf, size_t count, loff_t *pos)
{
	static u8 buf[4096];
	const char *attack = ik_param("attack");
	struct ik_netif_link l = {.mac = {0x02, 0, 0, 0x52, 0x47, 0x31}, .mtu = 1500, .carrier = 1, .up = 1};
	u8 frame[64] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0x52, 0x47, 0x31, 0x08, 0x06};
	size_t n = 0;

	(void)f;
	(void)pos;
	if (!attack || !strcmp(attack, "none") || !strcmp(attack, "stuck")) {
		if (link_sent) {
			for (;;)
				msleep(1000); /* nothing more to say */
		}
		link_sent = true;
		n = put(buf, IK_NETIF_LINK, sizeof(l), 0, &l, sizeof(l));
	} else if (!strcmp(attack, "overrun")) {
		n = put(buf, IK_NETIF_FRAME, 1000, 0, frame, sizeof(frame));
	} else if (!strcmp(attack, "type")) {
		n = put(buf, 9, sizeof(frame), 0, frame, sizeof(frame));
	} else if (!strcmp(attack, "giant")) {
		n = put(buf, IK_NETIF_FRAME, 3000, 0, frame, sizeof(frame));
		n = sizeof(struct ik_netif_rec) + 3000; /* the bytes are there, the length is not a frame's */
	} else if (!strcmp(attack, "link")) {
		n = put(buf, IK_NETIF_LINK, 8, 0, &l, 8);
	} else if (!strcmp(attack, "flags")) {
		n = put(buf, IK_NETIF_FRAME, sizeof(frame), 0x80, frame, sizeof(frame));
	}
	if (n > count)
		return -EMSGSIZE;
	return copy_to_user(ubuf, buf, n) ? -EFAULT : (ssize_t)n;
}

static ssize_t rogue_write(struct file *f, const char __user *ubuf, size_t count, loff_t *pos)
{
	const char *attack = ik_param("attack");

	(void)f;
	(void)ubuf;
	(void)pos;
	if (attack && !strcmp(attack, "stuck"))
		for (;;)
			msleep(1000); /* a transmit path that never moves */
	return (ssize_t)count; /* frames taken (and dropped) */
}

static int rogue_open(struct inode *inode, struct file *f)
{
	(void)inode;
	(void)f;
	return 0;
}

static const struct file_operations rogue_fops = {
	.owner = THIS_MODULE,
	.open = rogue_open,
	.read = rogue_read,
	.write = rogue_write,
};

static struct miscdevice rogue = {.minor = MISC_DYNAMIC_MINOR, .name = name, .fops = &rogue_fops};

static int __init rogue_init(void)
{
	memcpy(name, ik_bootinfo()->netif[0], sizeof(name) - 1);
	if (!name[0])
		return -ENODEV; /* run with --netdev */
	return misc_register(&rogue);
}
module_init(rogue_init);

int ik_guest_test(void)
{
	for (;;)
		msleep(1000); /* serve the relay until the monitor ends us */
	return 0;
}
