/* SPDX-License-Identifier: MIT */
/* Attack "doorbell_flood": ring every channel's doorbell (its client's: an ioeventfd; the
 * others: exits) 2000 times each, then serve honestly. Spurious wakeups must be harmless. */
#include "mal.h"

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	for (unsigned i = 0; i < 2000; i++) {
		for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++)
			mal_doorbell(ch);
		mal_heartbeat();
	}
	mal_serve_honest(&c, &s);
	mal_serve_forever(&c);
	return 0;
}
