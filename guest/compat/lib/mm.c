/* SPDX-License-Identifier: MIT */
/* Page allocations on the runtime heap (see <linux/mm.h>). The heap returns 16-byte aligned
 * blocks; page alignment is obtained by over-allocating and keeping the raw pointer just below
 * the aligned block. */
#include <linux/kernel.h>
#include <linux/mm.h>

unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order)
{
	size_t bytes = PAGE_SIZE << order;
	char *raw = kmalloc(bytes + PAGE_SIZE, gfp_mask);
	uintptr_t aligned;

	if (!raw)
		return 0;
	aligned = ((uintptr_t)raw + PAGE_SIZE) & PAGE_MASK;
	((void **)aligned)[-1] = raw;
	return aligned;
}

unsigned long get_zeroed_page(gfp_t gfp_mask)
{
	return __get_free_pages(gfp_mask | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	(void)order;
	if (addr)
		kfree(((void **)addr)[-1]);
}
