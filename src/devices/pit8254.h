/* SPDX-License-Identifier: MIT */
/*
 * An Intel 8254 programmable interval timer, as found on ISA watchdog boards: three 16-bit
 * down-counters programmed through a control port. Time is computed lazily from the monotonic
 * clock on each access (no thread needed to "count"); the board model decides what a counter
 * reaching zero means. Header-only helpers shared by device models (dev_wdt501.c).
 */
#ifndef IKMON_PIT8254_H
#define IKMON_PIT8254_H

#include <stdbool.h>
#include <stdint.h>

struct pit_counter {
	uint8_t mode;      /* 0..5 */
	uint8_t access;    /* 1 lsb, 2 msb, 3 lsb then msb */
	bool write_hi;     /* next data write is the msb (access 3) */
	bool read_hi;      /* next data read is the msb (access 3) */
	bool latched;
	uint16_t latch;
	uint16_t reload;   /* the count written (0 means 65536) */
	bool loaded;       /* a full count has been written since the last mode write */
	uint64_t load_ns;  /* when counting started */
};

/* Ticks of a clock of hz between t0 and t1. */
static inline uint64_t pit_ticks(uint64_t t0_ns, uint64_t t1_ns, uint64_t hz)
{
	uint64_t d = t1_ns > t0_ns ? t1_ns - t0_ns : 0;

	return (d / 1000000000ull) * hz + (d % 1000000000ull) * hz / 1000000000ull;
}

static inline uint32_t pit_full(const struct pit_counter *c)
{
	return c->reload ? c->reload : 65536u;
}

/* Current count of a counter clocked at hz (modes 2/3 reload, others stop at 0). */
static inline uint16_t pit_count(const struct pit_counter *c, uint64_t now_ns, uint64_t hz)
{
	uint64_t t = pit_ticks(c->load_ns, now_ns, hz);
	uint32_t full = pit_full(c);

	if (!c->loaded)
		return c->reload;
	if (c->mode == 2 || c->mode == 3)
		return (uint16_t)(full - t % full);
	return t >= full ? 0 : (uint16_t)(full - t);
}

/* Control word for counter c (bits 7-6 select the counter, already decoded by the caller). */
static inline void pit_control(struct pit_counter *c, uint8_t cw, uint64_t now_ns, uint64_t hz)
{
	uint8_t access = (cw >> 4) & 3, mode = (cw >> 1) & 7;

	if (access == 0) { /* counter latch command */
		if (!c->latched) {
			c->latch = pit_count(c, now_ns, hz);
			c->latched = true;
			c->read_hi = false;
		}
		return;
	}
	c->access = access;
	c->mode = mode > 5 ? mode - 4 : mode; /* 6 and 7 alias modes 2 and 3 */
	c->write_hi = false;
	c->read_hi = false;
	c->latched = false;
	c->loaded = false;
}

/* Data write; true when a full count was loaded (counting restarts). */
static inline bool pit_write(struct pit_counter *c, uint8_t v, uint64_t now_ns)
{
	switch (c->access) {
	case 1:
		c->reload = v;
		break;
	case 2:
		c->reload = (uint16_t)(v << 8);
		break;
	case 3:
		if (!c->write_hi) {
			c->reload = (uint16_t)((c->reload & 0xff00) | v);
			c->write_hi = true;
			return false;
		}
		c->reload = (uint16_t)((c->reload & 0x00ff) | (v << 8));
		c->write_hi = false;
		break;
	default: /* never programmed: ignore */
		return false;
	}
	c->loaded = true;
	c->load_ns = now_ns;
	return true;
}

static inline uint8_t pit_read(struct pit_counter *c, uint64_t now_ns, uint64_t hz)
{
	uint16_t v = c->latched ? c->latch : pit_count(c, now_ns, hz);
	uint8_t out;

	switch (c->access) {
	case 1:
		out = (uint8_t)v;
		c->latched = false;
		break;
	case 2:
		out = (uint8_t)(v >> 8);
		c->latched = false;
		break;
	default:
		out = c->read_hi ? (uint8_t)(v >> 8) : (uint8_t)v;
		if (c->read_hi)
			c->latched = false;
		c->read_hi = !c->read_hi;
		break;
	}
	return out;
}

#endif /* IKMON_PIT8254_H */
