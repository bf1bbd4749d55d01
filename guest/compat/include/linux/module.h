/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/module.h>. Every driver is "built in" to its image: THIS_MODULE
 * is NULL, reference counting is a no-op and the MODULE_* tags compile to nothing. */
#ifndef _IK_LINUX_MODULE_H
#define _IK_LINUX_MODULE_H

#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/export.h>
#include <linux/stat.h>
#include <linux/list.h>

struct module;
#define THIS_MODULE ((struct module *)0)

#define MODULE_LICENSE(x) extern int __ik_modinfo_unused
#define MODULE_AUTHOR(x) extern int __ik_modinfo_unused
#define MODULE_DESCRIPTION(x) extern int __ik_modinfo_unused
#define MODULE_VERSION(x) extern int __ik_modinfo_unused
#define MODULE_ALIAS(x) extern int __ik_modinfo_unused
#define MODULE_ALIAS_MISCDEV(minor) extern int __ik_modinfo_unused
#define MODULE_ALIAS_CHARDEV_MAJOR(major) extern int __ik_modinfo_unused
#define MODULE_SOFTDEP(x) extern int __ik_modinfo_unused
#define MODULE_INFO(tag, info) extern int __ik_modinfo_unused
#define MODULE_FIRMWARE(x) extern int __ik_modinfo_unused
#define MODULE_DEVICE_TABLE(type, name) extern int __ik_modinfo_unused
#define MODULE_IMPORT_NS(ns) extern int __ik_modinfo_unused

static inline bool try_module_get(struct module *module)
{
	(void)module;
	return true;
}

static inline void module_put(struct module *module)
{
	(void)module;
}

#define __module_get(m) ((void)(m))
#define module_is_live(m) true

#endif
