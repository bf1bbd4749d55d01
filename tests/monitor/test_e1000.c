/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the 82540EM model (src/devices/dev_e1000.c) through the device registry (no
 * KVM), driving the registers as Linux's e1000 driver does: the Microwire EEPROM bit-banged
 * (checksum 0xBABA, the MAC), the PHY over MDIC, CTRL.RST, the interrupt registers and ITR,
 * transmit and receive rings in a fake guest RAM behind the host's DMA accessor, the receive
 * filter, clear-on-read statistics, and a hostile driver's rings (bounded work, DMA outside RAM
 * halts the card). TCP segmentation (TSO) is driven as e1000_tso() and e1000_tx_queue() set it
 * up, IPv4 and IPv6, and every segment checked with this file's own checksum; hostile TSO
 * contexts must be dropped and counted. The wire is a SOCK_SEQPACKET socket this test listens on.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "devmodel.h"
#include "iktest.h"

#define IRQ 11u
/* registers */
#define CTRL   0x0000
#define STATUS 0x0008
#define EECD   0x0010
#define EERD   0x0014
#define MDIC   0x0020
#define ICR    0x00c0
#define ITR    0x00c4
#define ICS    0x00c8
#define IMS    0x00d0
#define IMC    0x00d8
#define RCTL   0x0100
#define TCTL   0x0400
#define RDBAL  0x2800
#define RDBAH  0x2804
#define RDLEN  0x2808
#define RDH    0x2810
#define RDT    0x2818
#define TDBAL  0x3800
#define TDBAH  0x3804
#define TDLEN  0x3808
#define TDH    0x3810
#define TDT    0x3818
#define MPC    0x4010
#define GPRC   0x4074
#define GPTC   0x4080
#define TSCTC  0x40f8
#define TSCTFC 0x40fc
#define MTA    0x5200
#define RAL0   0x5400

/* the fake guest RAM the DMA accessor covers */
#define RAM_BASE 0x100000ull
#define RAM_SIZE 0x40000ull
#define TX_RING  (RAM_BASE + 0x0000)
#define RX_RING  (RAM_BASE + 0x1000)
#define TX_BUF   (RAM_BASE + 0x2000)
#define RX_BUF   (RAM_BASE + 0x10000)
#define TSO_BUF  (RAM_BASE + 0x20000) /* a TSO packet: up to 128 KiB */

static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t peer[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};

static struct {
	uint64_t irqs;
	unsigned nirqs;
	char violation[256];
	unsigned tso_logs; /* log lines about TSO */
	char tso_log[256]; /* the last one */
	uint8_t ram[RAM_SIZE];
} fake;
static struct ik_devset set;
static char dir[48], sockpath[64];
static int listen_fd = -1, wire_fd = -1;

static void fake_raise_irq(void *ctx, unsigned line)
{
	(void)ctx;
	__atomic_fetch_or(&fake.irqs, 1ull << line, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&fake.nirqs, 1, __ATOMIC_SEQ_CST);
}

static void fake_log(void *ctx, const char *line)
{
	(void)ctx;
	if (!strstr(line, "TSO"))
		return;
	fake.tso_logs++;
	snprintf(fake.tso_log, sizeof(fake.tso_log), "%s", line);
}

static void fake_violation(void *ctx, const char *why)
{
	(void)ctx;
	snprintf(fake.violation, sizeof(fake.violation), "%s", why);
}

static bool fake_ended(void *ctx)
{
	(void)ctx;
	return false;
}

static bool in_ram(uint64_t gpa, size_t len)
{
	return gpa >= RAM_BASE && len <= RAM_SIZE && gpa - RAM_BASE <= RAM_SIZE - len;
}

static int fake_dma_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	if (!in_ram(gpa, len))
		return -EFAULT;
	memcpy(buf, fake.ram + (gpa - RAM_BASE), len);
	return 0;
}

static int fake_dma_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	(void)ctx;
	if (!in_ram(gpa, len))
		return -EFAULT;
	memcpy(fake.ram + (gpa - RAM_BASE), buf, len);
	return 0;
}

static uint8_t *ram(uint64_t gpa)
{
	return fake.ram + (gpa - RAM_BASE);
}

static struct ik_device *card(void)
{
	return &set.devices[0];
}

static int mmio(bool write, uint32_t off, unsigned size, uint32_t *v)
{
	struct ik_device *d = card();
	uint64_t val = *v;
	int r;

	pthread_mutex_lock(&d->lock);
	r = write ? d->model->mmio_write(d, off, size, val) : d->model->mmio_read(d, off, size, &val);
	pthread_mutex_unlock(&d->lock);
	*v = (uint32_t)val;
	return r;
}

static uint32_t er32(uint32_t off)
{
	uint32_t v = 0;
	int r = mmio(false, off, 4, &v);

	if (r)
		fail_msg("read of 0x%x: %s", off, strerror(-r));
	return v;
}

