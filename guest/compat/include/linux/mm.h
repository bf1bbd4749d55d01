/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/mm.h> (page size and what drivers take from it). */
#ifndef _IK_LINUX_MM_H
#define _IK_LINUX_MM_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/err.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr) (((addr) + PAGE_SIZE - 1) & PAGE_MASK)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)

unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp_mask);
void free_pages(unsigned long addr, unsigned int order);
#define __get_free_page(gfp_mask) __get_free_pages((gfp_mask), 0)
#define free_page(addr) free_pages((addr), 0)

#endif
