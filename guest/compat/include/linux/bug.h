/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: BUG()/WARN() (<linux/bug.h>). BUG ends the driver VM with a report
 * naming file:line (IK_HC_PANIC); WARN only logs. */
#ifndef _IK_LINUX_BUG_H
#define _IK_LINUX_BUG_H

#include <ik/rt.h>
#include <linux/compiler.h>

void ik_compat_warn(const char *file, unsigned line, const char *cond);

#define BUG() ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__, "kernel BUG")
#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__, "kernel BUG: %s", #cond);    \
	} while (0)

#define WARN_ON(cond)                                                                              \
	({                                                                                         \
		int __ik_warn_c = !!(cond);                                                        \
		if (unlikely(__ik_warn_c))                                                         \
			ik_compat_warn(__FILE__, __LINE__, #cond);                                 \
		unlikely(__ik_warn_c);                                                             \
	})

#define WARN_ON_ONCE(cond)                                                                         \
	({                                                                                         \
		static bool __ik_warned;                                                           \
		int __ik_warn_c = !!(cond);                                                        \
		if (unlikely(__ik_warn_c) && !__ik_warned) {                                       \
			__ik_warned = true;                                                        \
			ik_compat_warn(__FILE__, __LINE__, #cond);                                 \
		}                                                                                  \
		unlikely(__ik_warn_c);                                                             \
	})

#define WARN(cond, fmt...)                                                                         \
	({                                                                                         \
		int __ik_warn_c = !!(cond);                                                        \
		if (unlikely(__ik_warn_c)) {                                                       \
			ik_printf(fmt);                                                            \
			ik_compat_warn(__FILE__, __LINE__, #cond);                                 \
		}                                                                                  \
		unlikely(__ik_warn_c);                                                             \
	})
#define WARN_ONCE(cond, fmt...) WARN(cond, fmt)
#define netdev_WARN_ONCE(dev, fmt, args...) WARN_ONCE(1, "%s: " fmt, (dev)->name, ##args)
#define netdev_WARN(dev, fmt, args...) WARN(1, "%s: " fmt, (dev)->name, ##args)

#endif