static void ew32(uint32_t off, uint32_t v)
{
	int r = mmio(true, off, 4, &v);

	if (r)
		fail_msg("write of 0x%x: %s", off, strerror(-r));
}

static int pio(bool write, uint16_t off, uint32_t *v)
{
	uint8_t d[4];
	char why[256];
	int r;

	memcpy(d, v, 4);
	r = ik_devset_pio(&set, "e1000", (uint16_t)(card()->port + off), 4, write, d, why,
			  sizeof(why));
	memcpy(v, d, 4);
	return r;
}

static int setup(void **state)
{
	const struct ik_dev_host host = {
		.ctx = &fake, .raise_irq = fake_raise_irq, .log = fake_log, .ended = fake_ended,
		.dma_read = fake_dma_read, .dma_write = fake_dma_write, .violation = fake_violation,
		.ram_base = RAM_BASE, .ram_size = RAM_SIZE,
	};
	char spec[256], err[256] = "";
	const char *specs[] = {spec};

	(void)state;
	memset(&fake, 0, sizeof(fake));
	listen_fd = iktest_cable_listen("e1000-test", dir, sizeof(dir), sockpath, sizeof(sockpath));
	assert_true(listen_fd >= 0);
	snprintf(spec, sizeof(spec), "e1000,irq=%u,mac=02:11:22:33:44:55,wire=socket:%s", IRQ,
		 sockpath);
	if (ik_devset_init(&set, &host, specs, 1, err, sizeof(err)))
		fail_msg("grant: %s", err);
	wire_fd = accept(listen_fd, NULL, NULL);
	assert_true(wire_fd >= 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ik_devset_destroy(&set);
	iktest_cable_close(&listen_fd, &wire_fd, sockpath, dir);
	return 0;
}

/* ---- the EEPROM as e1000_hw.c reads it -------------------------------------------------- */

static void ee_write(uint32_t v)
{
	ew32(EECD, v);
}

static void ee_shift_out(uint32_t *eecd, uint16_t data, unsigned count)
{
	for (uint16_t mask = (uint16_t)(1u << (count - 1)); mask; mask >>= 1) {
		*eecd = (*eecd & ~0x4u) | (data & mask ? 0x4u : 0);
		ee_write(*eecd);
		ee_write(*eecd | 1u);
		ee_write(*eecd & ~1u);
	}
	*eecd &= ~0x4u;
	ee_write(*eecd);
}

static uint16_t ee_shift_in(uint32_t *eecd)
{
	uint16_t data = 0;

	*eecd &= ~0xcu;
	for (unsigned i = 0; i < 16; i++) {
		data = (uint16_t)(data << 1);
		ee_write(*eecd | 1u);
		if (er32(EECD) & 0x8u)
			data |= 1;
		ee_write(*eecd & ~1u);
	}
	return data;
}

static uint16_t ee_read_word(unsigned addr)
{
	uint32_t eecd = er32(EECD) | 0x40u; /* REQ */
	uint16_t w;

	ee_write(eecd);
	assert_true(er32(EECD) & 0x80u); /* GNT */
	eecd &= ~0x5u;
	ee_write(eecd);
	eecd |= 0x2u; /* CS */
	ee_write(eecd);
	ee_shift_out(&eecd, 0x6, 3);
	ee_shift_out(&eecd, (uint16_t)addr, 6);
	w = ee_shift_in(&eecd);
	eecd &= ~0x6u; /* release: CS and DI low, a clock, REQ off */
	ee_write(eecd);
	ee_write(eecd | 1u);
	ee_write(eecd & ~1u);
	ee_write(eecd & ~0x40u);
	return w;
}

static void test_eeprom(void **state)
{
	uint16_t sum = 0;

	(void)state;
	for (unsigned i = 0; i < 64; i++) {
		uint16_t w = ee_read_word(i);

		sum = (uint16_t)(sum + w);
		if (i < 3)
			assert_int_equal(w, mac[2 * i] | mac[2 * i + 1] << 8);
	}
	assert_int_equal(sum, 0xbaba);
	assert_int_equal(ee_read_word(0x0d), 0x100e);
	/* EERD: start, done, the word in the high half */
	ew32(EERD, 1u | 1u << 8);
	assert_int_equal(er32(EERD), 0x10u | 1u << 8 | (uint32_t)(mac[2] | mac[3] << 8) << 16);
	/* RAL0/RAH0 hold the MAC from the EEPROM, valid */
	assert_int_equal(er32(RAL0), 0x33221102u);
	assert_int_equal(er32(RAL0 + 4), 0x80005544u);
}

/* ---- PHY, STATUS, reset ---------------------------------------------------------------- */

static uint32_t mdic(unsigned op, unsigned phy, unsigned reg, uint16_t data)
{
	ew32(MDIC, (uint32_t)op << 26 | phy << 21 | reg << 16 | data);
	return er32(MDIC);
}

static void test_phy_status_and_reset(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(mdic(2, 1, 2, 0) & 0x5000ffffu, 0x10000141u); /* ready, ID1 */
	assert_int_equal(mdic(2, 1, 3, 0) & 0xffffu, 0x0c20u);
	assert_int_equal(mdic(2, 1, 1, 0) & 0x24u, 0x24u);  /* link, autoneg complete */
	assert_true(mdic(2, 5, 1, 0) & (1u << 30));          /* no PHY at address 5: error */
	mdic(1, 1, 0, 0x1340);                               /* restart autoneg */
	assert_int_equal(mdic(2, 1, 0, 0) & 0x0200u, 0);
	mdic(1, 1, 4, 0x0de1);
	assert_int_equal(mdic(2, 1, 4, 0) & 0xffffu, 0x0de1);
	mdic(1, 1, 0, 0x8000);                               /* PHY reset: self-clearing */
	assert_int_equal(mdic(2, 1, 0, 0) & 0x8000u, 0);
	assert_int_equal(mdic(2, 1, 4, 0) & 0xffffu, 0x01e1);
	assert_int_equal(er32(STATUS) & 0xc3u, 0x83u);       /* link up, 1000 full */
	/* CTRL.RST through the I/O window, as e1000_reset_hw issues it */
	ew32(IMS, 0x9du);
	v = CTRL;
	assert_int_equal(pio(true, 0, &v), 0);
	v = er32(CTRL) | (1u << 26);
	assert_int_equal(pio(true, 4, &v), 0);
	assert_int_equal(er32(CTRL) & (1u << 26), 0);
	assert_int_equal(er32(IMS), 0);
	v = 0;
	assert_int_equal(pio(false, 0, &v), 0);
	assert_int_equal(v, CTRL);
	v = 7; /* a 4-byte access not at IOADDR or IODATA */
	assert_int_not_equal(pio(true, 2, &v), 0);
}

/* ---- interrupts ------------------------------------------------------------------------ */

static void test_interrupts_and_throttling(void **state)
{
	unsigned n;

	(void)state;
	ew32(ICS, 0x4u); /* LSC, masked: no interrupt */
	assert_int_equal(fake.nirqs, 0);
	ew32(IMS, 0x4u); /* unmasking a pending cause raises the line */
	assert_int_equal(fake.nirqs, 1);
	assert_true(fake.irqs & (1ull << IRQ));
	assert_int_equal(er32(ICR), 0x4u); /* clear on read */
	assert_int_equal(er32(ICR), 0);
	ew32(ICS, 0x5u);
	ew32(ICR, 0x1u);                   /* write 1 to clear */
	assert_int_equal(er32(ICR), 0x4u);
	ew32(IMC, 0x4u);
	assert_int_equal(er32(IMS), 0);
	/* ITR: at most one interrupt per interval (0xffff x 256 ns = 16.8 ms) */
	ew32(ITR, 0xffff);
	ew32(IMS, 0x4u);
	usleep(20000); /* the interval since the first interrupt is over */
	n = fake.nirqs;
	ew32(ICS, 0x4u);
	(void)er32(ICR);
	ew32(ICS, 0x4u); /* a second rise inside the interval waits */
	assert_int_equal(fake.nirqs, n + 1);
	usleep(40000);    /* past it: the device's timer delivered it, no access needed */
	assert_int_equal(fake.nirqs, n + 2);
	/* a short interval (2 ms): delivered when it ends, long before the next 20 ms tick */
	(void)er32(ICR);
	ew32(ITR, 8000);
	usleep(5000);
	n = fake.nirqs;
	ew32(ICS, 0x4u);
	(void)er32(ICR);
	ew32(ICS, 0x4u);
	assert_int_equal(fake.nirqs, n + 1);
	usleep(6000);
	assert_int_equal(fake.nirqs, n + 2);
}

/* ---- transmit -------------------------------------------------------------------------- */

static void tx_desc(unsigned i, uint64_t addr, uint32_t cmdlen, uint8_t b13, uint8_t b10)
{
	uint8_t *d = ram(TX_RING + 16u * i);

	memset(d, 0, 16);
	memcpy(d, &addr, 8);
	memcpy(d + 8, &cmdlen, 4);
	d[10] = b10 ? b10 : d[10];
	d[13] = b13;
}

static void tx_ring_on(unsigned n)
{
	ew32(TDBAL, (uint32_t)TX_RING);
	ew32(TDBAH, 0);
	ew32(TDLEN, 16u * n);
	ew32(TDH, 0);
	ew32(TDT, 0);
	ew32(TCTL, 0x2u | 0x8u); /* EN, PSP */
}

static ssize_t wire_take(uint8_t *buf, size_t len, int ms)
{
	struct pollfd p = {.fd = wire_fd, .events = POLLIN};

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(wire_fd, buf, len, 0);
}

static void frame_to(uint8_t *f, const uint8_t *dst, size_t len, uint8_t fill)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, dst == peer ? mac : peer, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(fill + i);
}

