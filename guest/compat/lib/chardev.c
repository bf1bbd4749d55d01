/* SPDX-License-Identifier: MIT */
/* Character device registration: misc devices and register_chrdev. Each device becomes one
 * runtime device node named after it, served by ik_chardev_node_ops (file.c). */
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>

#include "chardev.h"

#define MISC_DYNAMIC_MINORS 128 /* dynamic misc minors are handed out from 127 down */
#define CHRDEV_DYNAMIC_MAJOR_HI 254
#define CHRDEV_DYNAMIC_MAJOR_LO 234

static struct ik_chardev *chardevs;

static struct ik_chardev *chardev_find_name(const char *name)
{
	for (struct ik_chardev *cd = chardevs; cd; cd = cd->next)
		if (cd->registered && strcmp(cd->name, name) == 0)
			return cd;
	return NULL;
}

struct ik_chardev *ik_chardev_find_misc(const struct miscdevice *misc)
{
	for (struct ik_chardev *cd = chardevs; cd; cd = cd->next)
		if (cd->registered && cd->misc == misc)
			return cd;
	return NULL;
}

struct ik_chardev *ik_chardev_find_major(unsigned int major, const char *name)
{
	for (struct ik_chardev *cd = chardevs; cd; cd = cd->next)
		if (cd->registered && !cd->misc && imajor(&cd->inode) == major &&
		    (!name || strcmp(cd->name, name) == 0))
			return cd;
	return NULL;
}

bool ik_chardev_minor_used(unsigned int major, unsigned int minor)
{
	for (struct ik_chardev *cd = chardevs; cd; cd = cd->next)
		if (cd->registered && cd->inode.i_rdev == MKDEV(major, minor))
			return true;
	return false;
}

bool ik_chardev_major_used(unsigned int major)
{
	return ik_chardev_find_major(major, NULL) != NULL;
}

static void chardev_unlink(struct ik_chardev *cd)
{
	for (struct ik_chardev **pp = &chardevs; *pp; pp = &(*pp)->next) {
		if (*pp == cd) {
			*pp = cd->next;
			return;
		}
	}
}

struct ik_chardev *ik_chardev_add(const char *name, unsigned int major, unsigned int minor,
				  const struct file_operations *fops, struct miscdevice *misc)
{
	struct ik_chardev *cd;
	int node;

	if (!name || !fops || strlen(name) >= sizeof(cd->name))
		return ERR_PTR(-EINVAL);
	if (chardev_find_name(name))
		return ERR_PTR(-EBUSY);
	cd = kzalloc(sizeof(*cd), GFP_KERNEL);
	if (!cd)
		return ERR_PTR(-ENOMEM);
	strlcpy(cd->name, name, sizeof(cd->name));
	cd->fops = fops;
	cd->misc = misc;
	cd->inode.i_mode = S_IFCHR | 0600;
	cd->inode.i_rdev = MKDEV(major, minor);
	cd->inode.i_ino = MKDEV(major, minor);
	atomic_set(&cd->inode.i_count, 1);
	node = ik_node_register(name, minor, &ik_chardev_node_ops, cd);
	if (node < 0) {
		pr_err("%s: cannot register device node: error %d\n", name, node);
		kfree(cd);
		return ERR_PTR(node);
	}
	cd->node = node;
	cd->registered = true;
	cd->next = chardevs;
	chardevs = cd;
	return cd;
}

void ik_chardev_put(struct ik_chardev *cd)
{
	BUG_ON(cd->open_files == 0);
	if (--cd->open_files == 0 && !cd->registered)
		kfree(cd);
}

/* Stop serving the node; the memory lives on while clients still hold files on it. */
void ik_chardev_remove(struct ik_chardev *cd)
{
	ik_node_unregister(cd->node);
	cd->registered = false;
	chardev_unlink(cd);
	if (cd->open_files == 0)
		kfree(cd);
}

static int misc_pick_minor(struct miscdevice *misc)
{
	if (misc->minor != MISC_DYNAMIC_MINOR)
		return ik_chardev_minor_used(MISC_MAJOR, (unsigned)misc->minor) ? -EBUSY
										 : misc->minor;
	for (int m = MISC_DYNAMIC_MINORS - 1; m >= 0; m--)
		if (!ik_chardev_minor_used(MISC_MAJOR, (unsigned)m))
			return m;
	return -EBUSY;
}

int misc_register(struct miscdevice *misc)
{
	bool dynamic = misc->minor == MISC_DYNAMIC_MINOR;
	struct ik_chardev *cd;
	int minor;

	if (!misc->name || !misc->fops || misc->minor < 0)
		return -EINVAL;
	minor = misc_pick_minor(misc);
	if (minor < 0)
		return minor;
	cd = ik_chardev_add(misc->name, MISC_MAJOR, (unsigned)minor, misc->fops, misc);
	if (IS_ERR(cd))
		return (int)PTR_ERR(cd);
	misc->minor = minor;
	cd->dynamic_minor = dynamic;
	INIT_LIST_HEAD(&misc->list);
	return 0;
}

void misc_deregister(struct miscdevice *misc)
{
	struct ik_chardev *cd = ik_chardev_find_misc(misc);

	if (WARN_ON(!cd))
		return;
	if (cd->dynamic_minor)
		misc->minor = MISC_DYNAMIC_MINOR;
	ik_chardev_remove(cd);
}

static int chrdev_pick_major(unsigned int major)
{
	if (major)
		return ik_chardev_major_used(major) ? -EBUSY : (int)major;
	for (unsigned int m = CHRDEV_DYNAMIC_MAJOR_HI; m >= CHRDEV_DYNAMIC_MAJOR_LO; m--)
		if (!ik_chardev_major_used(m))
			return (int)m;
	return -EBUSY;
}

int register_chrdev(unsigned int major, const char *name, const struct file_operations *fops)
{
	int m = chrdev_pick_major(major);
	struct ik_chardev *cd;

	if (m < 0)
		return m;
	cd = ik_chardev_add(name, (unsigned)m, 0, fops, NULL);
	if (IS_ERR(cd))
		return (int)PTR_ERR(cd);
	return major ? 0 : m;
}

void unregister_chrdev(unsigned int major, const char *name)
{
	struct ik_chardev *cd = ik_chardev_find_major(major, name);

	if (WARN_ON(!cd))
		return;
	ik_chardev_remove(cd);
}
