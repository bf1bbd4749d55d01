/* SPDX-License-Identifier: MIT */
/*
 * "dtlk": the RC Systems DoubleTalk PC speech synthesizer (2 ports, default 0x25e: +0 LPC port,
 * +1 TTS port). Option: indexing=0|1 (default 1) whether the card posts index markers.
 * The port handshake, as the DoubleTalk manual describes it:
 *   TTS read   status flags: RDY (0x10, ready for a byte), AE (0x04, buffer almost empty);
 *              while a reply (interrogation) byte is waiting: 0x80 (READABLE) | the 7-bit byte.
 *   TTS write  a text or command byte; RDY reads 0 once after each byte (the card is busy),
 *              then 1 again. While a reply byte is shown, a write acknowledges it: the next
 *              read shows READABLE clear, then the following byte appears.
 *   LPC read   the oldest index marker not yet acknowledged, or 0x7f when there is none.
 *   LPC write  0xff acknowledges (drops) that marker; the next read shows 0x7f once (the
 *              acknowledgement the driver waits for) before a further marker appears.
 *   +0 16-bit read: LPC | TTS << 8 (the driver's probe expects 0x107f under mask 0xfbff).
 * Commands: 0x18 (CLEAR) drops pending text; 0x01 [digits] letter: '?' interrogate (the reply
 * is the settings block ending in 0x7f), 'I' post index marker N once the text before it is
 * spoken, '@' reset; other letters are accepted and ignored. Text is "spoken" on CR, LF or NUL:
 * the model logs it as `dtlk@0x25e says: "..."` (non-printable bytes escaped).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"

#define TTS_READABLE 0x80
#define TTS_WRITABLE 0x10
#define TTS_AE       0x04
#define DTLK_CLEAR   0x18
#define DTLK_CMD     0x01
#define LPC_EMPTY    0x7f
#define TEXT_MAX     200u
#define MARKERS_MAX  32u
#define REPLY_MAX    64u

struct dtlk {
	bool indexing;
	bool busy;           /* RDY reads 0 once after a byte */
	bool in_cmd;         /* after 0x01, collecting digits */
	unsigned cmd_arg;
	char text[TEXT_MAX + 1];
	unsigned ntext;
	uint8_t reply[REPLY_MAX];
	unsigned rlen, rpos;
	bool reply_gap;      /* acknowledged: READABLE reads clear once */
	uint8_t markers[MARKERS_MAX];
	unsigned nmarkers;
	bool lpc_gap;         /* marker acknowledged: 0x7f reads once */
	unsigned spoken;     /* lines spoken (for tests and logs) */
};

static int dtlk_init(struct ik_device *dev)
{
	unsigned long indexing;
	struct dtlk *d;
	int r;

	if ((r = ik_dev_opt_uint(dev, "indexing", 1, 1, &indexing)))
		return r;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->indexing = indexing;
	dev->state = d;
	return 0;
}

static void dtlk_speak(struct ik_device *dev, struct dtlk *d)
{
	char clean[TEXT_MAX * 4 + 1];

	if (d->ntext == 0)
		return;
	ik_sanitize(clean, sizeof(clean), d->text, d->ntext);
	ik_dev_log(dev, "dtlk@0x%x says: \"%s\"", dev->port, clean);
	d->ntext = 0;
	d->spoken++;
}

static void dtlk_destroy(struct ik_device *dev)
{
	struct dtlk *d = dev->state;

	if (d)
		dtlk_speak(dev, d);
	free(d);
	dev->state = NULL;
}

/* The interrogation reply: struct dtlk_settings as the card sends it, 7-bit bytes, 0x7f last. */
static void dtlk_interrogate(struct dtlk *d)
{
	static const char rom[] = "iKernel DT 1.0";
	static const uint8_t settings[] = {
		2,    /* mode: text */
		6,    /* punctuation level */
		5,    /* formant frequency */
		50,   /* pitch */
		5,    /* speed */
		5,    /* volume */
		1,    /* tone */
		5,    /* expression */
		0, 0, /* exception dictionary loaded, enabled */
		30,   /* free RAM pages */
		5,    /* articulation */
		0,    /* reverb */
		0x7f, /* end of block */
	};
	unsigned n = 0;

	d->reply[n++] = 0x2a; /* serial number 0x152a, little endian, 7 bits per byte */
	d->reply[n++] = 0x2a;
	memcpy(d->reply + n, rom, sizeof(rom) - 1);
	n += sizeof(rom) - 1;
	d->reply[n++] = '\r';
	memcpy(d->reply + n, settings, sizeof(settings));
	n += sizeof(settings);
	d->rlen = n;
	d->rpos = 0;
	d->reply_gap = false;
}

