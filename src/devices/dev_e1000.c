/* SPDX-License-Identifier: MIT */
/*
 * "e1000": an Intel 82540EM Gigabit Ethernet controller (PCI 8086:100E), as Linux's e1000
 * driver uses it, written from the 8254x Software Developer's Manual. Two register windows:
 *   MMIO (128 KiB, BAR 0)  the registers, 32-bit accesses at 4-byte aligned offsets
 *   port I/O (8 ports)     IOADDR (+0) selects a register, IODATA (+4) reads/writes it (Linux
 *                          issues CTRL.RST this way on this chip)
 * What it does:
 *   - a 64-word Microwire EEPROM (93C46) bit-banged through EECD (REQ/GNT, CS, SK, DI, DO) or
 *     read through EERD: the MAC in words 0-2, the PCI IDs, words summing to 0xBABA;
 *   - an M88E1011 PHY (ID 0x0141/0x0C20) at MDIO address 1 through MDIC: reset and
 *     auto-negotiation complete at once, link up at 1000 Mb/s full duplex;
 *   - CTRL.RST (self-clearing) resets the registers; STATUS reports link up, 1000FD;
 *   - interrupts: ICR (clear on read, write 1 to clear), ICS, IMS, IMC; the line rises when
 *     ICR & IMS becomes non-zero, at most once per ITR interval (256 ns units): a rise inside
 *     the interval is delivered when it ends (the device's timer, ik_dev_tick_at);
 *   - transmit ring (TDBAL/TDBAH/TDLEN/TDH/TDT): legacy descriptors, context and data
 *     descriptors (IP and TCP/UDP checksum insertion), VLAN tag insertion, frames assembled
 *     from descriptors up to EOP, RS -> DD written back, TXDW/TXQE;
 *   - TCP segmentation (TSO, e1000_offload.c): a context with TUCMD.TSE (HDRLEN, MSS, PAYLEN)
 *     and data descriptors with DCMD.TSE carry one packet of up to 64 KiB payload; it leaves as
 *     frames of HDRLEN + at most MSS bytes, each with its IP length, IPv4 identification, TCP
 *     sequence number and flags, and checksums (POPTS.IXSM/TXSM); TSCTC counts the packets sent.
 *     A context that does not fit (MSS below 32, HDRLEN + MSS past a frame, PAYLEN past 64 KiB,
 *     offsets outside the header, UDP, descriptors carrying other than HDRLEN + PAYLEN bytes)
 *     drops the packet, counted in TSCTFC, the first one logged with the field at fault;
 *   - receive ring (RDBAL/RDBAH/RDLEN/RDH/RDT): legacy descriptors, buffers of RCTL.BSIZE/BSEX,
 *     a frame spanning descriptors (EOP on the last), the CRC appended (RCTL.SECRC strips it),
 *     VLAN tag stripping (CTRL.VME) and filtering (RCTL.VFE, VFTA), RXT0/RXDMT0/RXO;
 *   - receive filter: 16 RAL/RAH pairs, the 4096-bit MTA hash (RCTL.MO), UPE/MPE/BAM;
 *   - statistics (0x4000-0x40FC, 64 registers) that clear on read.
 *   - read shadows (devmodel.h): STATUS is read from the event page without an exit, and IMS,
 *     IMC, ITR, TDT and RDT writes may wait (e1000_shadows below says why).
 * Hostile driver: every register is a 32-bit slot of the model's own array; every value is
 * masked where it is used (ring lengths to whole descriptors, indices into the ring, buffer
 * sizes from a table); one doorbell processes at most E1K_TX_BURST descriptors and, past
 * E1K_TX_FRAME_BURST frames sent, ends after the descriptor at hand (the rest on the next
 * doorbell or tick); guest memory is reached only through ik_dev_dma_read/write, whose
 * refusal (outside the driver's RAM, bus mastering off, dma=strict) ends the driver with a
 * violation naming the address; the card halts at once (no further DMA) and logs which ring
 * register led there.
 * Granted as e1000@pci (the usual way: BAR0 the MMIO window, BAR1 the I/O window, the INTx line
 * the monitor's) or at a port (its I/O window there, irq=N).
 * Options: mac=XX:XX:XX:XX:XX:XX (default 02:49:4b:45:31:NN, NN the instance), irq=N (11; not
 * on PCI), wire=SPEC (netwire.h), dma=strict|ram (devmodel.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikernel/abi.h"

#include "devmodel.h"
#include "e1000_offload.h"
#include "netwire.h"

#define E1K_MMIO_SIZE  0x20000u
#define E1K_NREGS      (E1K_MMIO_SIZE / 4)
#define E1K_NPORTS     8u
#define E1K_EE_WORDS   64u
#define E1K_PHY_ADDR   1u
#define E1K_TX_BURST   1024u /* descriptors per doorbell or tick */
#define E1K_TX_FRAME_BURST 4096u /* frames per doorbell or tick (TSO: + one packet's) */
#define E1K_RX_BURST   32u   /* frames taken from the wire per wake */
#define E1K_TX_MAX     (IK_NETWIRE_FRAME_MAX + 4u) /* a frame we may assemble (+ a VLAN tag) */
#define E1K_RX_MAX     (IK_NETWIRE_FRAME_MAX + 4u) /* + the CRC */
#define E1K_FRAME_MIN  60u
#define E1K_DESC       16u

/* registers (byte offsets) */
enum {
	CTRL = 0x0000, STATUS = 0x0008, EECD = 0x0010, EERD = 0x0014, MDIC = 0x0020,
	VET = 0x0038, ICR = 0x00c0, ITR = 0x00c4, ICS = 0x00c8, IMS = 0x00d0, IMC = 0x00d8,
	RCTL = 0x0100, TCTL = 0x0400, PBA = 0x1000,
	RDBAL = 0x2800, RDBAH = 0x2804, RDLEN = 0x2808, RDH = 0x2810, RDT = 0x2818,
	TDBAL = 0x3800, TDBAH = 0x3804, TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818,
	STATS = 0x4000, STATS_END = 0x4100,
	MTA = 0x5200, RAL0 = 0x5400, VFTA = 0x5600,
};
/* statistics we count */
enum {
	MPC = 0x4010, PRC64 = 0x405c, GPRC = 0x4074, BPRC = 0x4078, MPRC = 0x407c, GPTC = 0x4080,
	GORCL = 0x4088, GOTCL = 0x4090, RNBC = 0x40a0, TORL = 0x40c0, TOTL = 0x40c8, TPR = 0x40d0,
	TPT = 0x40d4, PTC64 = 0x40d8, MPTC = 0x40f0, BPTC = 0x40f4, TSCTC = 0x40f8,
	TSCTFC = 0x40fc,
};

