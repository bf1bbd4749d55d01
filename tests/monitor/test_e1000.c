/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the 82540EM model (src/devices/dev_e1000.c) through the device registry (no
 * KVM), driving the registers as Linux's e1000 driver does: the Microwire EEPROM bit-banged
 * (checksum 0xBABA, the MAC), the PHY over MDIC, CTRL.RST, the interrupt registers and ITR,
 * transmit and receive rings in a fake guest RAM behind the host's DMA accessor, the receive
 * filter, clear-on-read statistics, and a hostile driver's rings (bounded work, DMA outside RAM
 * halts the card). The wire is a SOCK_SEQPACKET socket this test listens on.
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

static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t peer[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};

static struct {
	uint64_t irqs;
	unsigned nirqs;
	char violation[256];
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
	(void)line;
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
	/* TSO is refused: dropped and counted, the descriptor still completes */
	memcpy(ram(TX_BUF), f, 200);
	tx_desc(5, TX_BUF, 200u | 1u << 20 | (0x20u | 0x0bu | 0x04u) << 24, 0, 0);
	ew32(TDT, 6);
	assert_int_equal(wire_take(got, sizeof(got), 100), -1);
	assert_int_equal(er32(TSCTFC), 1);
	assert_int_equal(ram(TX_RING + 16u * 5)[12] & 1u, 1u);
	assert_int_equal(er32(TDH), 6);
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
		cmocka_unit_test_setup_teardown(test_receive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_without_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_rings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_buffer_outside_ram_halts, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
