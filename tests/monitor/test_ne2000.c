/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the NE2000 model (src/devices/dev_ne2000.c) through the device registry (no
 * KVM), driving the registers in the order Linux's ne.c + lib8390.c do: the probe, the reset,
 * the PROM read, the ring set-up, a transmit that must appear on the wire, frames from the wire
 * that must land in the ring behind the right header (wrapping at PSTOP, dropped with OVW when
 * the ring is full), the address filter, and hostile register values.
 * The wire is a SOCK_SEQPACKET socket this test listens on (wire=socket:PATH), or a pcap file.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>

#include "ikernel/abi.h"

#include "devmodel.h"
#include "iktest.h"
#include "netwire.h"
#include "tap.h"

#define BASE 0x300u
#define IRQ  5u
/* registers (page 0 unless noted) */
#define CR     0x00
#define PSTART 0x01
#define PSTOP  0x02
#define BNRY   0x03
#define TPSR   0x04
#define TBCR0  0x05
#define TBCR1  0x06
#define ISR    0x07
#define RSAR0  0x08
#define RSAR1  0x09
#define RBCR0  0x0a
#define RBCR1  0x0b
#define RCR    0x0c
#define RSR    0x0c /* read */
#define TCR    0x0d
#define DCR    0x0e
#define IMR    0x0f
#define CNTR2  0x0f
#define CURR   0x07 /* page 1 */
#define DATA   0x10
#define RESET  0x1f

static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t peer[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};

struct fake_host {
	uint64_t irqs;
	unsigned nirqs;
};

static struct fake_host fake;
static struct ik_devset set;
static char dir[48], sockpath[64];
static int listen_fd = -1, wire_fd = -1;

static void fake_raise_irq(void *ctx, unsigned line)
{
	struct fake_host *h = ctx;

	h->irqs |= 1ull << line;
	h->nirqs++;
}

