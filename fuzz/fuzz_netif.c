/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the relay's check of what a network driver's host-interface node returned
 * (ik_netif_records_check, src/monitor/netif_relay.c; include/ikernel/netif.h). The input is one
 * read from a hostile driver. Whatever the check accepts must be safe to walk as the relay
 * walks it: every record inside the buffer, frames of 14..IK_NETIF_FRAME_MAX bytes, link records
 * of their size; otherwise abort. A refusal must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ikernel/netif.h"
#include "netif_relay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[160] = "";

	if (ik_netif_records_check(data, size, why, sizeof(why))) {
		if (!why[0])
			abort();
		return 0;
	}
	for (size_t off = 0; off < size;) {
		struct ik_netif_rec rec;

		if (size - off < sizeof(rec))
			abort();
		memcpy(&rec, data + off, sizeof(rec));
		if (rec.flags || ik_netif_rec_size(rec.len) > size - off)
			abort();
		if (rec.type == IK_NETIF_FRAME && (rec.len < 14 || rec.len > IK_NETIF_FRAME_MAX))
			abort();
		if (rec.type == IK_NETIF_LINK && rec.len != sizeof(struct ik_netif_link))
			abort();
		if (rec.type != IK_NETIF_FRAME && rec.type != IK_NETIF_LINK)
			abort();
		off += ik_netif_rec_size(rec.len);
	}
	return 0;
}
