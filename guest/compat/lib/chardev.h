/* SPDX-License-Identifier: MIT */
/* Private to the compat library: a registered character device (misc or register_chrdev) and
 * the guest stub's view of it. */
#ifndef IK_COMPAT_CHARDEV_H
#define IK_COMPAT_CHARDEV_H

#include <linux/fs.h>
#include <linux/miscdevice.h>

struct ik_chardev {
	const struct file_operations *fops;
	struct miscdevice *misc; /* NULL for register_chrdev devices */
	struct inode inode;      /* the device's inode: i_rdev = MKDEV(major, minor) */
	char name[32];
	int node;                /* the runtime's node id */
	unsigned int open_files; /* files still referring to `inode` */
	bool registered;
	bool dynamic_minor;      /* misc: hand the minor back on deregister */
	struct ik_chardev *next;
};

/* Register `name` as a device node served through `fops`; returns the device or ERR_PTR. */
struct ik_chardev *ik_chardev_add(const char *name, unsigned int major, unsigned int minor,
				  const struct file_operations *fops, struct miscdevice *misc);
void ik_chardev_remove(struct ik_chardev *cd);
struct ik_chardev *ik_chardev_find_misc(const struct miscdevice *misc);
struct ik_chardev *ik_chardev_find_major(unsigned int major, const char *name);
bool ik_chardev_minor_used(unsigned int major, unsigned int minor);
bool ik_chardev_major_used(unsigned int major);

/* Called by the file layer when the last file of a removed device goes away. */
void ik_chardev_put(struct ik_chardev *cd);

/* The guest stub's operations for every character device. */
extern const struct ik_node_ops ik_chardev_node_ops;

/* A driver's return value as the client should see it (kernel-internal codes translated). */
long ik_errno_for_client(long r);

#endif
