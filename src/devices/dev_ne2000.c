/* SPDX-License-Identifier: MIT */
/*
 * "ne2000": an NE2000-compatible ISA Ethernet card (National Semiconductor DP8390 core), as
 * Linux's ne.c + 8390p.c drive it. 32 ports (default 0x300):
 *   +0x00-0x0f  DP8390 registers; CR (+0) selects one of three pages with bits 6-7
 *   +0x10-0x17  data port: remote DMA to/from the card's memory at RSAR, RBCR bytes
 *   +0x18-0x1f  reset port: a read or a write resets the chip (ISR bit 7 set)
 * Card memory (the remote DMA's address space): 0x0000-0x001f the station-address PROM (16
 * bytes, each doubled: the MAC, then 0x57 0x57 at words 14/15: a 16-bit NE2000), 0x4000-0x7fff
 * 16 KiB buffer RAM (pages 0x40-0x7f); reads elsewhere give 0xff, writes elsewhere are ignored.
 * A data-port access moves one unit of the mode DCR.WTS selects (a byte, or a 16-bit word)
 * per byte of the access, at least one unit (a byte read in word mode moves a word and returns
 * its low byte, as the chip does); RSAR wraps from PSTOP to PSTART; RBCR reaching 0 sets RDC.
 * CR: STP stops the chip, STA starts it, a write with neither keeps its state (lib8390 writes
 * NODMA | PAGE0 while running); CR reads back STA or STP as the state is.
 * Transmit: CR.TXP with the chip started sends TBCR bytes from page TPSR to the wire (PTX), or
 * sets TXE/TSR.ABT when the frame is outside the buffer RAM or longer than 1,518 bytes; TCR
 * loopback modes keep the frame off the wire. Receive: frames from the wire pass the address
 * filter (RCR: PRO, AB, AM with the MAR hash, our PAR), are padded to 60 bytes and stored at
 * CURR behind a 4-byte header (RSR, next page, byte count incl. header), wrapping PSTOP->PSTART;
 * a frame that would reach BNRY is dropped (ISR.OVW, RSR.MPA, CNTR2 counts it). CNTR0-2 clear
 * on read. The interrupt line rises when ISR & IMR & 0x7f becomes non-zero (ISA: an edge).
 * Hostile driver: registers hold any byte, but ring pointers are clamped to the buffer RAM
 * where they are used, every length is bounded and every card-memory access goes through
 * mem_read/mem_write, so no value reaches outside the model's own arrays.
 * Options: irq=N (9), mac=XX:XX:XX:XX:XX:XX (52:54:00:12:34:56 + instance), wire=SPEC (netwire.h).
 * Granted ne2000@pci it is a RealTek RTL8029 (10ec:8029, what ne2k-pci.c drives): its 32 ports
 * are the I/O BAR and its line the INTx line the monitor assigned (no irq= then).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikernel/abi.h" /* IK_SHADOW_PORT_READ */

#include "devmodel.h"
#include "netwire.h"

#define NE_NPORTS     0x20u
#define NE_DATA       0x10u
#define NE_RESET      0x18u
#define NE_PROM_SIZE  32u
#define NE_RAM_START  0x4000u
#define NE_RAM_END    0x8000u
#define NE_PAGE_FIRST (NE_RAM_START >> 8)
#define NE_PAGE_END   (NE_RAM_END >> 8)
#define NE_FRAME_MIN  60u
#define NE_RX_BURST   16u /* frames taken from the wire per wake, bounding time under the lock */

/* CR */
#define CR_STP 0x01
#define CR_STA 0x02
#define CR_TXP 0x04
#define CR_RD  0x38 /* remote DMA command: 0x08 read, 0x10 write, 0x20 abort/complete */
/* ISR */
#define ISR_PRX 0x01
#define ISR_PTX 0x02
#define ISR_TXE 0x08
#define ISR_OVW 0x10
#define ISR_CNT 0x20
#define ISR_RDC 0x40
#define ISR_RST 0x80
/* RCR */
#define RCR_AB  0x04
#define RCR_AM  0x08
#define RCR_PRO 0x10
#define RCR_MON 0x20
/* RSR, TSR, TCR, DCR */
#define RSR_PRX 0x01
#define RSR_MPA 0x10
#define RSR_PHY 0x20
#define TSR_PTX 0x01
#define TSR_ABT 0x08
#define TCR_LB  0x06
#define DCR_WTS 0x01

