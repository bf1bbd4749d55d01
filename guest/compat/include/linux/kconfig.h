/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/kconfig.h>, the kernel configuration Linux drivers are compiled
 * for (force-included into every Linux driver, as Kbuild does). The driver VM is a PC
 * (x86-64, port I/O, ISA devices as the device models emulate them); subsystems the compat layer
 * does not provide (procfs, PCI, ACPI, PM) are not configured, so drivers compile them out.
 */
#ifndef _IK_LINUX_KCONFIG_H
#define _IK_LINUX_KCONFIG_H

#define CONFIG_X86 1
#define CONFIG_X86_64 1
#define CONFIG_64BIT 1
#define CONFIG_ISA 1
#define CONFIG_HZ 1000

/* IS_ENABLED(CONFIG_FOO): 1 when CONFIG_FOO or CONFIG_FOO_MODULE is defined to 1. */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define __or(x, y) ___or(x, y)
#define ___or(x, y) ____or(__ARG_PLACEHOLDER_##x, y)
#define ____or(arg1_or_junk, y) __take_second_arg(arg1_or_junk 1, y)
#define IS_BUILTIN(option) __is_defined(option)
#define IS_MODULE(option) __is_defined(option##_MODULE)
#define IS_REACHABLE(option) IS_BUILTIN(option)
#define IS_ENABLED(option) __or(IS_BUILTIN(option), IS_MODULE(option))

#endif
