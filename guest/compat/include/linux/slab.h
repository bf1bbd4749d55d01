/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: kmalloc and friends (<linux/slab.h>) on the runtime heap. GFP flags
 * are accepted and ignored except __GFP_ZERO: there is no reclaim and no atomic context. */
#ifndef _IK_LINUX_SLAB_H
#define _IK_LINUX_SLAB_H

#include <ik/rt.h>
#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/overflow.h>

#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)
#define ARCH_KMALLOC_MINALIGN 16
#define KMALLOC_MAX_SIZE (1ul << 30)

static inline void *kmalloc(size_t size, gfp_t flags)
{
	return (flags & __GFP_ZERO) ? ik_zalloc(size) : ik_malloc(size);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

static inline void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	(void)flags;
	return ik_realloc((void *)p, new_size);
}

static inline void kfree(const void *p)
{
	if (p)
		ik_free((void *)p);
}

static inline void kfree_sensitive(const void *p)
{
	kfree(p);
}

#define kvmalloc kmalloc
#define kvzalloc kzalloc
#define kvcalloc kcalloc
#define kvmalloc_array kmalloc_array
#define kvfree kfree
#define vmalloc(size) kmalloc((size), GFP_KERNEL)
#define vzalloc(size) kzalloc((size), GFP_KERNEL)
#define vfree kfree

#endif
