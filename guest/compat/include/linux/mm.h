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

/* A struct page * is the page's own address: guest memory is identity mapped and has no page
 * array. page_address() and virt_to_page() convert without a table. */
struct page;
static inline void *page_address(const struct page *page)
{
	return (void *)page;
}

static inline struct page *virt_to_page(const void *addr)
{
	return (struct page *)((unsigned long)addr & PAGE_MASK);
}

#define virt_to_phys(addr) ((phys_addr_t)(unsigned long)(addr))
#define phys_to_virt(addr) ((void *)(unsigned long)(addr))

unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp_mask);
void free_pages(unsigned long addr, unsigned int order);
#define __get_free_page(gfp_mask) __get_free_pages((gfp_mask), 0)
#define free_page(addr) free_pages((addr), 0)

#endif
