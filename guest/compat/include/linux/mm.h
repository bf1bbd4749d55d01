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

/* Whole pages as struct page (their address): one owner each, no reference counting beyond
 * it (nothing here shares a page, so there is no get_page). */
#define alloc_pages(gfp, order) ((struct page *)__get_free_pages((gfp), (order)))
#define alloc_page(gfp) alloc_pages((gfp), 0)
#define __free_pages(page, order) free_pages((unsigned long)(page), (order))
#define __free_page(page) __free_pages((page), 0)
#define put_page(page) __free_page(page)
#define page_to_phys(page) ((phys_addr_t)(unsigned long)(page))
#define kmap_atomic(page) page_address(page)
#define kunmap_atomic(addr) ((void)(addr))
#define kmap(page) page_address(page)
#define kunmap(page) ((void)(page))

#endif
