/* SPDX-License-Identifier: MIT */
/*
 * Posted writes as one request, at both isolation levels: IK_HC_IO_BATCH (IK_FEAT_IO_BATCH:
 * port and MMIO writes in one ordered queue, then a port access or an MMIO read) and the older
 * IK_HC_PIO_BATCH (port writes only, then a port access), whose entries become the same port
 * writes of the one loop below, so the rules are written once. The request is read once and
 * bounded (at most the backend's io_batch_max writes, the entries fetched once), each write is
 * checked and routed to the granted device exactly as the single access it stands for
 * (ik_devset_pio, ik_devset_mmio: same grant check, same violation message naming the port or
 * address), in order, the first refusal ending the driver; a DMA report entry (IK_FEAT_DMA_STRICT) is kept
 * as one range of IK_HC_DMA_MAP, in its place among the writes (ik_devset_dma_map: same
 * checks, same message); then the trailing access, if any: a port access
 * served as IK_HC_PIO_STRING (a single read is a string of one access), or an MMIO read.
 * The idle wait's writes (IK_HC_WAIT, IK_FEAT_WAIT_BATCH) are the same loop without a trailing
 * access (ik_dh_posted_writes).
 */
#include <string.h>

#include "devmodel.h"
#include "drvhost.h"

_Static_assert(IK_PIO_BATCH_MAX == IK_IO_BATCH_MAX, "one bound for both batch calls");
_Static_assert(IK_IO_BATCH_LARGE >= IK_IO_BATCH_MAX, "the large bound is the larger");

static bool is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static bool access_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

/* The entry's own fields, before any device hears of it. */
static int check_write(struct ik_drvhost *dh, unsigned nr, const struct ik_io_write *w, unsigned i,
		       unsigned n)
{
	if (w->space == IK_IO_PORT) {
		if (!access_size(w->size) || w->reserved || w->addr + w->size > IK_PIO_PORTS)
			return ik_dh_violation(
			    dh, nr,
			    "write %u of %u is not a port write (port 0x%llx, size "
			    "%u, reserved 0x%x)",
			    i + 1, n, (unsigned long long)w->addr, w->size, w->reserved);
		return 0;
	}
	if (w->space == IK_IO_MMIO) {
		if (!access_size(w->size) || w->reserved || w->addr < IK_GPA_DEVMMIO ||
		    w->addr >= IK_GPA_MMIO_END || w->size > IK_GPA_MMIO_END - w->addr)
			return ik_dh_violation(dh, nr,
					       "write %u of %u is not a device MMIO write (address "
					       "0x%llx, size %u, reserved 0x%x)",
					       i + 1, n, (unsigned long long)w->addr, w->size,
					       w->reserved);
		return 0;
	}
	if (w->space == IK_IO_DMA_MAP || w->space == IK_IO_DMA_UNMAP) {
		if (w->size || w->reserved || !w->value)
			return ik_dh_violation(
			    dh, nr,
			    "write %u of %u is not a DMA report (address 0x%llx, "
			    "length %u, size %u, reserved 0x%x)",
			    i + 1, n, (unsigned long long)w->addr, w->value, w->size, w->reserved);
		return 0;
	}
	return ik_dh_violation(dh, nr, "write %u of %u has no such address space (%u)", i + 1, n,
			       w->space);
}

/* A DMA mapping made or dropped, as one range of IK_HC_DMA_MAP (src/devices/dma.c). */
static int do_dma_report(struct ik_drvhost *dh, unsigned nr, const struct ik_io_write *w)
{
	const struct ik_dma_range r = {
	    .addr = w->addr, .len = w->value, .map = w->space == IK_IO_DMA_MAP};
	char why[200];

	if (ik_devset_dma_map(dh->devs, &r, 1, why, sizeof(why)))
		return ik_dh_violation(dh, nr, "%s", why);
	return 0;
}

static int do_write(struct ik_drvhost *dh, unsigned nr, const struct ik_io_write *w, unsigned i,
		    unsigned n)
{
	char why[256];
	int r;

	if ((r = check_write(dh, nr, w, i, n)))
		return r;
	if (!dh->devs)
		return ik_dh_violation(dh, 0, "device I/O without devices");
	if (w->space == IK_IO_DMA_MAP || w->space == IK_IO_DMA_UNMAP)
		return do_dma_report(dh, nr, w);
	if (w->space == IK_IO_PORT) {
		uint8_t data[4];

		memcpy(data, &w->value,
		       sizeof(data)); /* the low `size` bytes (x86 is little-endian) */
		r = ik_devset_pio(dh->devs, dh->name, (uint16_t)w->addr, w->size, true, data, why,
				  sizeof(why));
	} else {
		uint64_t val = w->value & ((1ull << (8 * w->size)) - 1); /* as a single write */

		r = ik_devset_mmio(dh->devs, dh->name, w->addr, w->size, true, &val, why,
				   sizeof(why));
	}
	return r ? ik_dh_violation(dh, 0, "%s", why) : 0;
}