struct ne2000 {
	uint8_t cr, isr, imr, dcr, tcr, rcr, rsr, tsr;
	uint8_t pstart, pstop, bnry, curr, tpsr;
	uint16_t tbcr, rsar, rbcr;
	uint8_t par[6], mar[8], cntr[3];
	bool line;    /* the interrupt line's level */
	bool running; /* started (STA) and not stopped (STP) */
	unsigned irq;
	uint8_t prom[NE_PROM_SIZE];
	uint8_t ram[NE_RAM_END - NE_RAM_START];
	struct ik_netwire wire;
	uint8_t frame[IK_NETWIRE_FRAME_MAX];
};

static uint8_t mem_read(const struct ne2000 *n, uint16_t addr)
{
	if (addr < NE_PROM_SIZE)
		return n->prom[addr];
	if (addr >= NE_RAM_START && addr < NE_RAM_END)
		return n->ram[addr - NE_RAM_START];
	return 0xff;
}

static void mem_write(struct ne2000 *n, uint16_t addr, uint8_t v)
{
	if (addr >= NE_RAM_START && addr < NE_RAM_END)
		n->ram[addr - NE_RAM_START] = v;
}

/* The receive ring as usable pages [first, end), or false when the driver programmed none. */
static bool ring_pages(const struct ne2000 *n, unsigned *first, unsigned *end)
{
	if (n->pstart < NE_PAGE_FIRST || n->pstop > NE_PAGE_END || n->pstart >= n->pstop)
		return false;
	*first = n->pstart;
	*end = n->pstop;
	return true;
}

/* A ring pointer clamped into the ring (a page outside it means the first page). */
static unsigned ring_clamp(uint8_t page, unsigned first, unsigned end)
{
	return page >= first && page < end ? page : first;
}

static uint8_t read_reg(struct ne2000 *n, unsigned reg);

/*
 * Read shadows (devmodel.h, docs/ABI.md "Read shadows"): ports whose reads have no side effect
 * and that lib8390 reads on every frame, each published as what a read returns now for the
 * page CR selects: CR (is a transmit still going), BNRY, TSR (in ei_tx_intr) and ISR (the
 * remote-DMA-complete poll after each outsw, and the interrupt handler; CURR in page 1). The
 * guest reads one without an exit only while no port write is held, so a page switch it made
 * has reached us first. Republished wherever the chip changes: update_irq() ends every port
 * access, every received frame and the reset.
 */
static const struct ik_dev_shadow ne2000_shadows[] = {
	{0x00, IK_SHADOW_PORT_READ},
	{0x03, IK_SHADOW_PORT_READ},
	{0x04, IK_SHADOW_PORT_READ},
	{0x07, IK_SHADOW_PORT_READ},
};

static void publish_shadows(struct ik_device *dev, struct ne2000 *n)
{
	for (unsigned i = 0; i < sizeof(ne2000_shadows) / sizeof(ne2000_shadows[0]); i++)
		ik_dev_shadow_set(dev, i, read_reg(n, ne2000_shadows[i].offset));
}

static void update_irq(struct ik_device *dev, struct ne2000 *n)
{
	bool level = (n->isr & n->imr & 0x7f) != 0;

	if (level && !n->line)
		ik_dev_raise_irq(dev, n->irq);
	n->line = level;
	publish_shadows(dev, n);
}

static void count_missed(struct ne2000 *n)
{
	if (n->cntr[2] < 0xff)
		n->cntr[2]++;
	if (n->cntr[2] & 0x80)
		n->isr |= ISR_CNT;
}

static void chip_reset(struct ne2000 *n)
{
	n->running = false;
	n->cr = CR_STP | 0x20;
	n->isr = ISR_RST;
	n->imr = 0;
}

/* One remote-DMA unit moved: RSAR advances (wrapping at the ring's end), RBCR counts down. */
static void dma_advance(struct ne2000 *n, unsigned len)
{
	n->rsar = (uint16_t)(n->rsar + len);
	if (n->pstop > n->pstart && n->rsar == (uint16_t)(n->pstop << 8))
		n->rsar = (uint16_t)(n->pstart << 8);
	if (n->rbcr <= len) {
		n->rbcr = 0;
		n->isr |= ISR_RDC;
	} else {
		n->rbcr = (uint16_t)(n->rbcr - len);
	}
}

static unsigned dma_unit(const struct ne2000 *n)
{
	return n->dcr & DCR_WTS ? 2u : 1u;
}

