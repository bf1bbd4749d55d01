/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/kernel.h> and what it customarily drags in. */
#ifndef _IK_LINUX_KERNEL_H
#define _IK_LINUX_KERNEL_H

#include <stdarg.h>
#include <ik/rt.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/minmax.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/container_of.h>
#include <linux/math.h>
#include <linux/bitops.h>
#include <linux/string.h>

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))

#define ALIGN(x, a) (((x) + ((__typeof__(x))(a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define PTR_ALIGN(p, a) ((__typeof__(p))ALIGN((unsigned long)(p), (a)))

#define lower_32_bits(n) ((u32)((n) & 0xffffffff))
#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#define _THIS_IP_ ({ __label__ __here; __here: (unsigned long)&&__here; })

#define might_sleep() do { } while (0)
#define might_sleep_if(c) do { } while (0)
#define cond_resched() ({ ik_yield(); 0; })
/* A busy-wait: posted port writes go out first (the device may be what the loop waits for). */
#define cpu_relax() (ik_pio_flush(), __builtin_ia32_pause())

#define panic(fmt, ...) ik_panic_at(IK_PANIC_PANIC, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
__printf(3, 0) int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
__printf(2, 3) int sprintf(char *buf, const char *fmt, ...);
__printf(2, 0) int vsprintf(char *buf, const char *fmt, va_list args);
__printf(3, 4) int scnprintf(char *buf, size_t size, const char *fmt, ...);
__printf(3, 0) int vscnprintf(char *buf, size_t size, const char *fmt, va_list args);
__printf(2, 3) char *kasprintf(gfp_t gfp, const char *fmt, ...);

/* The delay loop calibration some old drivers read; udelay() does not use it. */
extern unsigned long loops_per_jiffy;

/* A driver VM is running from its first instruction to its end: it is never halted, powered
 * off or suspended under a driver (there is no system to shut down). */
enum system_states {
	SYSTEM_BOOTING, SYSTEM_SCHEDULING, SYSTEM_FREEING_INITMEM, SYSTEM_RUNNING, SYSTEM_HALT,
	SYSTEM_POWER_OFF, SYSTEM_RESTART, SYSTEM_SUSPEND,
};
#define system_state SYSTEM_RUNNING

#define TAINT_WARN 9
#define add_taint(flag, lockdep) do { } while (0)

#endif