/* The MMIO read after the writes: checked as a single read, its value into rd->value. */
static int do_read(struct ik_drvhost *dh, struct ik_io_read *rd)
{
	const struct ik_io_read q = *rd;
	uint64_t val = 0;
	char why[256];

	if ((!access_size(q.size) && q.size != 8) || !is_zero(q.reserved, sizeof(q.reserved)) ||
	    q.addr < IK_GPA_DEVMMIO || q.addr >= IK_GPA_MMIO_END ||
	    q.size > IK_GPA_MMIO_END - q.addr)
		return ik_dh_violation(dh, IK_HC_IO_BATCH,
				       "the read after the writes is not a device MMIO read "
				       "(address 0x%llx, size %u)",
				       (unsigned long long)q.addr, q.size);
	if (!dh->devs)
		return ik_dh_violation(dh, 0, "device I/O without devices");
	if (ik_devset_mmio(dh->devs, dh->name, q.addr, q.size, false, &val, why, sizeof(why)))
		return ik_dh_violation(dh, 0, "%s", why);
	rd->value = val;
	return 0;
}

/* The writes in order, then the trailing port access (`then`, all zero = none). */
static int serve(struct ik_drvhost *dh, unsigned nr, const struct ik_io_write *w, unsigned n,
		 struct ik_hc_pio_string *then)
{
	int r;

	for (unsigned i = 0; i < n; i++)
		if ((r = do_write(dh, nr, &w[i], i, n)))
			return r;
	if (is_zero(then, sizeof(*then)))
		return 0;
	/* IK_HC_PIO_STRING hands an input back through ops->store, never through its args. */
	return ik_dh_pio_string(dh, then);
}

/* count and reserved of a batch request, then its entries fetched once into out. */
static int fetch_writes(struct ik_drvhost *dh, unsigned nr, ik_gpa_t gpa, uint32_t count,
			uint32_t reserved, void *out, size_t entry)
{
	uint32_t max = nr == IK_HC_PIO_BATCH ? IK_PIO_BATCH_MAX : dh->io_batch_max;

	if (count > max || reserved)
		return ik_dh_violation(dh, nr, "bad request (%u writes: at most %u; reserved 0x%x)",
				       count, max, reserved);
	if (count && dh->ops->fetch(dh->be, gpa, out, (uint64_t)count * entry))
		return ik_dh_violation(dh, nr,
				       "writes [0x%llx, +%zu) are not readable guest memory",
				       (unsigned long long)gpa, count * entry);
	return 0;
}

int ik_dh_io_batch(struct ik_drvhost *dh, void *args)
{
	struct ik_hc_io_batch *out = args;
	const struct ik_hc_io_batch a = *out; /* read once */
	struct ik_io_write w[IK_IO_BATCH_LARGE];
	struct ik_hc_pio_string then = a.then;
	struct ik_io_read rd = a.read;
	bool has_read;
	int r;

	rd.value = 0; /* OUT: whatever the guest left there means nothing */
	has_read = !is_zero(&rd, sizeof(rd));
	if ((r = fetch_writes(dh, IK_HC_IO_BATCH, a.writes, a.count, a.reserved, w, sizeof(w[0]))))
		return r;
	if (has_read && !is_zero(&then, sizeof(then)))
		return ik_dh_violation(dh, IK_HC_IO_BATCH,
				       "both a port access and an MMIO read after the writes");
	if ((r = serve(dh, IK_HC_IO_BATCH, w, a.count, &then)))
		return r;
	if (!has_read)
		return 0;
	if ((r = do_read(dh, &rd)))
		return r;
	*out = a; /* the OUT field only: the rest goes back as it came */
	out->read.value = rd.value;
	return 0;
}

int ik_dh_posted_writes(struct ik_drvhost *dh, unsigned nr, ik_gpa_t writes, uint32_t count)
{
	struct ik_io_write w[IK_IO_BATCH_LARGE];
	struct ik_hc_pio_string none = {0};
	int r;

	if ((r = fetch_writes(dh, nr, writes, count, 0, w, sizeof(w[0]))))
		return r;
	return serve(dh, nr, w, count, &none);
}

int ik_dh_pio_batch(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_pio_batch a = *(const struct ik_hc_pio_batch *)args; /* read once */
	struct ik_pio_write pw[IK_PIO_BATCH_MAX];
	struct ik_io_write w[IK_PIO_BATCH_MAX];
	struct ik_hc_pio_string then = a.then;
	int r;

	if ((r = fetch_writes(dh, IK_HC_PIO_BATCH, a.writes, a.count, a.reserved, pw,
			      sizeof(pw[0]))))
		return r;
	for (unsigned i = 0; i < a.count; i++)
		w[i] = (struct ik_io_write){.addr = pw[i].port,
					    .value = pw[i].value,
					    .size = pw[i].size,
					    .space = IK_IO_PORT,
					    .reserved = pw[i].reserved};
	return serve(dh, IK_HC_PIO_BATCH, w, a.count, &then);
}