static void fake_log(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static bool fake_ended(void *ctx)
{
	(void)ctx;
	return false;
}

static int grant_spec(const char *spec, char *err)
{
	const struct ik_dev_host host = {
		.ctx = &fake, .raise_irq = fake_raise_irq, .log = fake_log, .ended = fake_ended,
	};
	const char *specs[] = {spec};

	memset(&fake, 0, sizeof(fake));
	return ik_devset_init(&set, &host, specs, 1, err, 256);
}

static uint32_t in(unsigned reg, unsigned size)
{
	uint8_t d[4] = {0};
	uint32_t v = 0;
	char why[256];

	if (ik_devset_pio(&set, "ne", (uint16_t)(BASE + reg), size, false, d, why, sizeof(why)))
		fail_msg("read of +0x%x: %s", reg, why);
	memcpy(&v, d, size);
	return v;
}

static void out(unsigned reg, unsigned size, uint32_t v)
{
	uint8_t d[4];
	char why[256];

	memcpy(d, &v, sizeof(d));
	if (ik_devset_pio(&set, "ne", (uint16_t)(BASE + reg), size, true, d, why, sizeof(why)))
		fail_msg("write of +0x%x: %s", reg, why);
}

static uint8_t inb(unsigned reg)
{
	return (uint8_t)in(reg, 1);
}

static void outb(uint8_t v, unsigned reg)
{
	out(reg, 1, v);
}

/* A card on a socket cable whose other end is this test. */
static int setup_socket(void **state)
{
	char spec[256], err[256] = "";

	(void)state;
	listen_fd = iktest_cable_listen("ne2000-test", dir, sizeof(dir), sockpath, sizeof(sockpath));
	assert_true(listen_fd >= 0);
	snprintf(spec, sizeof(spec), "ne2000@0x%x,irq=%u,mac=02:11:22:33:44:55,wire=socket:%s",
		 BASE, IRQ, sockpath);
	if (grant_spec(spec, err))
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

/* ne_probe1's checks: not 0xff at +0, CNTR0 clears on read, reset sets ISR bit 7. */
static void probe(void)
{
	assert_int_not_equal(inb(CR), 0xff);
	outb(0x61, CR); /* NODMA | PAGE1 | STOP */
	(void)inb(0x0d);
	outb(0xff, 0x0d);
	outb(0x21, CR);
	(void)inb(0x0d);
	assert_int_equal(inb(0x0d), 0);
	outb(inb(RESET), RESET);
	assert_int_equal(inb(ISR) & 0x80, 0x80);
	outb(0xff, ISR);
	assert_int_equal(inb(ISR), 0);
}

static void remote(uint16_t addr, uint16_t count, uint8_t cmd)
{
	outb((uint8_t)count, RBCR0);
	outb((uint8_t)(count >> 8), RBCR1);
	outb((uint8_t)addr, RSAR0);
	outb((uint8_t)(addr >> 8), RSAR1);
	outb(cmd, CR);
}

/* ei_block_input in word mode: insw, then a byte read for an odd count. */
static void block_input(uint16_t addr, uint8_t *buf, size_t count)
{
	remote(addr, (uint16_t)count, 0x0a);
	for (size_t i = 0; i + 1 < count; i += 2) {
		uint16_t w = (uint16_t)in(DATA, 2);
		buf[i] = (uint8_t)w;
		buf[i + 1] = (uint8_t)(w >> 8);
	}
	if (count & 1)
		buf[count - 1] = inb(DATA);
	assert_int_equal(inb(ISR) & 0x40, 0x40); /* RDC */
	outb(0x40, ISR);
}

static void block_output(uint16_t addr, const uint8_t *buf, size_t count)
{
	remote(addr, (uint16_t)count, 0x12);
	for (size_t i = 0; i < count; i += 2)
		out(DATA, 2, buf[i] | (uint32_t)(i + 1 < count ? buf[i + 1] : 0) << 8);
	assert_int_equal(inb(ISR) & 0x40, 0x40);
	outb(0x40, ISR);
}

/* NS8390_init + ei_open: word mode, TX pages at 0x40, the ring 0x4c-0x80, started, AB. */
static void start(uint8_t rcr)
{
	outb(0x21, CR);
	outb(0x49, DCR);
	outb(0, RBCR0);
	outb(0, RBCR1);
	outb(0x20, RCR);
	outb(0x02, TCR);
	outb(0x40, TPSR);
	outb(0x4c, PSTART);
	outb(0x7f, BNRY);
	outb(0x80, PSTOP);
	outb(0xff, ISR);
	outb(0, IMR);
	outb(0x61, CR);
	for (unsigned i = 0; i < 6; i++)
		outb(mac[i], 1 + i);
	outb(0x4c, CURR);
	outb(0x21, CR);
	outb(0xff, ISR);
	outb(0x3f, IMR);
	outb(0x22, CR);
	outb(0x00, TCR);
	outb(rcr, RCR);
}

static void test_probe_and_prom(void **state)
{
	uint8_t prom[32];

	(void)state;
	probe();
	/* ne_probe1's program_seq: byte mode, 32 bytes from address 0 */
	outb(0x21, CR);
	outb(0x48, DCR);
	outb(0, IMR);
	outb(0xff, ISR);
	remote(0, 32, 0x0a);
	for (unsigned i = 0; i < 32; i++)
		prom[i] = inb(DATA);
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(prom[2 * i], mac[i]);
		assert_int_equal(prom[2 * i + 1], mac[i]);
	}
	assert_int_equal(prom[28], 0x57);
	assert_int_equal(prom[30], 0x57);
	assert_int_equal(inb(ISR) & 0x40, 0x40);
	/* in word mode the same PROM reads as doubled words */
	outb(0x49, DCR);
	remote(0, 2, 0x0a);
	assert_int_equal(in(DATA, 2), mac[0] | mac[0] << 8);
	/* the registers are bytes: a 16-bit access is refused (a violation) */
	uint8_t d[2];
	char why[256];
	assert_int_equal(ik_devset_pio(&set, "ne", BASE + ISR, 2, false, d, why, sizeof(why)),
			 -EPERM);
}

static void wait_isr(uint8_t bits)
{
	for (int i = 0; i < 2000; i++) {
		if (inb(ISR) & bits)
			return;
		usleep(1000);
	}
	fail_msg("ISR bits 0x%x never set (ISR 0x%x)", bits, inb(ISR));
}

static void frame_to(uint8_t *f, const uint8_t *dst, size_t len, uint8_t fill)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, peer, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(fill + i);
}

