/* SPDX-License-Identifier: MIT */
/* Attack "doorbell_bad": read the doorbell page (doorbells are 4-byte writes only). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	(void)*(volatile uint32_t *)(uintptr_t)(IK_GPA_DOORBELL + 8ull * c.id);
	mal_spin_forever_quietly();
	return 0;
}