#define CTRL_RST     (1u << 26)
/* STATUS never changes here: link up at 1000 Mb/s full duplex, whatever the driver does. */
#define E1K_STATUS   (STATUS_LU | STATUS_FD | STATUS_1000)
#define CTRL_VME     (1u << 30)
#define STATUS_FD    0x01u
#define STATUS_LU    0x02u
#define STATUS_1000  0x80u
#define EECD_SK      0x01u
#define EECD_CS      0x02u
#define EECD_DI      0x04u
#define EECD_DO      0x08u
#define EECD_REQ     0x40u
#define EECD_GNT     0x80u
#define EECD_PRES    0x100u
#define EERD_START   0x01u
#define EERD_DONE    0x10u
#define MDIC_READY   (1u << 28)
#define MDIC_INT     (1u << 29)
#define MDIC_ERROR   (1u << 30)
#define ICR_TXDW     0x01u
#define ICR_TXQE     0x02u
#define ICR_RXDMT0   0x10u
#define ICR_RXO      0x40u
#define ICR_RXT0     0x80u
#define ICR_MDAC     0x200u
#define RCTL_EN      0x02u
#define RCTL_UPE     0x08u
#define RCTL_MPE     0x10u
#define RCTL_BAM     0x8000u
#define RCTL_VFE     0x40000u
#define RCTL_BSEX    0x2000000u
#define RCTL_SECRC   0x4000000u
#define TCTL_EN      0x02u
#define TCTL_PSP     0x08u
#define RAH_AV       (1u << 31)
/* descriptor bits */
#define TXD_EOP      0x01u
#define TXD_IC       0x04u
#define TXD_RS       0x08u
#define TXD_DEXT     0x20u
#define TXD_VLE      0x40u
#define TXD_TSE      0x04u /* data descriptor command (the context's is E1K_TUCMD_TSE) */
#define DESC_DD      0x01u
#define RXD_EOP      0x02u
#define RXD_IXSM     0x04u
#define RXD_VP       0x08u

/* PHY registers */
#define PHY_CTRL     0x00
#define PHY_STATUS   0x01
#define PHY_ID1      0x02
#define PHY_ID2      0x03
#define PHY_LPA      0x05
#define PHY_1000T_ST 0x0a
#define PHY_EXT_ST   0x0f
#define M88_SPEC_ST  0x11
#define PHY_CTRL_RESET   0x8000u
#define PHY_CTRL_RESTART 0x0200u

/* The Microwire EEPROM's serial state. */
struct e1k_eeprom {
	uint16_t words[E1K_EE_WORDS];
	bool cs, sk;
	unsigned nbits;  /* command bits shifted in since CS rose */
	uint32_t cmd;    /* those bits, last one lowest */
	bool reading;    /* a READ command is shifting data out */
	unsigned addr, bit;
	bool dout;
};

struct e1000 {
	uint32_t reg[E1K_NREGS];
	uint16_t phy[32];
	struct e1k_eeprom ee;
	uint32_t ioaddr;
	unsigned irq;
	bool line;           /* ICR & IMS was non-zero at the last look */
	bool irq_deferred;   /* a rise inside the ITR interval, not delivered yet */
	uint64_t last_irq_ns;
	bool halted;         /* a DMA outside the driver's RAM: the next access is refused */
	char halt_why[160];
	bool tso_said;       /* a refused TSO packet was logged */
	/* transmit: the frame (or TSO packet) being assembled */
	struct e1k_txctx ctx;
	uint8_t tx[E1K_TSO_PACKET_MAX];
	size_t tx_len, tx_cap; /* bytes kept, the most this frame may have */
	size_t tx_seen;        /* bytes its descriptors carried (kept or not) */
	bool tx_started, tx_drop, tx_legacy_ic;
	bool tx_tso, tx_tso_refused;
	unsigned tx_burst_frames; /* frames sent by this doorbell or tick */
	unsigned tx_at;           /* the ring index of the descriptor at hand (for the log) */
	uint8_t seg[E1K_TX_MAX];  /* one TSO segment */
	uint8_t tx_popts;
	uint8_t tx_cso, tx_css;
	uint16_t tx_vlan;
	bool tx_vle;
	uint8_t rx[E1K_RX_MAX + 4];
	uint8_t frame[IK_NETWIRE_FRAME_MAX];
	struct ik_netwire wire;
	uint8_t mac[6];
};

#define R(e, off) ((e)->reg[(off) >> 2])

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

/* ---- interrupts ------------------------------------------------------------------------ */

static uint64_t itr_interval_ns(const struct e1000 *e)
{
	return (uint64_t)(R(e, ITR) & 0xffffu) * 256u;
}

/* Raise the line on a rise of ICR & IMS, or deliver a throttled rise whose interval is over. */
static void update_irq(struct ik_device *dev, struct e1000 *e)
{
	bool level = (R(e, ICR) & R(e, IMS)) != 0;
	uint64_t now;

	if (!level) {
		e->line = false;
		e->irq_deferred = false;
		return;
	}
	if (e->line && !e->irq_deferred)
		return;
	e->line = true;
	now = ik_dev_now_ns();
	if (e->last_irq_ns && now - e->last_irq_ns < itr_interval_ns(e)) {
		e->irq_deferred = true; /* delivered by tick() when the interval is over */
		ik_dev_tick_at(dev, e->last_irq_ns + itr_interval_ns(e));
		return;
	}
	e->irq_deferred = false;
	e->last_irq_ns = now;
	ik_dev_raise_irq(dev, e->irq);
}