static void test_transmit_reaches_the_wire(void **state)
{
	uint8_t f[1514], got[2048];
	ssize_t n;

	(void)state;
	probe();
	start(0x04);
	frame_to(f, peer, sizeof(f), 3);
	memcpy(f + 6, mac, 6);
	block_output(0x4000, f, sizeof(f));
	fake.irqs = 0;
	outb(0x40, TPSR);
	outb(sizeof(f) & 0xff, TBCR0);
	outb(sizeof(f) >> 8, TBCR1);
	outb(0x26, CR); /* NODMA | TRANS | START */
	assert_int_equal(inb(ISR) & 0x0a, 0x02); /* PTX, no TXE */
	assert_int_equal(inb(CR) & 0x04, 0);     /* TXP clears when done */
	assert_int_equal(fake.irqs, 1ull << IRQ);
	n = recv(wire_fd, got, sizeof(got), MSG_DONTWAIT);
	assert_int_equal(n, sizeof(f));
	assert_memory_equal(got, f, sizeof(f));
	/* internal loopback (TCR 0x02) keeps frames off the wire */
	outb(0x02, TCR);
	outb(0x26, CR);
	assert_int_equal(recv(wire_fd, got, sizeof(got), MSG_DONTWAIT), -1);
}

/* Read the frame at `page` as ei_receive does: header, then the data (the DMA wraps). */
static void read_frame(uint8_t page, uint8_t *status, uint8_t *next, uint8_t *buf, size_t *len)
{
	uint8_t h[4];

	block_input((uint16_t)(page << 8), h, 4);
	*status = h[0];
	*next = h[1];
	*len = (size_t)(h[2] | h[3] << 8) - 4;
	block_input((uint16_t)((page << 8) + 4), buf, *len);
}

/* A frame from the wire, then the one the ring holds at `page`. */
static void inject_and_read(const uint8_t *f, size_t flen, uint8_t page, uint8_t *status,
			    uint8_t *next, uint8_t *buf, size_t *len)
{
	outb(0xff, ISR);
	assert_int_equal(send(wire_fd, f, flen, 0), (ssize_t)flen);
	wait_isr(0x01);
	read_frame(page, status, next, buf, len);
}

static void test_receive_into_the_ring(void **state)
{
	uint8_t f[1000], buf[1600], status, next;
	size_t len;

	(void)state;
	probe();
	start(0x04);
	fake.irqs = 0;
	frame_to(f, mac, sizeof(f), 7);
	assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	wait_isr(0x01);
	assert_int_equal(fake.irqs, 1ull << IRQ);
	read_frame(0x4c, &status, &next, buf, &len);
	assert_int_equal(status, 0x01);
	assert_int_equal(next, 0x4c + 4); /* 1,004 bytes: 4 pages */
	assert_int_equal(len, sizeof(f));
	assert_memory_equal(buf, f, sizeof(f));
	outb(0x60, CR); /* page 1, as lib8390 reads CURR while running */
	assert_int_equal(inb(CURR), 0x50);
	/* lib8390 writes NODMA | PAGE0 (neither STA nor STP) while running: still running */
	outb(0x20, CR);
	assert_int_equal(inb(CR), 0x22);
	/* 508 bytes + header = 512: the chip keeps room for the CRC after them, so the next frame
	 * starts 3 pages on (lib8390 checks the header's next page against this) */
	uint8_t f508[508];
	frame_to(f508, mac, sizeof(f508), 5);
	inject_and_read(f508, sizeof(f508), 0x50, &status, &next, buf, &len);
	assert_int_equal(next, 0x53);
	assert_int_equal(len, sizeof(f508));
	/* a short frame is padded to 60 bytes; broadcast is taken with AB (PHY status) */
	uint8_t bc[42];
	static const uint8_t all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	frame_to(bc, all, sizeof(bc), 1);
	inject_and_read(bc, sizeof(bc), 0x53, &status, &next, buf, &len);
	assert_int_equal(status, 0x21);
	assert_int_equal(len, 60);
	assert_memory_equal(buf, bc, sizeof(bc));
	assert_int_equal(buf[59], 0);
}

