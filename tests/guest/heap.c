// SPDX-License-Identifier: MIT
/* kmalloc and friends on the runtime heap: alignment, zeroing, realloc, exhaustion returns
 * NULL, and freeing everything coalesces back into one big free block. */
#include <linux/kernel.h>
#include <linux/slab.h>

#include "guest_test.h"

#define CHUNK 1024

struct chunk {
	struct chunk *next;
};

/* Allocate CHUNK-sized blocks until the heap says no; returns them as a list. */
static struct chunk *exhaust(unsigned long *count)
{
	struct chunk *list = NULL;
	struct chunk *c;

	*count = 0;
	while ((c = kmalloc(CHUNK, GFP_KERNEL)) != NULL) {
		c->next = list;
		list = c;
		(*count)++;
	}
	return list;
}

int ik_guest_test(void)
{
	size_t free_before = ik_heap_free_bytes();
	unsigned long count;
	struct chunk *list;
	char *p, *q;

	p = kmalloc(100, GFP_KERNEL);
	GUEST_ASSERT(p != NULL);
	GUEST_ASSERT_EQ((uintptr_t)p % 16, 0);
	memset(p, 0xff, 100);
	kfree(p);
	p = kzalloc(100, GFP_KERNEL);
	for (int i = 0; i < 100; i++)
		GUEST_ASSERT_EQ(p[i], 0);
	memcpy(p, "keep me", 8);
	q = krealloc(p, 5000, GFP_KERNEL);
	GUEST_ASSERT(q != NULL);
	GUEST_ASSERT_STR(q, "keep me");
	kfree(q);
	kfree(NULL);

	GUEST_ASSERT(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL) == NULL); /* overflow, not a tiny block */
	GUEST_ASSERT(kmalloc(free_before + 1, GFP_KERNEL) == NULL);

	list = exhaust(&count);
	GUEST_ASSERT(count > 16);
	GUEST_ASSERT(kmalloc(CHUNK, GFP_KERNEL) == NULL);
	while (list) {
		struct chunk *next = list->next;

		kfree(list);
		list = next;
	}
	GUEST_ASSERT_EQ(ik_heap_free_bytes(), free_before);
	/* only possible if the freed 1 KiB blocks merged again */
	p = kmalloc(free_before / 2, GFP_KERNEL);
	GUEST_ASSERT(p != NULL);
	kfree(p);
	return 0;
}