static void set_cause(struct ik_device *dev, struct e1000 *e, uint32_t bits)
{
	R(e, ICR) |= bits;
	update_irq(dev, e);
}

/* ---- DMA ------------------------------------------------------------------------------- */

/* A DMA the host refused: the card stops touching guest memory and says why once. */
static int dma_fault(struct ik_device *dev, struct e1000 *e, const char *what, uint64_t gpa,
		     size_t len)
{
	if (!e->halted) {
		snprintf(e->halt_why, sizeof(e->halt_why),
			 "e1000: DMA to %s at 0x%llx (%zu bytes) is outside the driver's RAM", what,
			 (unsigned long long)gpa, len);
		ik_dev_log(dev, "%s: card halted", e->halt_why);
		e->halted = true;
	}
	return -EFAULT;
}

static int dma_read(struct ik_device *dev, struct e1000 *e, const char *what, uint64_t gpa,
		    void *buf, size_t len)
{
	if (e->halted)
		return -EFAULT;
	if (gpa + len < gpa || ik_dev_dma_read(dev, gpa, buf, len))
		return dma_fault(dev, e, what, gpa, len);
	return 0;
}

static int dma_write(struct ik_device *dev, struct e1000 *e, const char *what, uint64_t gpa,
		     const void *buf, size_t len)
{
	if (e->halted)
		return -EFAULT;
	if (gpa + len < gpa || ik_dev_dma_write(dev, gpa, buf, len))
		return dma_fault(dev, e, what, gpa, len);
	return 0;
}

/* ---- statistics ------------------------------------------------------------------------ */

static void stat_add(struct e1000 *e, unsigned off, uint32_t n)
{
	uint32_t v = R(e, off);

	R(e, off) = v + n < v ? 0xffffffffu : v + n; /* 32-bit counters stick at the top */
}

static void stat_add64(struct e1000 *e, unsigned off, uint32_t n)
{
	uint32_t lo = R(e, off);

	R(e, off) = lo + n;
	if (lo + n < lo)
		R(e, off + 4)++;
}

/* PRC64..PRC1522 / PTC64..PTC1522: six size buckets from `first`. */
static void stat_size(struct e1000 *e, unsigned first, size_t len)
{
	static const size_t top[] = {64, 127, 255, 511, 1023};
	unsigned i = 0;

	while (i < 5 && len > top[i])
		i++;
	stat_add(e, first + 4 * i, 1);
}

static void stat_frame(struct e1000 *e, bool rx, const uint8_t *dst, size_t len)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	bool b = !memcmp(dst, bcast, 6), m = !b && (dst[0] & 1);

	stat_add(e, rx ? GPRC : GPTC, 1);
	stat_add(e, rx ? TPR : TPT, 1);
	stat_add64(e, rx ? GORCL : GOTCL, (uint32_t)len);
	stat_add64(e, rx ? TORL : TOTL, (uint32_t)len);
	stat_size(e, rx ? PRC64 : PTC64, len);
	if (b)
		stat_add(e, rx ? BPRC : BPTC, 1);
	if (m)
		stat_add(e, rx ? MPRC : MPTC, 1);
}

/* ---- EEPROM ---------------------------------------------------------------------------- */

static void eeprom_fill(struct e1k_eeprom *ee, const uint8_t *mac)
{
	uint16_t sum = 0;

	memset(ee->words, 0, sizeof(ee->words));
	for (unsigned i = 0; i < 3; i++)
		ee->words[i] = (uint16_t)(mac[2 * i] | mac[2 * i + 1] << 8);
	ee->words[0x0a] = 0x4008;  /* init control 1: 8254x signature bits */
	ee->words[0x0b] = 0x001e;  /* subsystem id */
	ee->words[0x0c] = 0x8086;  /* subsystem vendor */
	ee->words[0x0d] = 0x100e;  /* device id: 82540EM */
	ee->words[0x0e] = 0x8086;  /* vendor */
	ee->words[0x0f] = 0x0000;  /* init control 2: no pause frames */
	for (unsigned i = 0; i < E1K_EE_WORDS - 1; i++)
		sum = (uint16_t)(sum + ee->words[i]);
	ee->words[E1K_EE_WORDS - 1] = (uint16_t)(0xbaba - sum);
}

/* A rising SK edge with CS high: shift a command bit in, or the next data bit out. A READ is
 * start bit 1, opcode 10, then 6 address bits; the data follow MSB first, the address
 * advancing after each word (a sequential read). */
static void eeprom_clock(struct e1k_eeprom *ee, bool di)
{
	if (ee->reading) {
		unsigned word = ee->words[ee->addr % E1K_EE_WORDS];

		ee->dout = (word >> (15 - ee->bit)) & 1u;
		if (++ee->bit == 16) {
			ee->bit = 0;
			ee->addr = (ee->addr + 1) % E1K_EE_WORDS;
		}
		return;
	}
	if (ee->nbits == 0 && !di)
		return; /* waiting for the start bit */
	ee->cmd = (ee->cmd << 1) | di;
	if (++ee->nbits < 9)
		return;
	if ((ee->cmd >> 6) == 0x6) { /* 1 10 aaaaaa: READ */
		ee->reading = true;
		ee->addr = ee->cmd & 0x3f;
		ee->bit = 0;
		ee->dout = false; /* the dummy 0 before the data */
	}
	ee->nbits = 0; /* other commands (write, erase, enable) are ignored: read-only */
	ee->cmd = 0;
}

static void eecd_write(struct e1000 *e, uint32_t v)
{
	struct e1k_eeprom *ee = &e->ee;
	bool cs = v & EECD_CS, sk = v & EECD_SK;

	if (!cs) {
		ee->nbits = 0;
		ee->cmd = 0;
		ee->reading = false;
		ee->dout = false;
	} else if (sk && !ee->sk && ee->cs) {
		eeprom_clock(ee, v & EECD_DI);
	}
	ee->cs = cs;
	ee->sk = sk;
	R(e, EECD) = v & (EECD_SK | EECD_CS | EECD_DI | EECD_REQ | 0x30u);
}

