/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: bit operations (<linux/bitops.h>). One vCPU and cooperative threads:
 * a plain read-modify-write is atomic with respect to every other thread, timer and irq
 * handler, but we use the compiler's atomics anyway so the code stays right if that changes. */
#ifndef _IK_LINUX_BITOPS_H
#define _IK_LINUX_BITOPS_H

#include <linux/types.h>
#include <linux/bits.h>

#define BITS_PER_LONG 64
#define BITS_PER_BYTE 8
#define BITS_TO_LONGS(nr) (((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)

static inline unsigned long *__ik_bitword(unsigned long nr, const volatile unsigned long *addr)
{
	return (unsigned long *)addr + BIT_WORD(nr);
}

static inline void set_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(__ik_bitword(nr, addr), BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(__ik_bitword(nr, addr), ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void change_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_xor(__ik_bitword(nr, addr), BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (__atomic_load_n(__ik_bitword(nr, addr), __ATOMIC_SEQ_CST) & BIT_MASK(nr)) != 0;
}

static inline bool test_and_set_bit(long nr, volatile unsigned long *addr)
{
	return (__atomic_fetch_or(__ik_bitword(nr, addr), BIT_MASK(nr), __ATOMIC_SEQ_CST) &
		BIT_MASK(nr)) != 0;
}

static inline bool test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	return (__atomic_fetch_and(__ik_bitword(nr, addr), ~BIT_MASK(nr), __ATOMIC_SEQ_CST) &
		BIT_MASK(nr)) != 0;
}

static inline bool test_and_change_bit(long nr, volatile unsigned long *addr)
{
	return (__atomic_fetch_xor(__ik_bitword(nr, addr), BIT_MASK(nr), __ATOMIC_SEQ_CST) &
		BIT_MASK(nr)) != 0;
}

#define __set_bit set_bit
#define __clear_bit clear_bit
#define __change_bit change_bit
#define __test_and_set_bit test_and_set_bit
#define __test_and_clear_bit test_and_clear_bit
#define clear_bit_unlock clear_bit
#define test_and_set_bit_lock test_and_set_bit

static inline int ffs(int x)
{
	return __builtin_ffs(x);
}

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline unsigned long __ffs(unsigned long word)
{
	return (unsigned long)__builtin_ctzl(word);
}

static inline unsigned long __fls(unsigned long word)
{
	return 63ul - (unsigned long)__builtin_clzl(word);
}

static inline unsigned long ffz(unsigned long word)
{
	return __ffs(~word);
}

static inline unsigned int hweight8(unsigned int w)
{
	return (unsigned int)__builtin_popcount(w & 0xffu);
}

static inline unsigned int hweight16(unsigned int w)
{
	return (unsigned int)__builtin_popcount(w & 0xffffu);
}

static inline unsigned int hweight32(unsigned int w)
{
	return (unsigned int)__builtin_popcount(w);
}

static inline unsigned long hweight64(u64 w)
{
	return (unsigned long)__builtin_popcountll(w);
}

static inline unsigned long hweight_long(unsigned long w)
{
	return (unsigned long)__builtin_popcountl(w);
}

static inline u8 rol8(u8 word, unsigned int shift)
{
	return (u8)((word << (shift & 7)) | (word >> ((-shift) & 7)));
}

static inline u8 ror8(u8 word, unsigned int shift)
{
	return (u8)((word >> (shift & 7)) | (word << ((-shift) & 7)));
}

static inline u32 rol32(u32 word, unsigned int shift)
{
	return (word << (shift & 31)) | (word >> ((-shift) & 31));
}

static inline u32 ror32(u32 word, unsigned int shift)
{
	return (word >> (shift & 31)) | (word << ((-shift) & 31));
}

unsigned long find_first_bit(const unsigned long *addr, unsigned long size);
unsigned long find_first_zero_bit(const unsigned long *addr, unsigned long size);
unsigned long find_next_bit(const unsigned long *addr, unsigned long size, unsigned long offset);
unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size,
				 unsigned long offset);

#define for_each_set_bit(bit, addr, size)                                                          \
	for ((bit) = find_first_bit((addr), (size)); (bit) < (size);                               \
	     (bit) = find_next_bit((addr), (size), (bit) + 1))

#endif