static uint32_t data_read(struct ne2000 *n, unsigned size)
{
	unsigned unit = dma_unit(n), len = size > unit ? size : unit;
	uint32_t v = 0;

	for (unsigned i = 0; i < len; i += unit) {
		for (unsigned b = 0; b < unit; b++)
			if (i + b < 4)
				v |= (uint32_t)mem_read(n, (uint16_t)(n->rsar + b)) << (8 * (i + b));
		dma_advance(n, unit);
	}
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void data_write(struct ne2000 *n, unsigned size, uint32_t v)
{
	unsigned unit = dma_unit(n), len = size > unit ? size : unit;

	for (unsigned i = 0; i < len; i += unit) {
		for (unsigned b = 0; b < unit; b++)
			mem_write(n, (uint16_t)(n->rsar + b), i + b < size ? (uint8_t)(v >> (8 * (i + b))) : 0);
		dma_advance(n, unit);
	}
}

static void transmit(struct ne2000 *n)
{
	unsigned start = (unsigned)n->tpsr << 8, len = n->tbcr;

	n->cr &= (uint8_t)~CR_TXP;
	if (start < NE_RAM_START || start + len > NE_RAM_END || len == 0 ||
	    len > IK_NETWIRE_FRAME_MAX) {
		n->tsr = TSR_ABT;
		n->isr |= ISR_TXE;
		return;
	}
	if (!(n->tcr & TCR_LB)) {
		ik_netwire_send(&n->wire, n->ram + (start - NE_RAM_START), len);
		ik_netwire_flush(&n->wire); /* one frame per transmit command */
	}
	n->tsr = TSR_PTX;
	n->isr |= ISR_PTX;
}

/* STP stops the chip, STA starts it; a write with neither (lib8390's NODMA | PAGE0) leaves it
 * as it was, and CR reads back the state. */
static void write_cr(struct ne2000 *n, uint8_t v)
{
	if (v & CR_STP)
		n->running = false;
	else if (v & CR_STA)
		n->running = true;
	n->cr = (uint8_t)((v & ~(CR_STP | CR_STA)) | (n->running ? CR_STA : CR_STP));
	if (!n->running) {
		n->isr |= ISR_RST;
		return;
	}
	n->isr &= (uint8_t)~ISR_RST;
	if ((v & CR_RD) && (v & CR_RD) < 0x20 && n->rbcr == 0)
		n->isr |= ISR_RDC;
	if (v & CR_TXP)
		transmit(n);
}

static uint8_t read_page0(struct ne2000 *n, unsigned reg)
{
	uint8_t v;

	switch (reg) {
	case 0x01: return 0x00;                       /* CLDA0 */
	case 0x02: return n->curr;                    /* CLDA1 */
	case 0x03: return n->bnry;
	case 0x04: return n->tsr;
	case 0x05: return 0x00;                       /* NCR: no collisions */
	case 0x06: return 0x00;                       /* FIFO */
	case 0x07: return n->isr;
	case 0x08: return (uint8_t)n->rsar;           /* CRDA0 */
	case 0x09: return (uint8_t)(n->rsar >> 8);    /* CRDA1 */
	case 0x0c: return n->rsr;
	case 0x0d:
	case 0x0e:
	case 0x0f:
		v = n->cntr[reg - 0x0d];              /* counters clear on read */
		n->cntr[reg - 0x0d] = 0;
		return v;
	default: return 0xff;                         /* reserved */
	}
}

static void write_page0(struct ne2000 *n, unsigned reg, uint8_t v)
{
	switch (reg) {
	case 0x01: n->pstart = v; break;
	case 0x02: n->pstop = v; break;
	case 0x03: n->bnry = v; break;
	case 0x04: n->tpsr = v; break;
	case 0x05: n->tbcr = (uint16_t)((n->tbcr & 0xff00) | v); break;
	case 0x06: n->tbcr = (uint16_t)((n->tbcr & 0x00ff) | v << 8); break;
	case 0x07: n->isr &= (uint8_t)~v; break;      /* write 1 to acknowledge */
	case 0x08: n->rsar = (uint16_t)((n->rsar & 0xff00) | v); break;
	case 0x09: n->rsar = (uint16_t)((n->rsar & 0x00ff) | v << 8); break;
	case 0x0a: n->rbcr = (uint16_t)((n->rbcr & 0xff00) | v); break;
	case 0x0b: n->rbcr = (uint16_t)((n->rbcr & 0x00ff) | v << 8); break;
	case 0x0c: n->rcr = v & 0x3f; break;
	case 0x0d: n->tcr = v & 0x1f; break;
	case 0x0e: n->dcr = v & 0x7f; break;
	case 0x0f: n->imr = v & 0x7f; break;
	}
}

static uint8_t read_page2(const struct ne2000 *n, unsigned reg)
{
	switch (reg) {
	case 0x01: return n->pstart;
	case 0x02: return n->pstop;
	case 0x03: return n->bnry;                    /* remote next packet pointer */
	case 0x04: return n->tpsr;
	case 0x05: return n->curr;                    /* local next packet pointer */
	case 0x0c: return n->rcr | 0xc0;
	case 0x0d: return n->tcr | 0xe0;
	case 0x0e: return n->dcr | 0x80;
	case 0x0f: return n->imr | 0x80;
	default: return 0xff;
	}
}

static uint8_t read_reg(struct ne2000 *n, unsigned reg)
{
	if (reg == 0)
		return n->cr;
	switch (n->cr >> 6) {
	case 0: return read_page0(n, reg);
	case 1: return reg <= 6 ? n->par[reg - 1] : reg == 7 ? n->curr : n->mar[reg - 8];
	case 2: return read_page2(n, reg);
	default: return 0xff;                         /* page 3: none on a DP8390 */
	}
}

static void write_reg(struct ne2000 *n, unsigned reg, uint8_t v)
{
	if (reg == 0) {
		write_cr(n, v);
		return;
	}
	switch (n->cr >> 6) {
	case 0: write_page0(n, reg, v); break;
	case 1:
		if (reg <= 6)
			n->par[reg - 1] = v;
		else if (reg == 7)
			n->curr = v;
		else
			n->mar[reg - 8] = v;
		break;
	default: break;                               /* page 2: diagnostics, ignored */
	}
}

static int ne2000_read(struct ik_device *dev, uint16_t off, unsigned size, uint32_t *val)
{
	struct ne2000 *n = dev->state;

	if (off >= NE_RESET) {
		chip_reset(n);
		*val = 0;
	} else if (off >= NE_DATA) {
		*val = data_read(n, size);
	} else if (size != 1) {
		return -EINVAL;
	} else {
		*val = read_reg(n, off);
	}
	update_irq(dev, n);
	return 0;
}

static int ne2000_write(struct ik_device *dev, uint16_t off, unsigned size, uint32_t val)
{
	struct ne2000 *n = dev->state;

	if (off >= NE_RESET)
		chip_reset(n);
	else if (off >= NE_DATA)
		data_write(n, size, val);
	else if (size != 1)
		return -EINVAL;
	else
		write_reg(n, off, (uint8_t)val);
	update_irq(dev, n);
	return 0;
}

/* The DP8390's multicast hash: the top 6 bits of the destination address's CRC-32 taken in
 * transmission order (Linux's ether_crc(): bitrev32(crc32_le(~0, addr, 6)), not inverted). */
static unsigned multicast_bit(const uint8_t *mac)
{
	uint32_t crc = 0xffffffffu, rev = 0;

	for (unsigned i = 0; i < 6; i++) {
		crc ^= mac[i];
		for (unsigned b = 0; b < 8; b++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	}
	for (unsigned b = 0; b < 32; b++)
		rev |= ((crc >> b) & 1u) << (31 - b);
	return rev >> 26;
}

static bool address_accepted(const struct ne2000 *n, const uint8_t *dst)
{
	static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	unsigned bit;

	if (n->rcr & RCR_PRO)
		return true;
	if (!memcmp(dst, broadcast, 6))
		return n->rcr & RCR_AB;
	if (dst[0] & 1) {
		bit = multicast_bit(dst);
		return (n->rcr & RCR_AM) && (n->mar[bit >> 3] & (1u << (bit & 7)));
	}
	return !memcmp(dst, n->par, 6);
}

/* Store one frame (len <= IK_NETWIRE_FRAME_MAX) in the ring, as the chip's receiver would. */
static void receive(struct ik_device *dev, struct ne2000 *n, const uint8_t *frame, size_t len)
{
	unsigned first, end, curr, bnry, pages, need, free, next, addr;
	size_t stored = len < NE_FRAME_MIN ? NE_FRAME_MIN : len;

	if (!n->running || len < 14 || !address_accepted(n, frame))
		return;
	if ((n->rcr & RCR_MON) || !ring_pages(n, &first, &end))
		return;
	pages = end - first;
	curr = ring_clamp(n->curr, first, end);
	bnry = ring_clamp(n->bnry, first, end);
	/* the chip's pages: the header, the frame, and the 4-byte CRC it would store after it
	 * (not counted in the header's byte count); lib8390 checks `next` against this */
	need = (unsigned)((4 + stored + 4 + 255) >> 8);
	free = (bnry + pages - curr) % pages;
	if (free == 0)
		free = pages; /* CURR == BNRY: an empty ring */
	if (need >= free) {
		n->rsr = RSR_MPA;
		n->isr |= ISR_OVW;
		count_missed(n);
		update_irq(dev, n);
		return;
	}
	next = curr + need;
	if (next >= end)
		next -= pages;
	n->rsr = RSR_PRX | (frame[0] & 1 ? RSR_PHY : 0);
	addr = curr << 8;
	mem_write(n, (uint16_t)addr, n->rsr);
	mem_write(n, (uint16_t)(addr + 1), (uint8_t)next);
	mem_write(n, (uint16_t)(addr + 2), (uint8_t)(stored + 4));
	mem_write(n, (uint16_t)(addr + 3), (uint8_t)((stored + 4) >> 8));
	addr += 4;
	for (size_t i = 0; i < stored; i++) {
		if (addr >= end << 8)
			addr = first << 8;
		mem_write(n, (uint16_t)addr++, i < len ? frame[i] : 0);
	}
	n->curr = (uint8_t)next;
	n->isr |= ISR_PRX;
	update_irq(dev, n);
}

static int ne2000_poll_fd(struct ik_device *dev)
{
	struct ne2000 *n = dev->state;

	return ik_netwire_poll_fd(&n->wire);
}

static void ne2000_poll_ready(struct ik_device *dev)
{
	struct ne2000 *n = dev->state;

	for (unsigned i = 0; i < NE_RX_BURST; i++) {
		ssize_t len = ik_netwire_recv(&n->wire, n->frame);

		if (len < 0) {
			ik_dev_log(dev, "ne2000@0x%x: wire failed (%s): unplugged", dev->port,
				   strerror((int)-len));
			ik_netwire_close(&n->wire);
			return;
		}
		if (len == 0)
			return;
		receive(dev, n, n->frame, (size_t)len);
	}
}

static int ne2000_init(struct ik_device *dev)
{
	static const uint8_t def_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	unsigned long irq;
	uint8_t mac[6];
	struct ne2000 *n;
	int r;

	if ((r = ik_dev_opt_uint(dev, "irq", 9, 63, &irq)))
		return r;
	if (dev->on_pci) { /* a PCI function's INTx line is the monitor's to assign */
		char given[8];

		if (ik_dev_opt(dev, "irq", given, sizeof(given)) != -ENOENT)
			return ik_dev_fail(dev, "irq= is not an option of ne2000@pci (the monitor "
					   "assigns its INTx line: IRQ %u)", dev->irq);
		irq = dev->irq;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	if ((r = ik_netwire_card_open(dev, &n->wire, def_mac, mac))) {
		free(n);
		return r;
	}
	n->irq = (unsigned)irq;
	for (unsigned i = 0; i < 6; i++)
		n->prom[2 * i] = n->prom[2 * i + 1] = mac[i];
	n->prom[28] = n->prom[29] = n->prom[30] = n->prom[31] = 0x57;
	chip_reset(n);
	dev->state = n;
	publish_shadows(dev, n);
	return 0;
}

static void ne2000_destroy(struct ik_device *dev)
{
	struct ne2000 *n = dev->state;

	if (!n)
		return;
	ik_netwire_close(&n->wire);
	free(n);
	dev->state = NULL;
}

static const char *const ne2000_options_list[] = {"irq", "mac", "wire", NULL};

/* As a PCI function (ne2000@pci): a RealTek RTL8029, the PCI NE2000 clone Linux's ne2k-pci.c
 * drives, its 32 ports the I/O BAR. */
static const struct ik_pci_ident rtl8029_pci = {
	.vendor = 0x10ec, .device = 0x8029, .subvendor = 0x10ec, .subdevice = 0x8029,
	.class_code = 0x020000, .revision = 0,
};

const struct ik_devmodel ik_dev_ne2000 = {
	.name = "ne2000",
	.summary = "NE2000 Ethernet card (DP8390; ISA, or @pci as an RTL8029; wire=none|tap:NAME|socket:PATH|pcap:FILE)",
	.default_port = 0x300,
	.nports = NE_NPORTS,
	.init = ne2000_init,
	.destroy = ne2000_destroy,
	.pio_read = ne2000_read,
	.pio_write = ne2000_write,
	.options = ne2000_options_list,
	.poll_fd = ne2000_poll_fd,
	.poll_ready = ne2000_poll_ready,
	.pci = &rtl8029_pci,
	.shadows = ne2000_shadows,
	.nshadows = sizeof(ne2000_shadows) / sizeof(ne2000_shadows[0]),
};