static uint32_t eecd_read(const struct e1000 *e)
{
	uint32_t v = R(e, EECD) | EECD_PRES;

	if (v & EECD_REQ)
		v |= EECD_GNT; /* nothing else competes for the EEPROM */
	if (e->ee.dout)
		v |= EECD_DO;
	return v;
}

static void eerd_write(struct e1000 *e, uint32_t v)
{
	unsigned addr = (v >> 8) & 0xffu;

	if (!(v & EERD_START))
		return;
	R(e, EERD) = (addr << 8) | EERD_DONE |
		     (uint32_t)(addr < E1K_EE_WORDS ? e->ee.words[addr] : 0) << 16;
}

/* ---- PHY ------------------------------------------------------------------------------- */

static void phy_reset(struct e1000 *e)
{
	memset(e->phy, 0, sizeof(e->phy));
	e->phy[PHY_CTRL] = 0x1140;     /* auto-negotiation on, full duplex, 1000 Mb/s */
	e->phy[PHY_STATUS] = 0x796d;   /* link up, auto-negotiation complete, abilities */
	e->phy[PHY_ID1] = 0x0141;
	e->phy[PHY_ID2] = 0x0c20;      /* M88E1011 */
	e->phy[0x04] = 0x01e1;         /* advertisement */
	e->phy[PHY_LPA] = 0x45e1;      /* the partner: acknowledged, 10/100 half and full */
	e->phy[0x06] = 0x0001;         /* the partner negotiates */
	e->phy[0x09] = 0x0300;         /* 1000BASE-T advertisement */
	e->phy[PHY_1000T_ST] = 0x3c00; /* receivers ok, the partner does 1000 full and half */
	e->phy[PHY_EXT_ST] = 0x3000;   /* 1000BASE-T full and half */
	e->phy[0x10] = 0x0068;         /* M88 specific control */
	e->phy[M88_SPEC_ST] = 0xac00;  /* 1000 Mb/s, full duplex, resolved, link up */
}

static bool phy_read_only(unsigned reg)
{
	return reg == PHY_STATUS || reg == PHY_ID1 || reg == PHY_ID2 || reg == PHY_LPA ||
	       reg == 0x06 || reg == PHY_1000T_ST || reg == PHY_EXT_ST || reg == M88_SPEC_ST;
}

static void phy_write(struct e1000 *e, unsigned reg, uint16_t v)
{
	if (reg == PHY_CTRL && (v & PHY_CTRL_RESET)) {
		phy_reset(e);
		return;
	}
	if (reg == PHY_CTRL)
		v &= (uint16_t)~PHY_CTRL_RESTART; /* negotiation completes at once */
	if (!phy_read_only(reg))
		e->phy[reg] = v;
}

static void mdic_write(struct ik_device *dev, struct e1000 *e, uint32_t v)
{
	unsigned reg = (v >> 16) & 0x1fu, phy = (v >> 21) & 0x1fu, op = (v >> 26) & 3u;
	uint32_t out = v & ~(MDIC_READY | MDIC_ERROR);

	if (phy != E1K_PHY_ADDR || (op != 1 && op != 2)) {
		out |= MDIC_ERROR;
	} else if (op == 1) {
		phy_write(e, reg, (uint16_t)v);
	} else {
		out = (out & 0xffff0000u) | e->phy[reg];
	}
	R(e, MDIC) = out | MDIC_READY;
	if (v & MDIC_INT)
		set_cause(dev, e, ICR_MDAC);
}

/* ---- reset ----------------------------------------------------------------------------- */

static void mac_reset(struct e1000 *e)
{
	memset(e->reg, 0, sizeof(e->reg));
	R(e, CTRL) = 0x00000240u; /* SLU | ASDE as the EEPROM's init words would set */
	R(e, VET) = 0x8100;
	R(e, PBA) = 0x00000030u;  /* 48 KiB receive, 16 KiB transmit */
	R(e, RAL0) = le32(e->mac);
	R(e, RAL0 + 4) = le16(e->mac + 4) | RAH_AV;
	R(e, ITR) = 0;
	e->line = e->irq_deferred = false;
	e->tx_len = 0;
	e->tx_started = e->tx_drop = false;
	memset(&e->ctx, 0, sizeof(e->ctx));
	e->ee.cs = e->ee.sk = e->ee.reading = e->ee.dout = false; /* its words stay */
	e->ee.nbits = 0;
	phy_reset(e);
}

/* ---- transmit -------------------------------------------------------------------------- */

/* A finished frame f[0, len) (room for E1K_TX_MAX bytes) onto the wire: its VLAN tag inserted,
 * padded, counted. */
static void tx_wire_out(struct e1000 *e, uint8_t *f, size_t len)
{
	if (e->tx_vle && (R(e, CTRL) & CTRL_VME) && len + 4 <= E1K_TX_MAX) {
		memmove(f + 16, f + 12, len - 12);
		f[12] = (uint8_t)(R(e, VET) >> 8);
		f[13] = (uint8_t)R(e, VET);
		f[14] = (uint8_t)(e->tx_vlan >> 8);
		f[15] = (uint8_t)e->tx_vlan;
		len += 4;
	}
	if (len < E1K_FRAME_MIN && (R(e, TCTL) & TCTL_PSP)) {
		memset(f + len, 0, E1K_FRAME_MIN - len);
		len = E1K_FRAME_MIN;
	}
	if (len > IK_NETWIRE_FRAME_MAX)
		return;
	ik_netwire_send(&e->wire, f, len);
	stat_frame(e, false, f, len + 4);
	e->tx_burst_frames++;
}

