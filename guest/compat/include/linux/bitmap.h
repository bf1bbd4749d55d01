/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/bitmap.h>, whole-bitmap operations on DECLARE_BITMAP arrays
 * (the searches are <linux/bitops.h>'s). */
#ifndef _IK_LINUX_BITMAP_H
#define _IK_LINUX_BITMAP_H

#include <linux/bitops.h>
#include <linux/string.h>
#include <linux/types.h>

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0xff, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline void bitmap_copy(unsigned long *dst, const unsigned long *src, unsigned int nbits)
{
	memcpy(dst, src, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

#endif