static void test_transmit(void **state)
{
	uint8_t f[1514], got[2048];
	ssize_t n;

	(void)state;
	tx_ring_on(8);
	frame_to(f, peer, sizeof(f), 3);
	memcpy(ram(TX_BUF), f, 1000);
	memcpy(ram(TX_BUF + 0x1000), f + 1000, 514);
	/* a legacy frame in two descriptors; RS on the last */
	tx_desc(0, TX_BUF, 1000, 0, 0);
	tx_desc(1, TX_BUF + 0x1000, 514u | (0x01u | 0x02u | 0x08u) << 24, 0, 0);
	ew32(TDT, 2);
	n = wire_take(got, sizeof(got), 1000);
	assert_int_equal(n, 1514);
	assert_memory_equal(got, f, 1514);
	assert_int_equal(er32(TDH), 2);
	assert_int_equal(ram(TX_RING + 16)[12] & 1u, 1u); /* DD */
	assert_int_equal(ram(TX_RING)[12] & 1u, 0u);      /* no RS: no write-back */
	assert_true(er32(ICR) & 0x3u);                    /* TXDW, TXQE */
	assert_int_equal(er32(GPTC), 1);
	assert_int_equal(er32(GPTC), 0);                  /* statistics clear on read */
	/* a short frame is padded to 60 bytes (TCTL.PSP) */
	memcpy(ram(TX_BUF), f, 42);
	tx_desc(2, TX_BUF, 42u | 0x0bu << 24, 0, 0);
	ew32(TDT, 3);
	assert_int_equal(wire_take(got, sizeof(got), 1000), 60);
	/* context + data descriptor: the TCP checksum inserted at tucso over tucss.. */
	memset(ram(TX_BUF), 0, 80);
	memcpy(ram(TX_BUF), f, 14);
	ram(TX_BUF)[14 + 20 + 16] = 0x12; /* a seed in the checksum field */
	{
		uint8_t *c = ram(TX_RING + 16u * 3);

		memset(c, 0, 16);
		c[4] = 34;      /* tucss */
		c[5] = 34 + 16; /* tucso */
		c[11] = 0x20;   /* DEXT, DTYP 0: context */
	}
	tx_desc(4, TX_BUF, 80u | 1u << 20 | (0x20u | 0x0bu) << 24, 0x02 /* TXSM */, 0);
	ew32(TDT, 5);
	n = wire_take(got, sizeof(got), 1000);
	assert_int_equal(n, 80);
	assert_int_equal(got[50], 0xed); /* ~(0x1200) = 0xedff */
	assert_int_equal(got[51], 0xff);
	/* a TSE data descriptor after a context without TSE: dropped and counted, the descriptor
	 * still completes */
	memcpy(ram(TX_BUF), f, 200);
	tx_desc(5, TX_BUF, 200u | 1u << 20 | (0x20u | 0x0bu | 0x04u) << 24, 0, 0);
	ew32(TDT, 6);
	assert_int_equal(wire_take(got, sizeof(got), 100), -1);
	assert_int_equal(er32(TSCTFC), 1);
	assert_int_equal(ram(TX_RING + 16u * 5)[12] & 1u, 1u);
	assert_int_equal(er32(TDH), 6);
}

