/* SPDX-License-Identifier: MIT */
/* Attack "scribble_shared": overwrite every byte of the shared memory it can reach: its client's whole channel region and the event page. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	const struct ik_chan_geometry *g = mal_geo();
	volatile uint8_t *p = (volatile uint8_t *)c.base;

	for (uint32_t i = 0; i < g->size; i++)
		p[i] = (uint8_t)(0xa5 ^ i);
	for (unsigned i = 0; i < IK_PAGE_SIZE; i++)
		((volatile uint8_t *)mal_events())[i] = 0x5a;
	mal_doorbell(c.id);
	mal_spin_forever_quietly();
	return 0;
}
