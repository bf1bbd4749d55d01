/* SPDX-License-Identifier: MIT */
/*
 * IK_HC_PIO_STRING: a driver's `ins`/`outs` (a string of accesses to one port) as one request
 * instead of one exit per element, at both isolation levels. The request is checked (size,
 * write flag, count * size <= IK_PIO_STRING_MAX), an output's bytes are fetched once, the
 * registry routes the string to the granted device exactly as it routes a single access (same
 * grant check, same violation messages), and an input's bytes are handed back through the
 * backend (the VM writes them into guest RAM, a process gets them as its reply's payload).
 */
#include <stdio.h>

#include "devmodel.h"
#include "drvhost.h"

int ik_dh_pio_string(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_pio_string a = *(const struct ik_hc_pio_string *)args; /* read once */
	uint8_t buf[IK_PIO_STRING_MAX];
	uint64_t len = (uint64_t)a.count * a.size;
	char why[256];

	if ((a.size != 1 && a.size != 2 && a.size != 4) || a.write > 1 || len > IK_PIO_STRING_MAX)
		return ik_dh_violation(dh, IK_HC_PIO_STRING,
				       "bad request for port 0x%x (size %u, write flag %u, %u accesses: "
				       "at most %u bytes)", a.port, a.size, a.write, a.count,
				       IK_PIO_STRING_MAX);
	if ((uint32_t)a.port + a.size > IK_PIO_PORTS)
		return ik_dh_violation(dh, IK_HC_PIO_STRING, "port 0x%x + %u goes past port 0xffff",
				       a.port, a.size);
	if (len == 0)
		return 0;
	if (a.write && dh->ops->fetch(dh->be, a.buf, buf, len))
		return ik_dh_violation(dh, IK_HC_PIO_STRING,
				       "buffer [0x%llx, +%llu) is not readable guest memory",
				       (unsigned long long)a.buf, (unsigned long long)len);
	if (!dh->devs || ik_devset_pio_string(dh->devs, dh->name, a.port, a.size, a.write, buf,
					      a.count, why, sizeof(why)))
		return ik_dh_violation(dh, 0, "%s", dh->devs ? why : "port I/O without devices");
	if (!a.write && dh->ops->store(dh->be, a.buf, buf, len))
		return ik_dh_violation(dh, IK_HC_PIO_STRING,
				       "buffer [0x%llx, +%llu) is not writable guest memory",
				       (unsigned long long)a.buf, (unsigned long long)len);
	return 0;
}