/* Read shadows (IK_SHADOW_PORT_READ): CR, BNRY, TSR and ISR are listed for the boot info, and
 * each published value is what a read of that port returns now, for the page CR selects:
 * after page switches, an acknowledgement, a received frame (from the wire, on another path
 * than a port access) and a transmit. A guest reads them only while no port write is held. */
static _Atomic uint32_t shadow_values[IK_MAX_MMIO_SHADOWS];
static struct ik_mmio_shadow shadow_table[IK_MAX_MMIO_SHADOWS];

static void assert_shadows_are_reads(const char *when)
{
	for (unsigned n = 0; n < IK_MAX_MMIO_SHADOWS && shadow_table[n].addr; n++) {
		unsigned reg = shadow_table[n].addr - BASE;
		uint32_t pub = atomic_load(&shadow_values[n]);
		uint8_t now = inb(reg); /* these ports' reads have no side effect */

		if (pub != now)
			fail_msg("%s: the shadow of +0x%x (page %u) is 0x%x, a read gives 0x%x", when,
				 reg, inb(CR) >> 6, pub, now);
	}
}

static void test_read_shadows_follow_the_chip(void **state)
{
	static const unsigned want[] = {CR, BNRY, TPSR /* TSR */, ISR};
	uint8_t f[200], buf[1600], status, next;
	size_t len;
	unsigned n;

	(void)state;
	n = ik_devset_mmio_shadows(&set, shadow_table, IK_MAX_MMIO_SHADOWS);
	assert_int_equal(n, 4);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(shadow_table[i].addr, BASE + want[i]);
		assert_int_equal(shadow_table[i].size, 1);
		assert_int_equal(shadow_table[i].kind, IK_SHADOW_PORT_READ);
	}
	ik_devset_shadow_attach(&set, shadow_values, IK_MAX_MMIO_SHADOWS);
	assert_shadows_are_reads("at attach");
	probe();
	start(0x04);
	assert_shadows_are_reads("started");
	outb(0x60, CR); /* page 1: port 7 reads CURR, port 4 PAR3 */
	assert_shadows_are_reads("page 1");
	outb(0xa0, CR); /* page 2 */
	assert_shadows_are_reads("page 2");
	outb(0x20, CR);
	frame_to(f, mac, sizeof(f), 3);
	assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	wait_isr(0x01); /* the frame came in on the wire path: ISR changed without a port access */
	outb(0x60, CR);
	outb(0x20, CR);
	assert_shadows_are_reads("a frame received");
	read_frame(0x4c, &status, &next, buf, &len);
	outb(0xff, ISR); /* acknowledge everything */
	assert_shadows_are_reads("acknowledged");
	outb(0x40, TPSR);
	outb(60, TBCR0);
	outb(0, TBCR1);
	outb(0x26, CR); /* transmit: TSR and ISR change */
	assert_shadows_are_reads("transmitted");
}