/* A plain frame: the checksums its descriptors asked for, then the wire. */
static void tx_send(struct e1000 *e)
{
	size_t len = e->tx_len;
	uint8_t *f = e->tx;

	if (e->tx_drop || len < 14)
		return;
	if (e->tx_legacy_ic)
		e1k_csum_insert(f, len, e->tx_css, 0, e->tx_cso, 0);
	if (e->tx_popts & E1K_POPTS_IXSM)
		e1k_csum_insert(f, len, e->ctx.ipcss, e->ctx.ipcse, e->ctx.ipcso, 0);
	if (e->tx_popts & E1K_POPTS_TXSM)
		e1k_csum_insert(f, len, e->ctx.tucss, e->ctx.tucse, e->ctx.tucso, 0);
	tx_wire_out(e, f, len);
}

/* A TSO packet the model will not cut: dropped, counted in TSCTFC, the first one logged. */
static void tso_refuse(struct ik_device *dev, struct e1000 *e, const char *why)
{
	if (e->tx_tso_refused)
		return;
	e->tx_tso_refused = true;
	e->tx_drop = true;
	stat_add(e, TSCTFC, 1);
	if (!e->tso_said)
		ik_dev_log(dev, "e1000: TSO packet at transmit descriptor %u dropped: %s (further "
				"refused TSO packets are only counted in TSCTFC)",
			   e->tx_at, why);
	e->tso_said = true;
}

/* The first descriptor of a TSO packet: its context checked once, for all its segments. */
static void tso_start(struct ik_device *dev, struct e1000 *e)
{
	char why[160];

	if (e1k_tso_check(&e->ctx, e->tx_popts, IK_NETWIRE_FRAME_MAX, why, sizeof(why))) {
		tso_refuse(dev, e, why);
		return;
	}
	e->tx_cap = (size_t)e->ctx.hdrlen + e->ctx.paylen;
}

/* EOP of a TSO packet: exactly HDRLEN + PAYLEN bytes, cut into segments onto the wire. */
static void tso_send(struct ik_device *dev, struct e1000 *e)
{
	size_t want = (size_t)e->ctx.hdrlen + e->ctx.paylen;
	unsigned n;
	char why[160];

	if (e->tx_tso_refused)
		return;
	if (e->tx_seen != want) {
		snprintf(why, sizeof(why), "its data descriptors carry %zu bytes, not HDRLEN %u + "
			 "PAYLEN %u", e->tx_seen, e->ctx.hdrlen, e->ctx.paylen);
		tso_refuse(dev, e, why);
		return;
	}
	n = e1k_tso_segments(&e->ctx);
	for (unsigned i = 0; i < n; i++)
		tx_wire_out(e, e->seg, e1k_tso_segment(&e->ctx, e->tx_popts, e->tx, i, e->seg));
	stat_add(e, TSCTC, 1);
}

/* Append one data buffer of the frame being assembled; past tx_cap it is dropped. */
static int tx_append(struct ik_device *dev, struct e1000 *e, uint64_t addr, size_t len)
{
	e->tx_seen = len > SIZE_MAX - e->tx_seen ? SIZE_MAX : e->tx_seen + len; /* only compared */
	if (e->tx_drop || len == 0)
		return 0;
	if (len > e->tx_cap - e->tx_len) {
		e->tx_drop = true;
		return 0;
	}
	if (dma_read(dev, e, "a transmit buffer", addr, e->tx + e->tx_len, len))
		return -EFAULT;
	e->tx_len += len;
	return 0;
}

/* The first descriptor of a frame: its options, and whether it is a TSO packet (DCMD.TSE). */
static void tx_frame_start(struct ik_device *dev, struct e1000 *e, bool legacy, uint8_t cmd,
			   uint8_t popts)
{
	if (e->tx_started)
		return;
	e->tx_started = true;
	e->tx_len = 0;
	e->tx_seen = 0;
	e->tx_cap = E1K_TX_MAX;
	e->tx_drop = false;
	e->tx_legacy_ic = false;
	e->tx_popts = legacy ? 0 : popts;
	e->tx_vle = false;
	e->tx_tso = !legacy && (cmd & TXD_TSE);
	e->tx_tso_refused = false;
	if (e->tx_tso)
		tso_start(dev, e);
}

static void tx_frame_end(struct ik_device *dev, struct e1000 *e)
{
	if (e->tx_tso)
		tso_send(dev, e);
	else
		tx_send(e);
	e->tx_started = false;
	e->tx_len = 0;
}

/* A context descriptor, read once (d is the model's copy): the offsets and, for TSO, the
 * segmentation; checked when a data descriptor uses them. */
static void tx_context(struct e1000 *e, const uint8_t *d)
{
	e->ctx.ipcss = d[0];
	e->ctx.ipcso = d[1];
	e->ctx.ipcse = le16(d + 2);
	e->ctx.tucss = d[4];
	e->ctx.tucso = d[5];
	e->ctx.tucse = le16(d + 6);
	e->ctx.paylen = le32(d + 8) & 0xfffffu;
	e->ctx.tucmd = d[11];
	e->ctx.hdrlen = d[13];
	e->ctx.mss = le16(d + 14);
}

/* One descriptor at ring index `i` (its 16 bytes in d): 0, or -EFAULT (halted). */
static int tx_descriptor(struct ik_device *dev, struct e1000 *e, uint8_t *d, uint64_t at)
{
	uint32_t cmdlen = le32(d + 8);
	uint8_t cmd = (uint8_t)(cmdlen >> 24);
	bool ext = cmd & TXD_DEXT;
	unsigned dtyp = (cmdlen >> 20) & 0xfu;
	uint8_t done = DESC_DD;

	if (ext && dtyp == 0) {
		tx_context(e, d);
	} else {
		bool legacy = !ext;
		size_t len = legacy ? (cmdlen & 0xffffu) : (cmdlen & 0xfffffu);

		tx_frame_start(dev, e, legacy, cmd, d[13]);
		if (tx_append(dev, e, le64(d), len))
			return -EFAULT;
		if (legacy && (cmd & TXD_IC)) {
			e->tx_legacy_ic = true;
			e->tx_cso = d[10];
			e->tx_css = d[13];
		}
		if (cmd & TXD_VLE) {
			e->tx_vle = true;
			e->tx_vlan = le16(d + 14);
		}
		if (cmd & TXD_EOP)
			tx_frame_end(dev, e);
	}
	if (cmd & TXD_RS) {
		if (dma_write(dev, e, "a transmit descriptor (TDBAL/TDBAH)", at + 12, &done, 1))
			return -EFAULT;
		R(e, ICR) |= ICR_TXDW;
	}
	return 0;
}