/* ---- TCP segmentation (TSO) ------------------------------------------------------------ */

#define TCP_FIN 0x01u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u
#define TCP_CWR 0x80u
#define TSO_SEQ 0xfffff000u /* wraps inside the packet */
#define TSO_ID  0xfffeu     /* so does the IPv4 identification */

/* What a TSO packet looks like: IPv4 or IPv6, the TCP header with 12 bytes of options. */
struct tso_pkt {
	bool v6;
	unsigned ip_off, tcp_off, hdrlen;
	uint32_t paylen;
	uint16_t mss;
	uint8_t flags;
};

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }
static void set16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* One's-complement sum of 16-bit big-endian words, folded (this test's own, not the model's). */
static uint16_t ones_sum(uint32_t acc, const uint8_t *p, size_t len)
{
	uint64_t s = acc;

	for (size_t i = 0; i < len; i++)
		s += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The pseudo-header's sum: addresses and protocol, plus `len` (0: as the driver seeds it). */
static uint16_t pseudo_sum(const struct tso_pkt *t, const uint8_t *f, uint32_t len)
{
	unsigned alen = t->v6 ? 16 : 4, at = t->ip_off + (t->v6 ? 8 : 12);

	return ones_sum(6u + len, f + at, 2 * alen);
}

/* The packet as Linux's e1000_tso() leaves it in memory: IP length and checksum zero, the TCP
 * checksum the pseudo-header sum without the length. */
static void tso_build(struct tso_pkt *t, uint8_t *p)
{
	uint8_t *ip = p + 14, *th;

	memset(p, 0, 14 + 40 + 32);
	memcpy(p, peer, 6);
	memcpy(p + 6, mac, 6);
	p[12] = t->v6 ? 0x86 : 0x08;
	p[13] = t->v6 ? 0xdd : 0x00;
	t->ip_off = 14;
	if (t->v6) {
		ip[0] = 0x60;
		ip[6] = 6;  /* next header: TCP */
		ip[7] = 64; /* hop limit */
		ip[8] = 0xfd;
		ip[23] = 1;  /* fd00::1 */
		ip[24] = 0xfd;
		ip[39] = 2; /* fd00::2 */
		t->tcp_off = 14 + 40;
	} else {
		ip[0] = 0x45;
		set16(ip + 4, TSO_ID);
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
		t->tcp_off = 14 + 20;
	}
	th = p + t->tcp_off;
	set16(th, 40000);
	set16(th + 2, 5001);
	set16(th + 4, TSO_SEQ >> 16);
	set16(th + 6, TSO_SEQ & 0xffff);
	set16(th + 8, 0x1234);
	th[12] = 8 << 4; /* 32 bytes: 12 of options */
	th[13] = t->flags;
	set16(th + 14, 502);
	memcpy(th + 20, "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02", 12); /* NOP NOP TS */
	t->hdrlen = t->tcp_off + 32;
	set16(th + 16, pseudo_sum(t, p, 0));
	for (uint32_t i = 0; i < t->paylen; i++)
		p[t->hdrlen + i] = (uint8_t)(i * 7 + i / 251);
}

/* A context descriptor as e1000_tso() writes it, at ring index i. */
static void tso_context(unsigned i, const struct tso_pkt *t, uint8_t hdrlen, uint16_t mss,
			uint32_t paylen, uint8_t tucmd)
{
	uint8_t *c = ram(TX_RING + 16u * i);
	uint32_t cmdlen = (paylen & 0xfffffu) | (uint32_t)(tucmd | 0x20u) << 24;
	unsigned ipcse = t->v6 ? 0 : t->tcp_off - 1;

	memset(c, 0, 16);
	c[0] = (uint8_t)t->ip_off;
	c[1] = (uint8_t)(t->ip_off + 10);
	c[2] = (uint8_t)ipcse;
	c[4] = (uint8_t)t->tcp_off;
	c[5] = (uint8_t)(t->tcp_off + 16);
	memcpy(c + 8, &cmdlen, 4);
	c[13] = hdrlen;
	memcpy(c + 14, &mss, 2);
}

/* The TUCMD e1000_tso() gives: TSE, TCP, and IP for IPv4. */
static uint8_t tso_tucmd(const struct tso_pkt *t)
{
	return (uint8_t)(0x04u | 0x01u | (t->v6 ? 0 : 0x02u));
}

/* Context + data descriptors from ring index `at` (the header alone, then the payload in
 * `chunk`-byte buffers, EOP and RS on the last), as e1000_tx_map()/e1000_tx_queue() do.
 * Returns the ring index after them. */
static unsigned tso_queue(unsigned at, const struct tso_pkt *t, uint64_t buf, size_t total,
			  size_t chunk)
{
	uint8_t popts = (uint8_t)(0x02u | (t->v6 ? 0 : 0x01u));
	uint32_t cmd = 1u << 20 | (0x20u | 0x04u | 0x02u) << 24; /* DTYP D; DEXT, TSE, IFCS */
	size_t done = 0, n = t->hdrlen;

	tso_context(at++, t, (uint8_t)t->hdrlen, t->mss, t->paylen, tso_tucmd(t));
	while (done < total) {
		bool last = done + n >= total;

		if (last)
			n = total - done;
		tx_desc(at++, buf + done, cmd | (uint32_t)n | (last ? 0x09u << 24 : 0), popts, 0);
		done += n;
		n = chunk;
	}
	return at;
}

/* Segment i of the packet p as it arrived (len bytes): every field the model rewrote. */
static void tso_check_segment(const struct tso_pkt *t, const uint8_t *p, unsigned i,
			      unsigned nseg, const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + t->ip_off, *th = f + t->tcp_off;
	uint32_t off = i * (uint32_t)t->mss, n = t->paylen - off < t->mss ? t->paylen - off : t->mss;
	uint8_t want_flags = t->flags;

	assert_int_equal(len, t->hdrlen + n);
	assert_memory_equal(f, p, 14);
	if (t->v6) {
		assert_int_equal(get16(ip + 4), len - 14 - 40);
		assert_memory_equal(ip + 6, p + 14 + 6, 34); /* next header, hops, addresses */
	} else {
		assert_int_equal(get16(ip + 2), len - 14);
		assert_int_equal(get16(ip + 4), (uint16_t)(TSO_ID + i));
		assert_int_equal(ones_sum(0, ip, 20), 0xffff); /* the header checksum is valid */
		assert_memory_equal(ip + 12, p + 14 + 12, 8);
	}
	assert_int_equal(get32(th + 4), (uint32_t)(TSO_SEQ + off));
	if (i + 1 < nseg)
		want_flags &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (i > 0)
		want_flags &= (uint8_t)~TCP_CWR;
	assert_int_equal(th[13], want_flags);
	assert_memory_equal(th + 20, p + t->tcp_off + 20, 12); /* options as given */
	assert_int_equal(ones_sum(pseudo_sum(t, f, (uint32_t)(len - t->tcp_off)), th,
				  len - t->tcp_off), 0xffff); /* the TCP checksum is valid */
	assert_memory_equal(f + t->hdrlen, p + t->hdrlen + off, n);
}

/* One packet through the ring; every segment taken off the wire and checked. */
static void tso_run(struct tso_pkt *t, size_t chunk, unsigned *ring_at)
{
	static uint8_t p[0x20000];
	uint8_t got[2048];
	unsigned nseg = (t->paylen + t->mss - 1) / t->mss, at;

	tso_build(t, p);
	memcpy(ram(TSO_BUF), p, t->hdrlen + t->paylen);
	at = tso_queue(*ring_at, t, TSO_BUF, t->hdrlen + t->paylen, chunk);
	ew32(TDT, at);
	for (unsigned i = 0; i < nseg; i++) {
		ssize_t len = wire_take(got, sizeof(got), 1000);

		if (len < 0)
			fail_msg("segment %u of %u did not arrive", i, nseg);
		tso_check_segment(t, p, i, nseg, got, (size_t)len);
	}
	assert_int_equal(wire_take(got, sizeof(got), 50), -1); /* no more */
	assert_int_equal(er32(TDH), at);
	assert_int_equal(ram(TX_RING + 16u * (at - 1))[12] & 1u, 1u); /* DD on the last */
	assert_int_equal(er32(GPTC), nseg);
	*ring_at = at;
}

static void test_tso(void **state)
{
	struct tso_pkt v4 = {.paylen = 10000, .mss = 1448,
			     .flags = TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR};
	struct tso_pkt v6 = {.v6 = true, .paylen = 3001, .mss = 1000, .flags = TCP_ACK | TCP_PSH};
	struct tso_pkt full = {.paylen = 65536, .mss = 1448, .flags = TCP_ACK | TCP_PSH};
	struct tso_pkt one = {.paylen = 100, .mss = 1448,
			      .flags = TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR};
	unsigned at = 0;

	(void)state;
	tx_ring_on(256);
	tso_run(&v4, 4096, &at);  /* 7 segments, the last 1,312 bytes: 1,514-byte frames */
	tso_run(&v6, 1500, &at);  /* 4 segments, the last 1 byte */
	tso_run(&full, 65536, &at); /* 64 KiB in one buffer: 46 segments */
	tso_run(&one, 4096, &at); /* shorter than MSS: one segment keeps FIN, PSH and CWR */
	assert_int_equal(er32(TSCTC), 4);
	assert_int_equal(er32(TSCTFC), 0);
	assert_int_equal(fake.tso_logs, 0);
}

/* Hostile TSO contexts: each packet is dropped and counted, its descriptors complete, nothing
 * reaches the wire, and a good packet after them still goes out whole. */
static void test_tso_hostile(void **state)
{
	static uint8_t p[0x200];
	struct tso_pkt t = {.paylen = 100, .mss = 1448, .flags = TCP_ACK};
	struct {
		uint8_t hdrlen, tucmd, tucss;
		uint16_t mss;
		uint32_t paylen;
		size_t carried;
	} bad[] = {
		{66, 0x07, 34, 0, 100, 166},        /* MSS 0 */
		{66, 0x07, 34, 31, 100, 166},       /* MSS below the minimum */
		{200, 0x07, 34, 1300, 100, 166},    /* HDRLEN beyond what the buffers carry */
		{66, 0x07, 34, 1448, 0xfffff, 166}, /* PAYLEN 1 MiB - 1 */
		{255, 0x07, 34, 1448, 100, 355},    /* the header + MSS longer than a frame */
		{66, 0x07, 34, 1460, 100, 166},     /* 66 + 1,460 > 1,518 */
		{66, 0x07, 34, 1448, 0, 66},        /* no payload */
		{66, 0x07, 60, 1448, 100, 166},     /* the TCP header runs past HDRLEN */
		{66, 0x07, 20, 1448, 100, 166},     /* TUCSS inside the IP header */
		{66, 0x06, 34, 1448, 100, 166},     /* UDP */
		{66, 0x03, 34, 1448, 100, 166},     /* a context without TSE */
		{66, 0x07, 34, 1448, 100, 300},     /* the buffers carry more than the packet */
		{66, 0x07, 34, 1448, 100, 120},     /* ... or less */
	};
	unsigned n = sizeof(bad) / sizeof(bad[0]), at = 0;
	uint32_t cmd = 1u << 20 | (0x20u | 0x04u | 0x02u) << 24;
	uint8_t got[2048];

	(void)state;
	tso_build(&t, p);
	memcpy(ram(TSO_BUF), p, sizeof(p));
	tx_ring_on(256);
	for (unsigned i = 0; i < n; i++) {
		size_t first = bad[i].carried / 2;

		tso_context(at, &t, bad[i].hdrlen, bad[i].mss, bad[i].paylen, bad[i].tucmd);
		ram(TX_RING + 16u * at)[4] = bad[i].tucss;
		ram(TX_RING + 16u * at)[5] = (uint8_t)(bad[i].tucss + 16);
		tx_desc(at + 1, TSO_BUF, cmd | (uint32_t)first, 0x03, 0);
		tx_desc(at + 2, TSO_BUF + first, cmd | (uint32_t)(bad[i].carried - first) | 0x09u << 24,
			0x03, 0);
		at += 3;
		ew32(TDT, at);
		assert_int_equal(er32(TDH), at);
		assert_int_equal(ram(TX_RING + 16u * (at - 1))[12] & 1u, 1u);
		assert_int_equal(er32(TSCTFC), 1);
		assert_int_equal(wire_take(got, sizeof(got), 20), -1);
	}
	/* a 20-bit data length in one descriptor, PAYLEN to match: past 64 KiB, refused */
	tso_context(at, &t, 66, 1448, 0xfffff - 66, 0x07);
	tx_desc(at + 1, TSO_BUF, cmd | 0xfffffu | 0x09u << 24, 0x03, 0);
	at += 2;
	ew32(TDT, at);
	assert_int_equal(er32(TSCTFC), 1);
	assert_int_equal(fake.tso_logs, 1); /* one line, not one per packet: the first, why */
	assert_non_null(strstr(fake.tso_log, "TSO packet at transmit descriptor 1 dropped: MSS 0 "
					    "is below 32"));
	assert_int_equal(er32(GPTC), 0);
	assert_int_equal(er32(TSCTC), 0);
	assert_string_equal(fake.violation, "");
	tso_run(&t, 4096, &at); /* the card still works */
	assert_int_equal(er32(TSCTC), 1);
}

/* A doorbell cuts at most E1K_TX_FRAME_BURST (4,096) frames, finishing the packet at hand;
 * the rest go on the next doorbell or tick. 8 packets of 64 KiB at MSS 32: 2,048 frames each. */
static void test_tso_bounded_work(void **state)
{
	static uint8_t p[0x10100];
	struct tso_pkt t = {.paylen = 65536, .mss = 32, .flags = TCP_ACK};
	struct ik_device *d = card();
	unsigned at = 0;
	uint64_t head = 0;

	(void)state;
	tso_build(&t, p);
	memcpy(ram(TSO_BUF), p, t.hdrlen + t.paylen);
	tx_ring_on(64);
	for (unsigned i = 0; i < 8; i++)
		at = tso_queue(at, &t, TSO_BUF, t.hdrlen + t.paylen, 65536 + 256);
	assert_int_equal(at, 24);
	pthread_mutex_lock(&d->lock); /* the doorbell and TDH under one lock: no tick between */
	assert_int_equal(d->model->mmio_write(d, TDT, 4, at), 0);
	assert_int_equal(d->model->mmio_read(d, TDH, 4, &head), 0);
	pthread_mutex_unlock(&d->lock);
	assert_int_equal(head, 6); /* two packets: 4,096 frames */
	for (int i = 0; i < 200 && er32(TDH) != at; i++)
		usleep(5000);
	assert_int_equal(er32(TDH), at);
	assert_int_equal(er32(TSCTC), 8);
}

/* ---- receive --------------------------------------------------------------------------- */

static void rx_ring_on(unsigned n, unsigned avail, uint32_t rctl_extra)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t *d = ram(RX_RING + 16u * i);
		uint64_t a = RX_BUF + 0x800u * i;

		memset(d, 0, 16);
		memcpy(d, &a, 8);
	}
	ew32(RDBAL, (uint32_t)RX_RING);
	ew32(RDBAH, 0);
	ew32(RDLEN, 16u * n);
	ew32(RDH, 0);
	ew32(RDT, avail);
	ew32(RCTL, 0x2u | 0x8000u | rctl_extra); /* EN, BAM, 2048-byte buffers */
}