/* Frames the filter must refuse never reach the ring; ones it must take do. */
static void test_address_filter(void **state)
{
	static const uint8_t other[6] = {0x02, 0x99, 0x99, 0x99, 0x99, 0x99};
	static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}; /* hash bit 31 */
	uint8_t f[100];

	(void)state;
	probe();
	start(0x04);
	frame_to(f, other, sizeof(f), 0);
	assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	frame_to(f, group, sizeof(f), 0);
	assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	usleep(100 * 1000);
	assert_int_equal(inb(ISR) & 0x01, 0);
	/* AM with the group's bit in MAR3 */
	outb(0x61, CR);
	outb(0x80, 0x08 + 3);
	outb(0x22, CR);
	outb(0x0c, RCR);
	assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	wait_isr(0x01);
	outb(0xff, ISR);
	/* promiscuous takes anything */
	outb(0x10, RCR);
	frame_to(f, other, sizeof(f), 0);
	assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	wait_isr(0x01);
}

static void test_ring_wraps_and_overflows(void **state)
{
	uint8_t f[600], buf[1600], status, next;
	size_t len;

	(void)state;
	probe();
	start(0x04);
	/* the ring's last two pages: the frame's data wraps to PSTART */
	outb(0x7d, BNRY);
	outb(0x61, CR);
	outb(0x7e, CURR);
	outb(0x22, CR);
	frame_to(f, mac, sizeof(f), 9);
	assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	wait_isr(0x01);
	read_frame(0x7e, &status, &next, buf, &len);
	assert_int_equal(next, 0x4c + 1); /* 604 bytes: 3 pages from 0x7e, wrapped */
	assert_int_equal(len, sizeof(f));
	assert_memory_equal(buf, f, sizeof(f));
	/* nobody advances BNRY: once the ring is full, frames are dropped with OVW, counted */
	(void)inb(CNTR2);
	for (int i = 0; i < 40; i++)
		assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	wait_isr(0x10);
	assert_int_equal(inb(RSR) & 0x10, 0x10); /* missed packet */
	usleep(50 * 1000);
	assert_true(inb(CNTR2) > 0);
	assert_int_equal(inb(CNTR2), 0); /* clear on read */
	/* CURR never reaches BNRY: the unread frame at 0x7e is intact */
	read_frame(0x7e, &status, &next, buf, &len);
	assert_memory_equal(buf, f, sizeof(f));
}

/* Values no driver should write: the model stays inside its buffers and reports errors. */
static void test_hostile_values(void **state)
{
	uint8_t f[200];

	(void)state;
	probe();
	start(0x04);
	/* a transmit from outside the RAM, or longer than a frame, aborts */
	for (unsigned t = 0; t < 3; t++) {
		static const uint8_t tpsr[] = {0x00, 0x7f, 0xff};
		outb(tpsr[t], TPSR);
		outb(0xff, TBCR0);
		outb(0xff, TBCR1);
		outb(0xff, ISR);
		outb(0x26, CR);
		assert_int_equal(inb(ISR) & 0x0a, 0x08); /* TXE */
		assert_int_equal(inb(0x04), 0x08);       /* TSR: aborted */
	}
	/* remote DMA across the end of the address space and the RAM wraps harmlessly */
	remote(0xfff0, 0xffff, 0x12);
	for (unsigned i = 0; i < 40; i++)
		out(DATA, 2, 0xa5a5);
	remote(0x7ff0, 64, 0x0a);
	for (unsigned i = 0; i < 32; i++)
		(void)in(DATA, 4);
	/* a ring outside the RAM, inverted, or with pointers outside it: frames are dropped or
	 * land inside the clamped ring */
	static const uint8_t rings[][4] = {
		{0x00, 0xff, 0xff, 0x00}, {0x70, 0x50, 0x60, 0x60}, {0x4c, 0x80, 0xff, 0x00},
		{0x7f, 0x80, 0x7f, 0x7f},
	};
	frame_to(f, mac, sizeof(f), 0);
	for (unsigned r = 0; r < 4; r++) {
		outb(rings[r][0], PSTART);
		outb(rings[r][1], PSTOP);
		outb(rings[r][3], BNRY);
		outb(0x61, CR);
		outb(rings[r][2], CURR);
		outb(0x22, CR);
		assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	}
	usleep(100 * 1000);
	/* an oversized frame from the wire is dropped, not truncated */
	uint8_t big[3000];
	frame_to(big, mac, sizeof(big), 0);
	outb(0x4c, PSTART);
	outb(0x80, PSTOP);
	outb(0x7f, BNRY);
	outb(0x61, CR);
	outb(0x4c, CURR);
	outb(0x22, CR);
	outb(0xff, ISR);
	assert_int_equal(send(wire_fd, big, sizeof(big), 0), sizeof(big));
	usleep(100 * 1000);
	assert_int_equal(inb(ISR) & 0x01, 0);
	/* the chip still works */
	assert_int_equal(send(wire_fd, f, sizeof(f), 0), sizeof(f));
	wait_isr(0x01);
}

