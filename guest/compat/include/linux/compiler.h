/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: compiler attributes and helpers (<linux/compiler.h>). */
#ifndef _IK_LINUX_COMPILER_H
#define _IK_LINUX_COMPILER_H

/* Sparse annotations: meaningless to gcc. */
#define __user
#define __kernel
#define __iomem
#define __force
#define __rcu
#define __percpu
#define __bitwise
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __cond_lock(x, c) (c)

#define __init
#define __exit
#define __initdata
#define __exitdata
#define __initconst
#define __ref
#define __refdata
#define __devinit
#define __devexit
#define __read_mostly
#define __ro_after_init
#define __cold __attribute__((__cold__))
#define __always_inline inline __attribute__((__always_inline__))
#define noinline __attribute__((__noinline__))
#define __noreturn __attribute__((__noreturn__))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __section(s) __attribute__((__section__(s)))
#define __used __attribute__((__used__))
#define __maybe_unused __attribute__((__unused__))
#define __always_unused __attribute__((__unused__))
#define __weak __attribute__((__weak__))
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#define __scanf(a, b) __attribute__((__format__(scanf, a, b)))
#define __must_check __attribute__((__warn_unused_result__))
#define __pure __attribute__((__pure__))
#define __attribute_const__ __attribute__((__const__))
#define __visible __attribute__((__externally_visible__))
#define __noclone __attribute__((__noclone__))
#define __nonstring __attribute__((__nonstring__))
#define notrace
#define asmlinkage
#define __cacheline_aligned __attribute__((__aligned__(64)))
#define ____cacheline_aligned __attribute__((__aligned__(64)))
#define __cacheline_aligned_in_smp __attribute__((__aligned__(64)))
#define ____cacheline_aligned_in_smp __attribute__((__aligned__(64)))

#if __has_attribute(__fallthrough__)
#define fallthrough __attribute__((__fallthrough__))
#else
#define fallthrough do {} while (0) /* fallthrough */
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define barrier() __asm__ __volatile__("" ::: "memory")
#define barrier_data(ptr) __asm__ __volatile__("" : : "r"(ptr) : "memory")
#define OPTIMIZER_HIDE_VAR(var) __asm__("" : "=r"(var) : "0"(var))

#define __same_type(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))
#define __must_be_array(a) (sizeof(char[1 - 2 * __same_type((a), &(a)[0])]) - 1)

#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

/* Single vCPU: plain volatile accesses are the whole story. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)                                                                         \
	do {                                                                                       \
		*(volatile __typeof__(x) *)&(x) = (val);                                           \
	} while (0)

#define static_assert(expr, ...) _Static_assert(expr, #expr)
#define BUILD_BUG_ON(cond) ((void)sizeof(char[1 - 2 * !!(cond)]))
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))
#define BUILD_BUG_ON_MSG(cond, msg) BUILD_BUG_ON(cond)
#define BUILD_BUG() BUILD_BUG_ON(1)

#endif
