/* SPDX-License-Identifier: MIT */
/* Attack "node_traversal": register a second node whose name climbs out of the runtime directory. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	static const char name[] = "../../etc/evil";
	struct ik_hc_register_node reg = {(uintptr_t)name, 1, 0};

	mal_hypercall(IK_HC_REGISTER_NODE, &reg);
	mal_spin_forever_quietly();
	return 0;
}
