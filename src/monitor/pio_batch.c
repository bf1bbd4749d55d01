/* SPDX-License-Identifier: MIT */
/*
 * IK_HC_PIO_BATCH: the driver's posted port writes (IK_FEAT_PIO_BATCH) as one request, at both
 * isolation levels. The request is read once and bounded (at most IK_PIO_BATCH_MAX writes, the
 * entries fetched once), each write is checked and routed to the granted device exactly as a
 * single access is (ik_devset_pio: same grant check, same violation message naming the port),
 * in order, the first refusal ending the driver; then the trailing access `then`, if any, is
 * served as IK_HC_PIO_STRING (a single read is a string of one access).
 */
#include <string.h>

#include "devmodel.h"
#include "drvhost.h"

static bool then_is_empty(const struct ik_hc_pio_string *t)
{
	static const struct ik_hc_pio_string zero;

	return memcmp(t, &zero, sizeof(zero)) == 0;
}

static int do_write(struct ik_drvhost *dh, const struct ik_pio_write *w, unsigned i, unsigned n)
{
	uint8_t data[4];
	char why[256];

	if ((w->size != 1 && w->size != 2 && w->size != 4) || w->reserved ||
	    (uint32_t)w->port + w->size > IK_PIO_PORTS)
		return ik_dh_violation(dh, IK_HC_PIO_BATCH,
				       "write %u of %u is not a port write (port 0x%x, size %u, "
				       "reserved 0x%x)", i + 1, n, w->port, w->size, w->reserved);
	memcpy(data, &w->value, sizeof(data)); /* the low `size` bytes (x86 is little-endian) */
	if (!dh->devs)
		return ik_dh_violation(dh, 0, "port I/O without devices");
	if (ik_devset_pio(dh->devs, dh->name, w->port, w->size, true, data, why, sizeof(why)))
		return ik_dh_violation(dh, 0, "%s", why);
	return 0;
}

int ik_dh_pio_batch(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_pio_batch a = *(const struct ik_hc_pio_batch *)args; /* read once */
	struct ik_pio_write w[IK_PIO_BATCH_MAX];
	struct ik_hc_pio_string then = a.then;
	int r;

	if (a.count > IK_PIO_BATCH_MAX || a.reserved)
		return ik_dh_violation(dh, IK_HC_PIO_BATCH,
				       "bad request (%u writes: at most %u; reserved 0x%x)", a.count,
				       IK_PIO_BATCH_MAX, a.reserved);
	if (a.count && dh->ops->fetch(dh->be, a.writes, w, (uint64_t)a.count * sizeof(w[0])))
		return ik_dh_violation(dh, IK_HC_PIO_BATCH,
				       "writes [0x%llx, +%zu) are not readable guest memory",
				       (unsigned long long)a.writes, a.count * sizeof(w[0]));
	for (unsigned i = 0; i < a.count; i++)
		if ((r = do_write(dh, &w[i], i, a.count)))
			return r;
	if (then_is_empty(&then))
		return 0;
	if ((r = ik_dh_pio_string(dh, &then)))
		return r;
	/* IK_HC_PIO_STRING hands an input back through ops->store, never through its args:
	 * the batch's OUT fields are its IN fields, unchanged. */
	return 0;
}