static bool wait_rdh(unsigned want)
{
	for (int i = 0; i < 200; i++) {
		if (er32(RDH) == want)
			return true;
		usleep(5000);
	}
	return false;
}

static void test_receive(void **state)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t f[1514], *d;
	uint16_t len;

	(void)state;
	rx_ring_on(16, 15, 0);
	ew32(IMS, 0x80u);
	frame_to(f, mac, sizeof(f), 9);
	assert_int_equal(send(wire_fd, f, sizeof(f), 0), (ssize_t)sizeof(f));
	assert_true(wait_rdh(1));
	d = ram(RX_RING);
	memcpy(&len, d + 8, 2);
	assert_int_equal(len, 1514 + 4); /* the CRC follows the frame */
	assert_int_equal(d[12] & 0x3u, 0x3u); /* DD, EOP */
	assert_memory_equal(ram(RX_BUF), f, 1514);
	assert_true(er32(ICR) & 0x80u);
	assert_true(fake.nirqs >= 1);
	assert_int_equal(er32(GPRC), 1);
	/* the filter: another station's unicast is dropped, broadcast passes (BAM) */
	frame_to(f, peer, 100, 1);
	send(wire_fd, f, 100, 0);
	frame_to(f, bcast, 42, 1);
	send(wire_fd, f, 42, 0);
	assert_true(wait_rdh(2));
	d = ram(RX_RING + 16);
	memcpy(&len, d + 8, 2);
	assert_int_equal(len, 64); /* padded to 60, + CRC */
	/* multicast by the MTA hash (MO 0: bits 47:36) */
	{
		uint8_t m[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
		unsigned h = ((m[4] >> 4) | (unsigned)m[5] << 4) & 0xfffu;

		frame_to(f, m, 60, 2);
		send(wire_fd, f, 60, 0);
		usleep(50000);
		assert_int_equal(er32(RDH), 2);
		ew32(MTA + 4 * (h >> 5), 1u << (h & 31));
		send(wire_fd, f, 60, 0);
		assert_true(wait_rdh(3));
	}
	/* a frame across descriptors: 256-byte buffers, EOP on the last */
	ew32(RCTL, 0x2u | 0x8000u | 0x30000u);
	frame_to(f, mac, 600, 4);
	send(wire_fd, f, 600, 0);
	assert_true(wait_rdh(6));
	assert_int_equal(ram(RX_RING + 16u * 3)[12] & 0x3u, 0x1u);
	assert_int_equal(ram(RX_RING + 16u * 5)[12] & 0x3u, 0x3u);
	assert_memory_equal(ram(RX_BUF + 0x800u * 4), f + 256, 256);
}

