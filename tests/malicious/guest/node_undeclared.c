/* SPDX-License-Identifier: MIT */
/* Attack "node_undeclared": its manifest declares only "mal" (`--node mal`); it serves a client,
 * then claims the honest driver's node "null0" (names belong to the supervisor). */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	static const char name[] = "null0";
	struct ik_hc_register_node reg = {(uintptr_t)name, 1, 0};

	mal_hypercall(IK_HC_REGISTER_NODE, &reg);
	mal_spin_forever_quietly();
	return 0;
}
