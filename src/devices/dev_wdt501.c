/* SPDX-License-Identifier: MIT */
/*
 * "wdt501": the ICS WDT500/501-P ISA watchdog card (8 ports, default 0x240). Options:
 *   irq=N   interrupt line raised when the watchdog fires (default 11, < 64)
 *   temp=C  board temperature in degrees Celsius (default 40, 7..194); >= 70 is an overheat
 * Registers (1-byte accesses only):
 *   +0..+2  8254 counters 0-2, +3 8254 control. Counter 0 divides the card's 894.8 kHz clock
 *           (8948 gives 100 Hz), counter 1 counts counter 0's output down to the timeout,
 *           counter 2 sets the length of the reset pulse (0 = no reset).
 *   +4 read status (bits per wd501p.h): WCCR (active low: the watchdog fired), TGOOD, FANGOOD,
 *           PSUOVER/PSUUNDR (active low, always good here), IRQ (active low: interrupt
 *           pending; reading the status acknowledges it).
 *   +5 read temperature: c such that the driver's c * 11 / 15 + 7 is the temperature.
 *   +6 buzzer (PCI cards only): ignored.  +7 read: disable the watchdog; write: enable it.
 * Time is computed from the monotonic clock. While enabled with counter 1 loaded, the watchdog
 * fires when counter 1 reaches zero: WCCR and IRQ go low, the interrupt line is raised, and the
 * model reports a board reset to the monitor log if counter 2 holds a reset pulse length.
 * Feeding it (disable, reload counter 1, enable) starts the countdown again.
 */
#include <errno.h>
#include <stdlib.h>

#include "pit8254.h"
#include "devmodel.h"

#define WDT_CLOCK_HZ 894800ull
#define SR_WCCR      0x01
#define SR_TGOOD     0x02
#define SR_FANGOOD   0x10
#define SR_PSUOVER   0x20
#define SR_PSUUNDR   0x40
#define SR_IRQ       0x80
#define WDT_OVERHEAT_C 70

struct wdt501 {
	struct pit_counter ctr[3];
	bool enabled, fired, irq_pending;
	unsigned irq, temp_c;
	uint64_t armed_ns; /* later of the enable and the last counter 1 load */
	unsigned resets;
};

static int wdt_init(struct ik_device *dev)
{
	struct wdt501 *w;
	unsigned long irq, temp;
	int r;

	if ((r = ik_dev_opt_uint(dev, "irq", 11, 63, &irq)) ||
	    (r = ik_dev_opt_uint(dev, "temp", 40, 194, &temp)))
		return r;
	if (temp < 7)
		return ik_dev_fail(dev, "option temp=%lu: the card reads 7 to 194 degrees", temp);
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->irq = (unsigned)irq;
	w->temp_c = (unsigned)temp;
	dev->state = w;
	return 0;
}

static void wdt_destroy(struct ik_device *dev)
{
	free(dev->state);
	dev->state = NULL;
}

/* Clock of counter c: counter 0 runs from the crystal, counter 1 from counter 0's output. */
static uint64_t ctr_hz(const struct wdt501 *w, unsigned c)
{
	return c == 1 ? WDT_CLOCK_HZ / pit_full(&w->ctr[0]) : WDT_CLOCK_HZ;
}

/* When the watchdog fires (ns), or 0 when it is not counting. */
static uint64_t wdt_deadline(const struct wdt501 *w)
{
	uint64_t hz = ctr_hz(w, 1);

	if (!w->enabled || w->fired || !w->ctr[1].loaded || !w->ctr[0].loaded || hz == 0)
		return 0;
	return w->armed_ns + (uint64_t)pit_full(&w->ctr[1]) * 1000000000ull / hz;
}

static void wdt_fire(struct ik_device *dev, struct wdt501 *w)
{
	w->fired = true;
	w->irq_pending = true;
	ik_dev_raise_irq(dev, w->irq);
	if (w->ctr[2].loaded && w->ctr[2].reload) {
		w->resets++;
		ik_dev_log(dev, "wdt501@0x%x: watchdog expired: BOARD RESET (reset #%u, irq %u)",
			   dev->port, w->resets, w->irq);
	} else {
		ik_dev_log(dev, "wdt501@0x%x: watchdog expired, reset pulse disabled (irq %u)",
			   dev->port, w->irq);
	}
}

static void wdt_check(struct ik_device *dev, struct wdt501 *w, uint64_t now)
{
	uint64_t deadline = wdt_deadline(w);

	if (deadline && now >= deadline)
		wdt_fire(dev, w);
}

static void wdt_tick(struct ik_device *dev, uint64_t now_ns)
{
	wdt_check(dev, dev->state, now_ns);
}

static uint8_t wdt_status(struct wdt501 *w)
{
	uint8_t s = SR_FANGOOD | SR_PSUOVER | SR_PSUUNDR;

	if (!w->fired)
		s |= SR_WCCR;
	if (w->temp_c < WDT_OVERHEAT_C)
		s |= SR_TGOOD;
	if (!w->irq_pending)
		s |= SR_IRQ;
	w->irq_pending = false;
	return s;
}

/* Smallest c with c * 11 / 15 + 7 == temp (the driver's conversion). */
static uint8_t wdt_temp_reg(const struct wdt501 *w)
{
	return (uint8_t)(((w->temp_c - 7) * 15 + 10) / 11);
}

static int wdt_read(struct ik_device *dev, uint16_t off, unsigned size, uint32_t *val)
{
	struct wdt501 *w = dev->state;
	uint64_t now = ik_dev_now_ns();

	if (size != 1)
		return -EINVAL;
	wdt_check(dev, w, now);
	switch (off) {
	case 0: case 1: case 2:
		*val = pit_read(&w->ctr[off], now, ctr_hz(w, off));
		break;
	case 4:
		*val = wdt_status(w);
		break;
	case 5:
		*val = wdt_temp_reg(w);
		break;
	case 7:
		w->enabled = false;
		*val = 0xff;
		break;
	default:
		*val = 0xff; /* control port and buzzer read as floating bus */
		break;
	}
	return 0;
}

static int wdt_write(struct ik_device *dev, uint16_t off, unsigned size, uint32_t val)
{
	struct wdt501 *w = dev->state;
	uint64_t now = ik_dev_now_ns();
	uint8_t v = (uint8_t)val;

	if (size != 1)
		return -EINVAL;
	wdt_check(dev, w, now);
	switch (off) {
	case 0: case 1: case 2:
		if (pit_write(&w->ctr[off], v, now) && off == 1)
			w->armed_ns = now;
		break;
	case 3:
		if ((v >> 6) == 3)
			break; /* read-back command (8254 only): the driver never uses it */
		pit_control(&w->ctr[v >> 6], v, now, ctr_hz(w, v >> 6));
		break;
	case 7:
		w->enabled = true;
		w->fired = false;
		w->armed_ns = now;
		break;
	default:
		break; /* status/temperature are read-only; buzzer is PCI only */
	}
	return 0;
}

static const char *const wdt_options[] = {"irq", "temp", NULL};

const struct ik_devmodel ik_dev_wdt501 = {
	.name = "wdt501",
	.summary = "ICS WDT500/501-P ISA watchdog (8254 counters, status, temperature, irq=N, temp=C)",
	.default_port = 0x240,
	.nports = 8,
	.init = wdt_init,
	.destroy = wdt_destroy,
	.pio_read = wdt_read,
	.pio_write = wdt_write,
	.options = wdt_options,
	.tick = wdt_tick,
};
