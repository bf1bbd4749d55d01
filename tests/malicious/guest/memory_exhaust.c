/* SPDX-License-Identifier: MIT */
/* Attack "memory_exhaust": dirty every byte of its heap and stacks (all the RAM it was given)
 * and try to reach past it, then serve honestly. The host's cost stays the operator's --mem. */
#include "mal.h"

int main(void)
{
	const struct ik_bootinfo *bi = mal_bootinfo();
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	for (uint64_t a = bi->heap_start; a < bi->heap_end; a += 8)
		*(volatile uint64_t *)(uintptr_t)a = a;
	/* every stack but our own (stack 0, which we run on) */
	for (uint32_t i = 1; i < bi->stack_count; i++) {
		uint64_t base = bi->stack_base + (uint64_t)i * IK_STACK_STRIDE;
		for (uint64_t a = base; a < base + IK_STACK_SIZE; a += 8)
			*(volatile uint64_t *)(uintptr_t)a = a;
		mal_heartbeat();
	}
	mal_serve_honest(&c, &s);
	mal_serve_forever(&c);
	return 0;
}