static void test_pcap_wire_and_options(void **state)
{
	char spec[256], err[256] = "", path[128];
	uint8_t f[64], cap[24 + 16 + 64];
	FILE *fp;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ne2000-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tx.pcap", dir);
	snprintf(spec, sizeof(spec), "ne2000@0x%x,irq=%u,mac=02:11:22:33:44:55,wire=pcap:%s", BASE,
		 IRQ, path);
	if (grant_spec(spec, err))
		fail_msg("grant: %s", err);
	probe();
	start(0x04);
	frame_to(f, peer, sizeof(f), 1);
	block_output(0x4600, f, sizeof(f));
	outb(0x46, TPSR);
	outb(sizeof(f), TBCR0);
	outb(0, TBCR1);
	outb(0x26, CR);
	ik_devset_destroy(&set);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(cap, 1, sizeof(cap) + 1, fp), sizeof(cap));
	fclose(fp);
	unlink(path);
	assert_int_equal(cap[0] | cap[1] << 8 | cap[2] << 16 | (uint32_t)cap[3] << 24, 0xa1b2c3d4u);
	assert_int_equal(cap[20], 1);          /* Ethernet */
	assert_int_equal(cap[24 + 8], 64);     /* captured length */
	assert_memory_equal(cap + 40, f, sizeof(f));
	/* options that must be refused, with why */
	static const char *const bad[][2] = {
		{"ne2000,mac=01:00:5e:00:00:01", "expected a unicast"},
		{"ne2000,mac=02:11:22:33:44", "expected a unicast"},
		{"ne2000,wire=floppy", "unknown wire 'floppy'"},
		{"ne2000,wire=tap:", "expected an interface name"},
		{"ne2000,irq=64", "option irq=64"},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(grant_spec(bad[i][0], err), -EINVAL);
		if (!strstr(err, bad[i][1]))
			fail_msg("'%s': \"%s\" lacks \"%s\"", bad[i][0], err, bad[i][1]);
		ik_devset_destroy(&set);
	}
}

/* A capture is bounded (IK_NETWIRE_PCAP_MAX, lowered here): frames past it are dropped and
 * counted, the file stops growing. */
