/* SPDX-License-Identifier: MIT */
/*
 * Heap over [heap_start, heap_end) from the boot info: a first-fit free list kept in address
 * order, so a freed block merges with its free neighbours in one pass.
 *
 * Every block starts with a 16-byte header (so payloads stay 16-byte aligned) holding its size
 * and a canary derived from its address and size. A driver that writes before its buffer, frees
 * twice or frees a pointer it never got breaks the canary, and we panic at the next heap call
 * naming the block -- far closer to the bug than the wild write that would follow otherwise.
 */
#include "internal.h"

#define ALIGN 16u
#define MAGIC_USED 0x1b5eda7au
#define MAGIC_FREE 0xf7eeb10cu

struct block {
	uint64_t size;   /* bytes including this header, multiple of ALIGN */
	uint32_t canary; /* magic ^ fold(address, size) */
	uint32_t state;  /* MAGIC_USED or MAGIC_FREE, checked with the canary */
	/* payload; a free block keeps its next-free pointer in the first 8 bytes */
};
_Static_assert(sizeof(struct block) == ALIGN, "header keeps payloads aligned");

static uintptr_t heap_lo, heap_hi;
static struct block *free_list;
static size_t free_bytes;

static uint32_t canary_of(const struct block *b, uint32_t state)
{
	uint64_t x = (uintptr_t)b * 0x9e3779b97f4a7c15ull ^ b->size;

	return state ^ (uint32_t)(x >> 32) ^ (uint32_t)x;
}

static void seal(struct block *b, uint32_t state)
{
	b->state = state;
	b->canary = canary_of(b, state);
}

static struct block **next_of(struct block *b)
{
	return (struct block **)(b + 1);
}

static const char *diagnose(const struct block *b, uint32_t state)
{
	uint32_t other = state == MAGIC_USED ? MAGIC_FREE : MAGIC_USED;

	if (b->state == other && b->canary == canary_of(b, other))
		return state == MAGIC_USED ? "block is already free (double free?)" : "free block in use";
	return "header overwritten (write before the buffer, or not a heap pointer)";
}

static void check(const struct block *b, uint32_t state, const char *what)
{
	uintptr_t a = (uintptr_t)b;

	if (a < heap_lo || a >= heap_hi || a % ALIGN)
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__, "heap: %s of %p: not a heap pointer",
			    what, (const void *)(b + 1));
	if (b->state != state || b->canary != canary_of(b, state) || b->size < ALIGN ||
	    b->size > heap_hi - a)
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__,
			    "heap corruption: %s of block %p (payload %p): %s", what, (const void *)b,
			    (const void *)(b + 1), diagnose(b, state));
}

void ik_heap_init(uintptr_t start, uintptr_t end)
{
	start = (start + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
	end &= ~(uintptr_t)(ALIGN - 1);
	heap_lo = start;
	heap_hi = end;
	free_list = NULL;
	free_bytes = 0;
	if (end <= start || end - start < 2 * ALIGN)
		return;
	free_list = (struct block *)start;
	free_list->size = end - start;
	seal(free_list, MAGIC_FREE);
	*next_of(free_list) = NULL;
	free_bytes = free_list->size;
}

void *ik_malloc(size_t size)
{
	uint64_t need;
	struct block **link, *b;

	if (size > heap_hi - heap_lo || ik_fault_alloc_fails())
		return NULL;
	/* header + payload rounded up; at least room for the free-list pointer */
	need = (sizeof(struct block) + (uint64_t)size + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
	if (need < 2 * ALIGN)
		need = 2 * ALIGN;
	for (link = &free_list; (b = *link) != NULL; link = next_of(b)) {
		check(b, MAGIC_FREE, "malloc scan");
		if (b->size < need)
			continue;
		if (b->size - need >= 2 * ALIGN) {
			/* split: the tail stays on the free list in b's place */
			struct block *rest = (struct block *)((uintptr_t)b + need);

			rest->size = b->size - need;
			*next_of(rest) = *next_of(b);
			seal(rest, MAGIC_FREE);
			*link = rest;
			b->size = need;
		} else {
			*link = *next_of(b);
		}
		seal(b, MAGIC_USED);
		free_bytes -= b->size;
		return b + 1;
	}
	return NULL;
}

void *ik_zalloc(size_t size)
{
	void *p = ik_malloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

static struct block *header_of(void *p, const char *what)
{
	struct block *b = (struct block *)p - 1;

	check(b, MAGIC_USED, what);
	return b;
}

/* Merge b with its successor when they touch. */
static void merge_next(struct block *b)
{
	struct block *n = *next_of(b);

	if (n && (uintptr_t)b + b->size == (uintptr_t)n) {
		b->size += n->size;
		*next_of(b) = *next_of(n);
		seal(b, MAGIC_FREE);
	}
}

void ik_free(void *p)
{
	struct block *b, *prev = NULL, *cur;

	if (!p)
		return;
	b = header_of(p, "free");
	free_bytes += b->size;
	for (cur = free_list; cur && cur < b; cur = *next_of(cur)) {
		check(cur, MAGIC_FREE, "free scan");
		prev = cur;
	}
	*next_of(b) = cur;
	seal(b, MAGIC_FREE);
	if (prev)
		*next_of(prev) = b;
	else
		free_list = b;
	merge_next(b);
	if (prev)
		merge_next(prev);
}

void *ik_realloc(void *p, size_t size)
{
	struct block *b;
	void *q;
	size_t old;

	if (!p)
		return ik_malloc(size);
	if (size == 0) {
		ik_free(p);
		return NULL;
	}
	b = header_of(p, "realloc");
	old = b->size - sizeof(struct block);
	if (size <= old)
		return p;
	q = ik_malloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, old);
	ik_free(p);
	return q;
}

size_t ik_heap_free_bytes(void)
{
	return free_bytes;
}