static unsigned ring_size(const struct e1000 *e, unsigned lenreg)
{
	return (R(e, lenreg) & 0xfff80u) / E1K_DESC;
}

static uint64_t ring_base(const struct e1000 *e, unsigned lo)
{
	return ((uint64_t)R(e, lo + 4) << 32) | (R(e, lo) & ~0xfu);
}

/* Process the transmit ring from TDH to TDT, at most E1K_TX_BURST descriptors. */
static int tx_process(struct ik_device *dev, struct e1000 *e)
{
	unsigned n = ring_size(e, TDLEN), head = R(e, TDH), tail = R(e, TDT);
	uint64_t base = ring_base(e, TDBAL);
	uint8_t d[E1K_DESC];
	int r = 0;

	if (!(R(e, TCTL) & TCTL_EN) || n == 0 || head >= n || tail >= n || head == tail ||
	    e->halted)
		return 0;
	e->tx_burst_frames = 0;
	for (unsigned k = 0; k < E1K_TX_BURST && head != tail &&
			     e->tx_burst_frames < E1K_TX_FRAME_BURST; k++) {
		uint64_t at = base + (uint64_t)head * E1K_DESC;

		if ((r = dma_read(dev, e, "a transmit descriptor (TDBAL/TDBAH)", at, d, sizeof(d))))
			break;
		e->tx_at = head;
		if ((r = tx_descriptor(dev, e, d, at)))
			break;
		head = (head + 1) % n;
	}
	R(e, TDH) = head;
	ik_netwire_flush(&e->wire); /* the burst's frames go out together */
	if (head == tail)
		R(e, ICR) |= ICR_TXQE;
	update_irq(dev, e);
	return r;
}

/* ---- receive --------------------------------------------------------------------------- */

static size_t rx_buffer_size(const struct e1000 *e)
{
	static const size_t plain[4] = {2048, 1024, 512, 256}, ext[4] = {0, 16384, 8192, 4096};
	unsigned sel = (R(e, RCTL) >> 16) & 3u;

	if (!(R(e, RCTL) & RCTL_BSEX))
		return plain[sel];
	return ext[sel] ? ext[sel] : 2048; /* BSEX with size 00 is reserved */
}

static bool mta_match(const struct e1000 *e, const uint8_t *dst)
{
	static const unsigned shift[4] = {4, 3, 2, 0};
	unsigned mo = (R(e, RCTL) >> 12) & 3u;
	unsigned hash = ((dst[4] >> shift[mo]) | (unsigned)dst[5] << (8 - shift[mo])) & 0xfffu;

	return (R(e, MTA + 4 * (hash >> 5)) >> (hash & 31)) & 1u;
}

static bool ra_match(const struct e1000 *e, const uint8_t *dst)
{
	for (unsigned i = 0; i < 16; i++) {
		uint32_t lo = R(e, RAL0 + 8 * i), hi = R(e, RAL0 + 8 * i + 4);

		if ((hi & RAH_AV) && lo == le32(dst) && (hi & 0xffffu) == le16(dst + 4))
			return true;
	}
	return false;
}

static bool rx_accepted(const struct e1000 *e, const uint8_t *dst)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint32_t rctl = R(e, RCTL);

	if (!memcmp(dst, bcast, 6))
		return rctl & (RCTL_BAM | RCTL_MPE);
	if (dst[0] & 1)
		return (rctl & RCTL_MPE) || mta_match(e, dst);
	return (rctl & RCTL_UPE) || ra_match(e, dst);
}

/* CTRL.VME: a tag of type VET is taken out of the frame into the descriptor (*tag); RCTL.VFE
 * then drops a VLAN not in VFTA. Returns false for a frame to drop. */
static bool rx_vlan(const struct e1000 *e, uint8_t *f, size_t *len, uint16_t *tag, bool *tagged)
{
	uint16_t vid;

	*tagged = false;
	if (!(R(e, CTRL) & CTRL_VME) || *len < 18 || (uint32_t)(f[12] << 8 | f[13]) != (R(e, VET) & 0xffffu))
		return true;
	*tag = (uint16_t)(f[14] << 8 | f[15]);
	vid = *tag & 0xfffu;
	if ((R(e, RCTL) & RCTL_VFE) && !((R(e, VFTA + 4 * (vid >> 5)) >> (vid & 31)) & 1u))
		return false;
	memmove(f + 12, f + 16, *len - 16);
	*len -= 4;
	*tagged = true;
	return true;
}

static uint32_t crc32_ether(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (unsigned b = 0; b < 8; b++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	}
	return ~crc;
}

static void rx_missed(struct ik_device *dev, struct e1000 *e)
{
	stat_add(e, MPC, 1);
	stat_add(e, RNBC, 1);
	set_cause(dev, e, ICR_RXO);
}

/* Write the frame f[0, len) into descriptors from RDH: ring and buffers checked first. */
static int rx_store(struct ik_device *dev, struct e1000 *e, const uint8_t *f, size_t len,
		    uint16_t tag, bool tagged)
{
	unsigned n = ring_size(e, RDLEN), head = R(e, RDH), tail = R(e, RDT), avail, need;
	size_t bsize = rx_buffer_size(e), done = 0;
	uint64_t base = ring_base(e, RDBAL);

	if (n == 0 || head >= n || tail >= n) {
		rx_missed(dev, e);
		return 0;
	}
	avail = (tail + n - head) % n;
	need = (unsigned)((len + bsize - 1) / bsize);
	if (need > avail) {
		rx_missed(dev, e);
		return 0;
	}
	for (unsigned k = 0; k < need; k++) {
		uint64_t at = base + (uint64_t)head * E1K_DESC, buf;
		size_t chunk = len - done < bsize ? len - done : bsize;
		uint8_t addr[8], wb[8] = {0};

		if (dma_read(dev, e, "a receive descriptor (RDBAL/RDBAH)", at, addr, sizeof(addr)))
			return -EFAULT;
		buf = le64(addr);
		if (dma_write(dev, e, "a receive buffer", buf, f + done, chunk))
			return -EFAULT;
		done += chunk;
		put16(wb, (uint16_t)chunk);
		wb[4] = DESC_DD | RXD_IXSM | (done == len ? RXD_EOP : 0) | (tagged ? RXD_VP : 0);
		put16(wb + 6, tagged ? tag : 0);
		if (dma_write(dev, e, "a receive descriptor (RDBAL/RDBAH)", at + 8, wb, sizeof(wb)))
			return -EFAULT;
		head = (head + 1) % n;
	}
	R(e, RDH) = head;
	R(e, ICR) |= ICR_RXT0;
	if ((avail - need) <= n >> (((R(e, RCTL) >> 8) & 3u) + 1))
		R(e, ICR) |= ICR_RXDMT0;
	update_irq(dev, e);
	return 0;
}

