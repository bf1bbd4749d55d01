/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: atomic_t and friends (<linux/atomic.h>) on the compiler's atomics. */
#ifndef _IK_LINUX_ATOMIC_H
#define _IK_LINUX_ATOMIC_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <ik/rt.h>

#define ATOMIC_INIT(i) {(i)}
#define ATOMIC64_INIT(i) {(i)}

#define __IK_ATOMIC_OPS(pfx, atype, vtype)                                                         \
	static inline vtype pfx##_read(const atype *v)                                             \
	{                                                                                          \
		return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);                             \
	}                                                                                          \
	static inline void pfx##_set(atype *v, vtype i)                                            \
	{                                                                                          \
		__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);                                \
	}                                                                                          \
	static inline vtype pfx##_add_return(vtype i, atype *v)                                    \
	{                                                                                          \
		return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);                       \
	}                                                                                          \
	static inline vtype pfx##_sub_return(vtype i, atype *v)                                    \
	{                                                                                          \
		return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);                       \
	}                                                                                          \
	static inline vtype pfx##_fetch_add(vtype i, atype *v)                                     \
	{                                                                                          \
		return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST);                       \
	}                                                                                          \
	static inline vtype pfx##_fetch_sub(vtype i, atype *v)                                     \
	{                                                                                          \
		return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST);                       \
	}                                                                                          \
	static inline void pfx##_add(vtype i, atype *v)                                            \
	{                                                                                          \
		(void)pfx##_add_return(i, v);                                                      \
	}                                                                                          \
	static inline void pfx##_sub(vtype i, atype *v)                                            \
	{                                                                                          \
		(void)pfx##_sub_return(i, v);                                                      \
	}                                                                                          \
	static inline void pfx##_inc(atype *v)                                                     \
	{                                                                                          \
		pfx##_add(1, v);                                                                   \
	}                                                                                          \
	static inline void pfx##_dec(atype *v)                                                     \
	{                                                                                          \
		pfx##_sub(1, v);                                                                   \
	}                                                                                          \
	static inline vtype pfx##_inc_return(atype *v)                                             \
	{                                                                                          \
		return pfx##_add_return(1, v);                                                     \
	}                                                                                          \
	static inline vtype pfx##_dec_return(atype *v)                                             \
	{                                                                                          \
		return pfx##_sub_return(1, v);                                                     \
	}                                                                                          \
	static inline bool pfx##_dec_and_test(atype *v)                                            \
	{                                                                                          \
		return pfx##_sub_return(1, v) == 0;                                                \
	}                                                                                          \
	static inline bool pfx##_inc_and_test(atype *v)                                            \
	{                                                                                          \
		return pfx##_add_return(1, v) == 0;                                                \
	}                                                                                          \
	static inline bool pfx##_sub_and_test(vtype i, atype *v)                                   \
	{                                                                                          \
		return pfx##_sub_return(i, v) == 0;                                                \
	}                                                                                          \
	static inline vtype pfx##_xchg(atype *v, vtype n)                                          \
	{                                                                                          \
		return __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST);                      \
	}                                                                                          \
	static inline vtype pfx##_cmpxchg(atype *v, vtype old, vtype n)                            \
	{                                                                                          \
		__atomic_compare_exchange_n(&v->counter, &old, n, false, __ATOMIC_SEQ_CST,         \
					    __ATOMIC_SEQ_CST);                                     \
		return old;                                                                        \
	}

__IK_ATOMIC_OPS(atomic, atomic_t, int)
__IK_ATOMIC_OPS(atomic64, atomic64_t, s64)

#define atomic_long_read atomic64_read
#define atomic_long_set atomic64_set
#define atomic_long_inc atomic64_inc
#define atomic_long_dec atomic64_dec
#define atomic_long_add atomic64_add
#define atomic_long_sub atomic64_sub

#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
/* Device barriers: what the device did for the posted port writes before them (its DMA) must
 * be visible to the reads after them, so those writes go out first (ik_pio_flush, rt.h). */
#define mb() (ik_pio_flush(), smp_mb())
#define rmb() (ik_pio_flush(), smp_rmb())
#define wmb() smp_wmb()
/* Descriptor memory shared with a device model: ordered as the CPU's own accesses (the model
 * reads and writes guest memory only while the vCPU is stopped in an exit, or atomically).
 * dma_rmb orders two reads of that memory, it does not wait on the device (Linux: it does not
 * order MMIO): writes all to lazy registers (a ring tail, an interrupt mask) may stay held. */
#define dma_rmb() (ik_pio_flush_unless_lazy_writes(), smp_rmb())
#define dma_wmb() wmb()
#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define xchg(ptr, v) __atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)
#define cmpxchg(ptr, old, new)                                                                     \
	({                                                                                         \
		__typeof__(*(ptr)) __ik_old = (old);                                               \
		__atomic_compare_exchange_n((ptr), &__ik_old, (new), false, __ATOMIC_SEQ_CST,      \
					    __ATOMIC_SEQ_CST);                                     \
		__ik_old;                                                                          \
	})

#endif
