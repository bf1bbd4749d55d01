/* SPDX-License-Identifier: MIT */
/*
 * "parport": a PC parallel port (3 ports: data, status, control) whose 8 data lines drive an
 * LED board. Every change of the data register is logged as "led<N>: ●○●○○●○● (0xa5)", bit 7
 * first. Simplifications (documented, enough for LED drivers):
 *   - status (base+1) always reads 0x7f: no printer attached, not busy, no error; writes are
 *     ignored (the register is read-only on real hardware);
 *   - control (base+2) reads back what was last written (initially 0x0c: not reset, select);
 *   - only 1-byte accesses, as on real hardware; wider ones end the VM.
 */
#include <errno.h>
#include <stdlib.h>

#include "devmodel.h"

#define PARPORT_STATUS_IDLE 0x7f
#define PARPORT_CONTROL_INIT 0x0c

struct parport {
	uint8_t data, control;
};

static int parport_init(struct ik_device *dev)
{
	struct parport *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->control = PARPORT_CONTROL_INIT;
	dev->state = p;
	return 0;
}

static void parport_destroy(struct ik_device *dev)
{
	free(dev->state);
	dev->state = NULL;
}

static void show_leds(struct ik_device *dev, uint8_t v)
{
	char leds[8 * 3 + 1];
	size_t n = 0;

	for (int bit = 7; bit >= 0; bit--) {
		const char *glyph = (v >> bit) & 1 ? "\u25cf" : "\u25cb"; /* ● / ○, 3 bytes each */

		for (const char *g = glyph; *g; g++)
			leds[n++] = *g;
	}
	leds[n] = '\0';
	ik_dev_log(dev, "led%u: %s (0x%02x)", dev->index, leds, v);
}

static int parport_read(struct ik_device *dev, uint16_t off, unsigned size, uint32_t *val)
{
	struct parport *p = dev->state;

	if (size != 1)
		return -EINVAL;
	*val = off == 0 ? p->data : off == 1 ? PARPORT_STATUS_IDLE : p->control;
	return 0;
}

static int parport_write(struct ik_device *dev, uint16_t off, unsigned size, uint32_t val)
{
	struct parport *p = dev->state;

	if (size != 1)
		return -EINVAL;
	if (off == 0) {
		if (p->data != (uint8_t)val)
			show_leds(dev, (uint8_t)val);
		p->data = (uint8_t)val;
	} else if (off == 2) {
		p->control = (uint8_t)val;
	}
	return 0;
}

const struct ik_devmodel ik_dev_parport = {
	.name = "parport",
	.summary = "parallel port driving an 8-LED board",
	.default_port = 0x378,
	.nports = 3,
	.init = parport_init,
	.destroy = parport_destroy,
	.pio_read = parport_read,
	.pio_write = parport_write,
};