static void test_receive_without_descriptors(void **state)
{
	uint8_t f[100];

	(void)state;
	rx_ring_on(8, 0, 0); /* RDH == RDT: the driver gave none */
	frame_to(f, mac, sizeof(f), 5);
	send(wire_fd, f, sizeof(f), 0);
	for (int i = 0; i < 100 && !(er32(ICR) & 0x40u); i++)
		usleep(5000);
	assert_int_equal(er32(MPC), 1);
	assert_int_equal(er32(RDH), 0);
}

/* ---- a hostile driver ------------------------------------------------------------------ */

static void test_hostile_rings(void **state)
{
	uint32_t v = 0;
	int r;

	(void)state;
	/* accesses that are not one aligned 32-bit register */
	assert_int_equal(mmio(false, 0x2, 4, &v), -EINVAL);
	assert_int_equal(mmio(true, 0x8, 2, &v), -EINVAL);
	assert_int_equal(mmio(false, 0x20000, 4, &v), -EINVAL);
	/* a tail beyond the ring does nothing; a huge ring is worked through in bounded steps */
	tx_ring_on(8);
	ew32(TDT, 100);
	assert_int_equal(er32(TDH), 0);
	memset(ram(TX_RING), 0, 0x1000); /* zero descriptors: empty legacy buffers */
	ew32(TDLEN, 0xfff80u);           /* 65,528 descriptors, all in... */
	ew32(TDBAL, (uint32_t)RAM_BASE);
	memset(fake.ram, 0, RAM_SIZE);
	ew32(TDT, 0x3fff);               /* 16,383 of them inside the fake RAM */
	v = er32(TDH);                   /* one doorbell: at most 1,024 (a tick may add 1,024) */
	assert_true(v > 0 && v % 1024 == 0 && v < 0x3fff);
	for (int i = 0; i < 200 && er32(TDH) != 0x3fff; i++)
		usleep(5000);            /* the rest on the device's ticks */
	assert_int_equal(er32(TDH), 0x3fff);
	/* a ring whose next descriptor lies outside RAM halts the card */
	ew32(TDLEN, 16u * 8);
	ew32(TDBAL, 0x7000);
	ew32(TDH, 0);
	v = 1;
	r = mmio(true, TDT, 4, &v);
	assert_int_equal(r, -EFAULT);
	assert_non_null(strstr(fake.violation, "0x7000")); /* the host ends the driver, naming it */
	assert_int_equal(mmio(false, STATUS, 4, &v), -EFAULT); /* halted for good */
}

static void test_receive_buffer_outside_ram_halts(void **state)
{
	uint64_t bad = 0xdead0000ull;
	uint8_t f[100];
	uint32_t v = 0;
	int r = 0;

	(void)state;
	rx_ring_on(8, 7, 0);
	memcpy(ram(RX_RING), &bad, 8);
	frame_to(f, mac, sizeof(f), 5);
	send(wire_fd, f, sizeof(f), 0);
	for (int i = 0; i < 200 && r == 0; i++) {
		usleep(5000);
		r = mmio(false, STATUS, 4, &v);
	}
	assert_int_equal(r, -EFAULT);
	assert_non_null(strstr(fake.violation, "0xdead0000"));
	assert_int_equal(ram(RX_RING)[12], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_eeprom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phy_status_and_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupts_and_throttling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transmit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tso, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tso_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tso_bounded_work, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_without_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_rings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_buffer_outside_ram_halts, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
