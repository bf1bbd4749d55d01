/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/init.h>: module_init/module_exit and the initcall levels.
 *
 * module_init(fn) emits one struct ik_initcall in section ".ik_initcalls" that pairs the
 * module's init with its exit; the runtime runs every init in link order and, at shutdown, the
 * exit of each module whose init returned 0 (a module whose init failed never sees its exit).
 * module_exit(fn) may come before or after module_init in the file: it defines the pointer the
 * entry's exit trampoline calls (a C tentative definition made by module_init).
 */
#ifndef _IK_LINUX_INIT_H
#define _IK_LINUX_INIT_H

#include <ik/rt.h>
#include <linux/compiler.h>
#include <linux/types.h>

#ifdef KBUILD_MODNAME
#define __IK_MODNAME KBUILD_MODNAME
#else
#define __IK_MODNAME __FILE__
#endif

#define __IK_INITCALL_ATTRS __used __section(".ik_initcalls") __aligned(8)

/* The exit of an initcall that has none. */
void ik_compat_no_exit(void);

#define module_init(initfn)                                                                        \
	static void (*__ik_module_exit_fn)(void);                                                  \
	static void __ik_module_exit_call(void)                                                    \
	{                                                                                          \
		if (__ik_module_exit_fn)                                                           \
			__ik_module_exit_fn();                                                     \
	}                                                                                          \
	static const struct ik_initcall __ik_module_initcall __IK_INITCALL_ATTRS = {               \
		.init = (initfn), .exit = __ik_module_exit_call, .name = __IK_MODNAME}

#define module_exit(exitfn) static void (*__ik_module_exit_fn)(void) __used = (exitfn)

/* Built-in style initcalls: no exit; any number per file. */
#define __ik_initcall(fn, id)                                                                      \
	static const struct ik_initcall __PASTE(__ik_initcall_, id) __IK_INITCALL_ATTRS = {        \
		.init = (fn), .exit = ik_compat_no_exit, .name = #fn}
#define __initcall(fn) __ik_initcall(fn, __COUNTER__)
#define early_initcall(fn) __initcall(fn)
#define core_initcall(fn) __initcall(fn)
#define postcore_initcall(fn) __initcall(fn)
#define arch_initcall(fn) __initcall(fn)
#define subsys_initcall(fn) __initcall(fn)
#define fs_initcall(fn) __initcall(fn)
#define device_initcall(fn) __initcall(fn)
#define late_initcall(fn) __initcall(fn)
#define late_initcall_sync(fn) __initcall(fn)

#endif