static void test_pcap_is_bounded(void **state)
{
	struct ik_netwire w;
	char err[256] = "", path[128];
	uint8_t f[100] = {0};
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ne2000-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "pcap:%s/cap.pcap", dir);
	if (ik_netwire_open(&w, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(w.pcap_room == IK_NETWIRE_PCAP_MAX - 24);
	w.pcap_room = 8 * (16 + sizeof(f)) + 50;
	for (unsigned i = 0; i < 10; i++)
		ik_netwire_send(&w, f, sizeof(f));
	ik_netwire_close(&w);
	assert_int_equal(w.sent, 8);
	assert_int_equal(w.dropped, 2);
	assert_int_equal(stat(path + 5, &st), 0);
	assert_int_equal(st.st_size, 24 + 8 * (16 + sizeof(f)));
	unlink(path + 5);
}

#define TXQ_FRAMES 600u  /* more than one writer batch, fewer than the queue holds */
#define TXQ_ETHERTYPE 0x88b5 /* IEEE local experimental */

/* In a child's own network namespace: a TAP wire's transmit queue delivers every frame, in
 * order, and a close sends what is still queued. 0 when it did; else what went wrong. */
static int tap_wire_queue_in_own_netns(void)
{
	struct ifreq ifr = {0};
	struct ik_netwire w;
	char err[256] = "", spec[32], name[16];
	uint8_t f[64] = {0}, got[128];
	int fd, s, ps;

	if (unshare(CLONE_NEWNET))
		return 10;
	snprintf(name, sizeof(name), "iktxq%d", (int)getpid() % 100000);
	if ((fd = ik_tap_open(name, NULL, 0, err, sizeof(err))) < 0 || ioctl(fd, TUNSETPERSIST, 1))
		return 11;
	close(fd); /* the wire attaches to it */
	s = socket(AF_INET, SOCK_DGRAM, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_UP;
	if (s < 0 || ioctl(s, SIOCSIFFLAGS, &ifr))
		return 12;
	ps = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(TXQ_ETHERTYPE));
	struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(TXQ_ETHERTYPE),
				 .sll_ifindex = (int)if_nametoindex(name)};
	int rcvbuf = 8 << 20; /* all the frames fit: the socket must not drop any */
	if (ps < 0 || setsockopt(ps, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) ||
	    bind(ps, (struct sockaddr *)&ll, sizeof(ll)))
		return 13;
	snprintf(spec, sizeof(spec), "tap:%s", name);
	if (ik_netwire_open(&w, spec, err, sizeof(err)))
		return 14;
	if (!w.txq)
		return 18; /* a TAP wire writes from a queue of its own */
	memset(f, 0xff, 6); /* broadcast */
	f[6] = 0x02;
	f[12] = TXQ_ETHERTYPE >> 8;
	f[13] = TXQ_ETHERTYPE & 0xff;
	for (uint32_t i = 0; i < TXQ_FRAMES; i++) {
		memcpy(f + 14, &i, sizeof(i));
		ik_netwire_send(&w, f, sizeof(f));
		if (i == TXQ_FRAMES / 3)
			ik_netwire_flush(&w); /* a burst's end: the writer goes while we send on */
	}
	ik_netwire_close(&w); /* drains the queue */
	if (w.sent != TXQ_FRAMES || w.dropped != 0)
		return 15;
	for (uint32_t i = 0; i < TXQ_FRAMES; i++) {
		uint32_t seq;

		struct pollfd p = {.fd = ps, .events = POLLIN};

		/* the host's stack takes a frame in after the write returns (its backlog) */
		if (poll(&p, 1, 5000) != 1 || recv(ps, got, sizeof(got), 0) < 18)
			return 16; /* a frame missing */
		memcpy(&seq, got + 14, sizeof(seq));
		if (seq != i)
			return 17; /* out of order */
	}
	return 0;
}

static void test_tap_wire_queue(void **state)
{
	int status;

	(void)state;
	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK))
		skip(); /* a namespace and a TAP need root */
	pid_t pid = fork();
	if (pid == 0)
		_exit(tap_wire_queue_in_own_netns());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail_msg("TAP wire queue: child status 0x%x (10 unshare, 11 TAP, 12 up, 13 packet "
			 "socket, 14 wire, 15 counts, 16 a frame missing, 17 out of order, 18 no queue)", status);
}

/* A child as uid 65534 that connects to PATH and sends one frame: what the card received. */
static pid_t stranger_sends(const char *path, const uint8_t *f, size_t len)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		int s;

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		if (setgid(65534) || setuid(65534))
			_exit(2);
		s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			perror("stranger: connect");
			_exit(3);
		}
		/* refused: the card may have hung up already (EPIPE) */
		if (send(s, f, len, MSG_NOSIGNAL) == (ssize_t)len)
			sleep(1); /* stay connected while the card looks at us */
		_exit(0);
	}
	return pid;
}

/* The listening end of a socket cable hangs up on a peer of another user (a socket whose path
 * another user can reach): nothing it sends reaches the ring, and the cable stays free for a
 * card of ours. */
