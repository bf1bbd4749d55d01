// SPDX-License-Identifier: MIT
/* String port I/O (insb/insw/insl/outsb/outsw/outsl) through the NE2000 model's remote DMA:
 * frames written with outs* into the card's buffer RAM read back identical with ins*, in word
 * and byte mode, odd lengths, and strings longer than one request (IK_PIO_STRING_MAX). Needs
 * --device ne2000@0x300. attack=N makes one request the monitor must refuse. Parameters: frames=N (default 4) more 1,514-byte frames out and back;
 * batched=0 moves those frames one inw/outw at a time instead (as the compat layer did before
 * string requests), so tests/guest/test_pio_exits.sh can count exits per frame both ways. */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "guest_test.h"

#define NE      0x300
#define CR      (NE + 0x00)
#define ISR     (NE + 0x07)
#define RSAR0   (NE + 0x08)
#define RSAR1   (NE + 0x09)
#define RBCR0   (NE + 0x0a)
#define RBCR1   (NE + 0x0b)
#define DCR     (NE + 0x0e)
#define DATA    (NE + 0x10)
#define FRAME   1514

static int frames = 4;
module_param(frames, int, 0444);
static int batched = 1;
module_param(batched, int, 0444);
static u8 out_buf[6000], in_buf[6000];
static int attack;
module_param(attack, int, 0444);

static const u8 rodata_buf[64] = {1};

/* Requests the monitor must refuse (each ends the driver with a violation naming why). */
static void hostile(int which)
{
	struct ik_hc_pio_string a = {.port = DATA, .size = 2, .count = 4,
				     .buf = (uintptr_t)in_buf};
	u16 w[4];

	switch (which) {
	case 1: insw(0x2f8, w, 4); break;             /* a port outside the grant */
	case 2: a.size = 3; break;                    /* no such access size */
	case 3: a.count = IK_PIO_STRING_MAX; break;   /* more than one request's bytes */
	case 4: a.buf = (uintptr_t)rodata_buf; break; /* input into read-only memory */
	case 5: a.write = 2; break;                   /* a bad direction flag */
	}
	ik_hypercall(IK_HC_PIO_STRING, &a);
}


static void remote(u16 addr, u16 count, u8 cmd)
{
	outb(count & 0xff, RBCR0);
	outb(count >> 8, RBCR1);
	outb(addr & 0xff, RSAR0);
	outb(addr >> 8, RSAR1);
	outb(cmd, CR);
}

static void fill(size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		out_buf[i] = (u8)(seed + i * 7 + (i >> 8));
	memset(in_buf, 0, len);
}

static void check_rdc(void)
{
	GUEST_ASSERT_EQ(inb(ISR) & 0x40, 0x40);
	outb(0x40, ISR);
}

/* One frame out (outsw) and back (insw), as ne.c's block output and input do. */
static void frame_words(size_t len, unsigned seed, bool strings)
{
	u16 *o = (u16 *)out_buf, *in = (u16 *)in_buf;

	fill(len, seed);
	remote(0x4000, (u16)len, 0x12);
	if (strings) {
		outsw(DATA, out_buf, len / 2);
	} else {
		for (size_t i = 0; i < len / 2; i++)
			outw(o[i], DATA);
	}
	check_rdc();
	remote(0x4000, (u16)len, 0x0a);
	if (strings) {
		insw(DATA, in_buf, len / 2);
	} else {
		for (size_t i = 0; i < len / 2; i++)
			in[i] = inw(DATA);
	}
	check_rdc();
	GUEST_ASSERT(memcmp(out_buf, in_buf, len) == 0);
}

/* len bytes out and back at addr with `size`-byte strings (outsb/outsl, insb/insl). */
static void round_trip(u16 addr, size_t len, unsigned size, unsigned seed)
{
	fill(len, seed);
	remote(addr, (u16)len, 0x12);
	if (size == 4)
		outsl(DATA, out_buf, len / 4);
	else
		outsb(DATA, out_buf, len);
	check_rdc();
	remote(addr, (u16)len, 0x0a);
	if (size == 4)
		insl(DATA, in_buf, len / 4);
	else
		insb(DATA, in_buf, len);
	check_rdc();
	GUEST_ASSERT(memcmp(out_buf, in_buf, len) == 0);
}

int ik_guest_test(void)
{
	GUEST_ASSERT(request_region(NE, 32, "ne2000") != NULL);
	if (attack) {
		hostile(attack);
		return 0;
	}
	outb(inb(NE + 0x1f), NE + 0x1f); /* reset */
	outb(0xff, ISR);
	outb(0x21, CR);

	/* word mode: a frame, then 6,000 bytes (two requests), then 32-bit strings */
	outb(0x49, DCR);
	frame_words(FRAME, 1, true);
	frame_words(sizeof(out_buf), 2, true);
	round_trip(0x4000, 1000, 4, 3);

	/* byte mode, an odd length */
	outb(0x48, DCR);
	round_trip(0x5000, 61, 1, 4);
	/* count 0 moves nothing */
	insb(DATA, in_buf, 0);
	outsb(DATA, out_buf, 0);

	/* the measured frames */
	outb(0x49, DCR);
	for (int f = 0; f < frames; f++)
		frame_words(FRAME, 10 + (unsigned)f, batched != 0);
	release_region(NE, 32);
	return 0;
}