/* One frame from the wire (len <= IK_NETWIRE_FRAME_MAX), as the receiver would take it. */
static void receive(struct ik_device *dev, struct e1000 *e, const uint8_t *frame, size_t len)
{
	uint16_t tag = 0;
	bool tagged;
	uint32_t crc;
	uint8_t *f = e->rx;

	if (!(R(e, RCTL) & RCTL_EN) || e->halted || len < 14 || !rx_accepted(e, frame))
		return;
	memcpy(f, frame, len);
	if (!rx_vlan(e, f, &len, &tag, &tagged))
		return;
	if (len < E1K_FRAME_MIN) {
		memset(f + len, 0, E1K_FRAME_MIN - len);
		len = E1K_FRAME_MIN;
	}
	stat_frame(e, true, f, len + 4);
	if (!(R(e, RCTL) & RCTL_SECRC)) {
		crc = crc32_ether(f, len);
		for (unsigned i = 0; i < 4; i++)
			f[len + i] = (uint8_t)(crc >> (8 * i));
		len += 4;
	}
	rx_store(dev, e, f, len, tag, tagged);
}

/* ---- registers ------------------------------------------------------------------------- */

static uint32_t reg_read(struct ik_device *dev, struct e1000 *e, uint32_t off)
{
	uint32_t v;

	switch (off) {
	case STATUS: return E1K_STATUS;
	case EECD: return eecd_read(e);
	case ICR:
		v = R(e, ICR);
		R(e, ICR) = 0;
		update_irq(dev, e);
		return v;
	case ICS:
	case IMC: return 0; /* write-only */
	default: break;
	}
	v = R(e, off);
	if (off >= STATS && off < STATS_END)
		R(e, off) = 0;
	return v;
}

static int reg_write(struct ik_device *dev, struct e1000 *e, uint32_t off, uint32_t v)
{
	switch (off) {
	case CTRL:
		if (v & CTRL_RST) {
			mac_reset(e);
			return 0;
		}
		R(e, CTRL) = v;
		return 0;
	case STATUS: return 0; /* read-only */
	case EECD: eecd_write(e, v); return 0;
	case EERD: eerd_write(e, v); return 0;
	case MDIC: mdic_write(dev, e, v); return 0;
	case ICR: R(e, ICR) &= ~v; break;
	case ICS: R(e, ICR) |= v; break;
	case IMS: R(e, IMS) |= v; break;
	case IMC: R(e, IMS) &= ~v; break;
	case ITR: R(e, ITR) = v & 0xffffu; break;
	case RDLEN:
	case TDLEN: R(e, off) = v & 0xfff80u; return 0;
	case RDBAL:
	case TDBAL: R(e, off) = v & ~0xfu; return 0;
	case RDH:
	case RDT:
	case TDH: R(e, off) = v & 0xffffu; return 0;
	case TDT:
		R(e, TDT) = v & 0xffffu;
		return tx_process(dev, e);
	case TCTL:
		R(e, TCTL) = v;
		return tx_process(dev, e);
	default:
		if (off >= STATS && off < STATS_END)
			return 0; /* counters: read-only */
		R(e, off) = v;
		return 0;
	}
	update_irq(dev, e);
	return 0;
}

static int e1000_mmio_read(struct ik_device *dev, uint32_t off, unsigned size, uint64_t *val)
{
	struct e1000 *e = dev->state;

	if (e->halted)
		return -EFAULT; /* halt_why, logged when it halted, names the address */
	if (size != 4 || (off & 3u) || off >= E1K_MMIO_SIZE)
		return -EINVAL;
	update_irq(dev, e);
	*val = reg_read(dev, e, off);
	return 0;
}

static int e1000_mmio_write(struct ik_device *dev, uint32_t off, unsigned size, uint64_t val)
{
	struct e1000 *e = dev->state;

	if (e->halted)
		return -EFAULT; /* halt_why, logged when it halted, names the address */
	if (size != 4 || (off & 3u) || off >= E1K_MMIO_SIZE)
		return -EINVAL;
	return reg_write(dev, e, off, (uint32_t)val);
}

/* The I/O window: IOADDR (+0) names a register, IODATA (+4) reads or writes it. */
static int e1000_pio_read(struct ik_device *dev, uint16_t off, unsigned size, uint32_t *val)
{
	struct e1000 *e = dev->state;
	uint64_t v = 0;
	int r;

	if (size != 4 || (off != 0 && off != 4))
		return -EINVAL;
	if (off == 0) {
		*val = e->ioaddr;
		return 0;
	}
	r = e1000_mmio_read(dev, e->ioaddr, 4, &v);
	*val = (uint32_t)v;
	return r;
}

static int e1000_pio_write(struct ik_device *dev, uint16_t off, unsigned size, uint32_t val)
{
	struct e1000 *e = dev->state;

	if (size != 4 || (off != 0 && off != 4))
		return -EINVAL;
	if (off == 0) {
		e->ioaddr = val & (E1K_MMIO_SIZE - 4u);
		return 0;
	}
	return e1000_mmio_write(dev, e->ioaddr, 4, val);
}

