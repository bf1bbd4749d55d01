/* SPDX-License-Identifier: MIT */
/*
 * MMIO read shadows (IK_FEAT_MMIO_SHADOW, docs/ABI.md "Read shadows"): a read of a register
 * the monitor lists as IK_SHADOW_READ (a port it lists as IK_SHADOW_PORT_READ) costs no exit
 * while every held device write (pio_post.c) is to a register it lists as IK_SHADOW_LAZY: the
 * value is the one the device model keeps in the event page, released there at each change. DMA mapping reports may be held too: they
 * change nothing a device does until a write tells it to use the mapping, and such a write is
 * behind them in the queue. Otherwise the read is what it was: it carries the held writes to
 * the device (they may change the value) and exits.
 * The table is the monitor's (the boot info, read once here); the values are the only thing
 * the guest reads from the event page, and the monitor never reads them back: a driver that
 * scribbles on either fools only itself.
 */
#include "internal.h"

struct shadow_reg {
	uint32_t addr;
	uint8_t size, kind; /* kind 0: an entry we do not understand, never matched */
};

static struct shadow_reg regs[IK_MAX_MMIO_SHADOWS]; /* entry i: value slot i */
static unsigned nregs;
static bool loaded;
static const uint32_t *values; /* in the event page */

static void load(void)
{
	const struct ik_bootinfo *bi = ik_bootinfo();
	uint32_t off = bi->shadow_off;

	loaded = true;
	if ((bi->features & (IK_FEAT_MMIO_SHADOW | IK_FEAT_IO_BATCH)) !=
		(IK_FEAT_MMIO_SHADOW | IK_FEAT_IO_BATCH) ||
	    off < sizeof(struct ik_events) || off % 4 || off > IK_PAGE_SIZE - 4 * IK_MAX_MMIO_SHADOWS)
		return;
	for (nregs = 0; nregs < IK_MAX_MMIO_SHADOWS; nregs++) {
		struct ik_mmio_shadow e = bi->mmio_shadow[nregs];
		bool known = (e.kind == IK_SHADOW_READ || e.kind == IK_SHADOW_LAZY ||
			      e.kind == IK_SHADOW_PORT_READ) &&
			     (e.size == 1 || e.size == 2 || e.size == 4) && !e.reserved;

		if (!e.addr)
			break;
		regs[nregs] = (struct shadow_reg){e.addr, e.size, known ? e.kind : 0};
	}
	values = (const uint32_t *)((const char *)IK_EVENTS_PTR + off);
}

/* The table entry of exactly (addr, size) of this kind, or -1. */
static int find(uint64_t addr, unsigned size, uint8_t kind)
{
	if (__builtin_expect(!loaded, 0))
		load();
	for (unsigned i = 0; i < nregs; i++)
		if (regs[i].addr == addr && regs[i].size == size && regs[i].kind == kind)
			return (int)i;
	return -1;
}

const uint32_t *ik_mmio_shadow_values(void)
{
	if (!loaded)
		load();
	return nregs ? values : NULL;
}

bool ik_mmio_shadow_lazy(uint64_t addr, unsigned size)
{
	return find(addr, size, IK_SHADOW_LAZY) >= 0;
}

bool ik_mmio_shadow_read(uint64_t addr, unsigned size, uint64_t *value)
{
	int i = find(addr, size, IK_SHADOW_READ);

	if (i < 0 || !ik_posted_all_lazy())
		return false;
	*value = __atomic_load_n(&values[i], __ATOMIC_ACQUIRE);
	return true;
}

/* A held port write may select what the port reads (a register page) or change it: none may
 * be held, so ik_posted_all_lazy() (false with any port write held) decides here too. */
bool ik_port_shadow_read(uint16_t port, unsigned size, uint32_t *value)
{
	int i = find(port, size, IK_SHADOW_PORT_READ);

	if (i < 0 || !ik_posted_all_lazy())
		return false;
	*value = __atomic_load_n(&values[i], __ATOMIC_ACQUIRE);
	return true;
}