static void dtlk_marker(struct ik_device *dev, struct dtlk *d, unsigned n)
{
	dtlk_speak(dev, d);
	if (!d->indexing)
		return;
	if (d->nmarkers == MARKERS_MAX) {
		ik_dev_log(dev, "dtlk@0x%x: index marker %u dropped (%u unread)", dev->port, n,
			   MARKERS_MAX);
		return;
	}
	d->markers[d->nmarkers++] = (uint8_t)(n & 0x7f) == LPC_EMPTY ? 0 : (uint8_t)(n & 0x7f);
}

static void dtlk_command(struct ik_device *dev, struct dtlk *d, uint8_t c)
{
	if (c >= '0' && c <= '9') {
		if (d->cmd_arg < 1000)
			d->cmd_arg = d->cmd_arg * 10 + (unsigned)(c - '0');
		return;
	}
	d->in_cmd = false;
	if (c == '?')
		dtlk_interrogate(d);
	else if (c == 'I' || c == 'i')
		dtlk_marker(dev, d, d->cmd_arg);
	else if (c == '@')
		d->ntext = 0;
}

static void dtlk_byte(struct ik_device *dev, struct dtlk *d, uint8_t c)
{
	if (c == DTLK_CLEAR) {
		d->ntext = 0;
		d->in_cmd = false;
		d->rlen = d->rpos = 0;
		return;
	}
	if (d->in_cmd) {
		dtlk_command(dev, d, c);
		return;
	}
	if (c == DTLK_CMD) {
		d->in_cmd = true;
		d->cmd_arg = 0;
	} else if (c == '\r' || c == '\n' || c == 0) {
		dtlk_speak(dev, d);
	} else if (c >= 0x20) {
		d->text[d->ntext++] = (char)c;
		if (d->ntext == TEXT_MAX)
			dtlk_speak(dev, d);
	} /* other control bytes select modes we do not model: ignored */
}

static uint8_t tts_status(struct dtlk *d)
{
	uint8_t s = TTS_AE;

	if (d->rpos < d->rlen) {
		if (!d->reply_gap)
			return TTS_READABLE | (d->reply[d->rpos] & 0x7f);
		d->reply_gap = false;
	}
	if (d->busy)
		d->busy = false;
	else
		s |= TTS_WRITABLE;
	return s;
}

static uint8_t lpc_status(struct dtlk *d)
{
	if (d->lpc_gap) {
		d->lpc_gap = false;
		return LPC_EMPTY;
	}
	return d->nmarkers ? d->markers[0] : LPC_EMPTY;
}

static int dtlk_read(struct ik_device *dev, uint16_t off, unsigned size, uint32_t *val)
{
	struct dtlk *d = dev->state;

	if (size == 2 && off == 0) {
		*val = lpc_status(d) | (uint32_t)tts_status(d) << 8;
		return 0;
	}
	if (size != 1)
		return -EINVAL;
	*val = off == 0 ? lpc_status(d) : tts_status(d);
	return 0;
}

static int dtlk_write(struct ik_device *dev, uint16_t off, unsigned size, uint32_t val)
{
	struct dtlk *d = dev->state;

	if (size != 1)
		return -EINVAL;
	if (off == 0) {
		if ((uint8_t)val == 0xff && d->nmarkers) {
			memmove(d->markers, d->markers + 1, --d->nmarkers);
			d->lpc_gap = true;
		}
		return 0;
	}
	if (d->rpos < d->rlen && !d->reply_gap) { /* acknowledges the reply byte shown */
		d->rpos++;
		d->reply_gap = true;
		return 0;
	}
	dtlk_byte(dev, d, (uint8_t)val);
	d->busy = true;
	return 0;
}

static const char *const dtlk_options[] = {"indexing", NULL};

const struct ik_devmodel ik_dev_dtlk = {
	.name = "dtlk",
	.summary = "RC Systems DoubleTalk PC speech synthesizer (text logged; indexing=0|1)",
	.default_port = 0x25e,
	.nports = 2,
	.init = dtlk_init,
	.destroy = dtlk_destroy,
	.pio_read = dtlk_read,
	.pio_write = dtlk_write,
	.options = dtlk_options,
};