/* ---- the wire and the timer ------------------------------------------------------------ */

static int e1000_poll_fd(struct ik_device *dev)
{
	struct e1000 *e = dev->state;

	return ik_netwire_poll_fd(&e->wire);
}

static void e1000_poll_ready(struct ik_device *dev)
{
	struct e1000 *e = dev->state;

	for (unsigned i = 0; i < E1K_RX_BURST; i++) {
		ssize_t len = ik_netwire_recv(&e->wire, e->frame);

		if (len < 0) {
			ik_dev_log(dev, "e1000: wire failed (%s): unplugged", strerror((int)-len));
			ik_netwire_close(&e->wire);
			break;
		}
		if (len == 0)
			break;
		receive(dev, e, e->frame, (size_t)len);
	}
	update_irq(dev, e);
}

/* Descriptors left by a bounded doorbell, and a throttled interrupt whose interval is over. */
static void e1000_tick(struct ik_device *dev, uint64_t now_ns)
{
	struct e1000 *e = dev->state;

	(void)now_ns;
	tx_process(dev, e);
	update_irq(dev, e);
}

/* ---- options and life ------------------------------------------------------------------ */

/* The interrupt line: the monitor's on PCI, else option irq=N. */
static int e1000_irq(struct ik_device *dev, unsigned long *irq)
{
	char text[32];
	int r;

	if ((r = ik_dev_opt_uint(dev, "irq", 11, 63, irq)))
		return r;
	if (dev->on_pci) {
		if (ik_dev_opt(dev, "irq", text, sizeof(text)) != -ENOENT)
			return ik_dev_fail(dev, "option irq: on PCI the monitor assigns the line");
		*irq = dev->irq;
	}
	return 0;
}

/*
 * Read shadows (devmodel.h): E1000_WRITE_FLUSH() is a read of STATUS, after IMC in the
 * interrupt handler and after IMS at the end of each NAPI poll, i.e. two exits per interrupt
 * cycle; STATUS has no read side effect and is constant here. Lazy writes, which may stay
 * held past that read because delaying them is invisible to the driver but as the card acting
 * a little later:
 *   IMS, IMC  the guest takes interrupts only in its scheduler loop, and the handler's first
 *             access is the ICR read, which carries every held write before it: an unmask
 *             that waits only delays the next interrupt (at most until the next device
 *             access, hypercall, idle pass or 100 us); a line raised while a mask waits is
 *             taken as a spurious interrupt (ICR reads 0, or NAPI is already scheduled and
 *             e1000_intr re-enables, "not a hard error"), as when a real card's message races
 *             the mask, and NAPI cleans the rings by their DD bits whatever ICR said;
 *   ITR       the throttling interval (written by the adaptive moderation at the end of a
 *             NAPI poll, just before IMS): a change taking effect later only moves when the
 *             card interrupts next;
 *   TDT, RDT  new descriptors handed to the card: it sends or receives them a little later;
 *             the driver learns of either only through the descriptors' DD bits (memory it
 *             polls at a flush point) or a read of another register (which sends them).
 * Not CTRL, RCTL, TCTL or anything that resets, stops DMA or changes STATUS.
 */
enum { E1K_SHADOW_STATUS = 0 };
static const struct ik_dev_shadow e1000_shadows[] = {
	[E1K_SHADOW_STATUS] = {STATUS, IK_SHADOW_READ},
	{IMS, IK_SHADOW_LAZY},
	{IMC, IK_SHADOW_LAZY},
	{ITR, IK_SHADOW_LAZY},
	{TDT, IK_SHADOW_LAZY},
	{RDT, IK_SHADOW_LAZY},
};

static int e1000_init(struct ik_device *dev)
{
	static const uint8_t def_mac[6] = {0x02, 0x49, 0x4b, 0x45, 0x31, 0x00}; /* 02:"IKE1":NN */
	unsigned long irq;
	uint8_t mac[6];
	struct e1000 *e;
	int r;

	if ((r = e1000_irq(dev, &irq)))
		return r;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	if ((r = ik_netwire_card_open(dev, &e->wire, def_mac, mac))) {
		free(e);
		return r;
	}
	e->irq = (unsigned)irq;
	memcpy(e->mac, mac, 6);
	eeprom_fill(&e->ee, mac);
	mac_reset(e);
	dev->state = e;
	ik_dev_shadow_set(dev, E1K_SHADOW_STATUS, E1K_STATUS); /* constant: published once */
	return 0;
}

static void e1000_destroy(struct ik_device *dev)
{
	struct e1000 *e = dev->state;

	if (!e)
		return;
	ik_netwire_close(&e->wire);
	free(e);
	dev->state = NULL;
}

static const char *const e1000_options_list[] = {"irq", "mac", "wire", NULL};

/* The 82540EM as Intel's PRO/1000 MT Desktop adapter. */
static const struct ik_pci_ident e1000_pci = {
	.vendor = 0x8086,
	.device = 0x100e,
	.subvendor = 0x8086,
	.subdevice = 0x001e,
	.class_code = 0x020000, /* network, Ethernet */
	.revision = 0x03,
};

const struct ik_devmodel ik_dev_e1000 = {
	.name = "e1000",
	.summary = "Intel 82540EM Gigabit Ethernet (PCI 8086:100E; wire=none|tap:NAME|socket:PATH|pcap:FILE)",
	.default_port = 0xc000,
	.nports = E1K_NPORTS,
	.init = e1000_init,
	.destroy = e1000_destroy,
	.pio_read = e1000_pio_read,
	.pio_write = e1000_pio_write,
	.mmio_size = E1K_MMIO_SIZE,
	.mmio_read = e1000_mmio_read,
	.mmio_write = e1000_mmio_write,
	.options = e1000_options_list,
	.tick = e1000_tick,
	.poll_fd = e1000_poll_fd,
	.poll_ready = e1000_poll_ready,
	.pci = &e1000_pci,
	.shadows = e1000_shadows,
	.nshadows = sizeof(e1000_shadows) / sizeof(e1000_shadows[0]),
};