static void test_socket_wire_refuses_another_user(void **state)
{
	struct ik_netwire w;
	char err[256] = "", spec[128];
	uint8_t f[64], buf[IK_NETWIRE_FRAME_MAX];
	int status;
	ssize_t n = 0;

	(void)state;
	if (geteuid() != 0)
		skip(); /* needs another uid to connect */
	snprintf(dir, sizeof(dir), "/tmp/ne2000-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(sockpath, sizeof(sockpath), "%s/cable", dir);
	snprintf(spec, sizeof(spec), "socket:%s", sockpath);
	if (ik_netwire_open(&w, spec, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(chmod(sockpath, 0777), 0); /* as a permissive umask leaves it */
	frame_to(f, mac, sizeof(f), 7);
	pid_t pid = stranger_sends(sockpath, f, sizeof(f));
	for (unsigned i = 0; i < 250 && n <= 0 && !w.refused; i++) {
		struct pollfd p = {.fd = ik_netwire_poll_fd(&w), .events = POLLIN};
		if (poll(&p, 1, 20) > 0)
			n = ik_netwire_recv(&w, buf);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(n, 0);
	assert_true(w.fd < 0);
	assert_int_equal(w.refused, 1);
	ik_netwire_close(&w);
	sockpath[0] = '\0';
}

/* A socket cable does not connect to a listener of another user (a squatter on PATH). */
static void test_socket_wire_refuses_another_listener(void **state)
{
	struct ik_netwire w;
	char err[256] = "", spec[128];
	int ready[2], status;
	char c;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(dir, sizeof(dir), "/tmp/ne2000-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0777), 0);
	snprintf(sockpath, sizeof(sockpath), "%s/cable", dir);
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		int s;

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockpath);
		if (setgid(65534) || setuid(65534))
			_exit(2);
		s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1))
			_exit(3);
		chmod(sockpath, 0777);
		if (write(ready[1], "r", 1) != 1)
			_exit(4);
		sleep(2);
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	snprintf(spec, sizeof(spec), "socket:%s", sockpath);
	int r = ik_netwire_open(&w, spec, err, sizeof(err));
	if (r == 0)
		ik_netwire_close(&w);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(r, -EPERM);
	assert_non_null(strstr(err, "another user"));
}

/* A FIFO at a capture's path (put there by whoever can write its directory) is refused at
 * once: the monitor must not hang in open() waiting for a reader. */
static void test_pcap_refuses_a_fifo(void **state)
{
	char path[128];
	int status;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ne2000-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cap.pcap", dir);
	assert_int_equal(mkfifo(path, 0666), 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct ik_netwire w;
		char spec[160], err[256] = "";

		alarm(3);
		snprintf(spec, sizeof(spec), "pcap:%s", path);
		_exit(ik_netwire_open(&w, spec, err, sizeof(err)) < 0 && strstr(err, "cap.pcap") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(path);
	if (WIFSIGNALED(status))
		fail_msg("opening the capture hung (killed by signal %d)", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_and_prom, setup_socket, teardown),
		cmocka_unit_test_setup_teardown(test_transmit_reaches_the_wire, setup_socket, teardown),
		cmocka_unit_test_setup_teardown(test_receive_into_the_ring, setup_socket, teardown),
		cmocka_unit_test_setup_teardown(test_address_filter, setup_socket, teardown),
		cmocka_unit_test_setup_teardown(test_read_shadows_follow_the_chip, setup_socket,
						teardown),
		cmocka_unit_test_setup_teardown(test_ring_wraps_and_overflows, setup_socket, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_values, setup_socket, teardown),
		cmocka_unit_test_teardown(test_pcap_wire_and_options, teardown),
		cmocka_unit_test_teardown(test_pcap_is_bounded, teardown),
		cmocka_unit_test(test_tap_wire_queue),
		cmocka_unit_test_teardown(test_socket_wire_refuses_another_user, teardown),
		cmocka_unit_test_teardown(test_socket_wire_refuses_another_listener, teardown),
		cmocka_unit_test_teardown(test_pcap_refuses_a_fifo, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
