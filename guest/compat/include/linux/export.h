/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/export.h>. One image, static link: exports are no-ops. */
#ifndef _IK_LINUX_EXPORT_H
#define _IK_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym) extern int __ik_modinfo_unused
#define EXPORT_SYMBOL_GPL(sym) extern int __ik_modinfo_unused
#define EXPORT_SYMBOL_NS(sym, ns) extern int __ik_modinfo_unused
#define EXPORT_SYMBOL_NS_GPL(sym, ns) extern int __ik_modinfo_unused

#endif
