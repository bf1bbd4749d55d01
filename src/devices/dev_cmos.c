/* SPDX-License-Identifier: MIT */
/*
 * "cmos": the MC146818 real-time clock of the PC and its 128 bytes of CMOS RAM (2 ports:
 * base+0 index, base+1 data; default 0x70). Options:
 *   file=PATH  back the 128 bytes with a host file: loaded at start (it must then be exactly
 *              128 bytes), created when absent (and the directories above it), and every guest
 *              write to a RAM byte is written through at once, so the contents survive a
 *              restart of the driver VM.
 * Behaviour:
 *   - index port: bit 7 is the NMI mask (kept, no effect), bits 0-6 select the byte; reading it
 *     returns the last value written (real chips return junk; nothing depends on it);
 *   - clock registers 0x00-0x09 read the host's UTC time in BCD, 24-hour mode; writes to them are
 *     ignored (the guest cannot set the host clock);
 *   - register A reads 0x26 (32.768 kHz base, 1024 Hz rate, update never in progress), B keeps
 *     what is written (reset value 0x02: 24-hour, BCD), C reads 0 (no interrupt flags), D reads
 *     0x80 (valid RAM and time);
 *   - bytes 0x0e-0x7f are plain RAM. A fresh RAM holds a plausible PC setup (1.44 MB floppy,
 *     640 KiB base memory) with a valid standard checksum: the sum of bytes 0x10-0x2d stored
 *     big-endian at 0x2e/0x2f.
 *   - only 1-byte accesses, as on the real chip; wider ones end the VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devmodel.h"

#define CMOS_SIZE      128u
#define CMOS_REG_A     0x0a
#define CMOS_REG_B     0x0b
#define CMOS_REG_C     0x0c
#define CMOS_REG_D     0x0d
#define CMOS_CKS_FIRST 0x10
#define CMOS_CKS_LAST  0x2d
#define CMOS_CKS_HI    0x2e
#define CMOS_CKS_LO    0x2f

struct cmos {
	uint8_t index;
	uint8_t ram[CMOS_SIZE];
	int fd; /* backing file, or -1 */
	char path[200];
};

/* Standard PC CMOS checksum over 0x10-0x2d (what nvram.c and BIOSes check). */
static uint16_t cmos_checksum(const uint8_t *ram)
{
	uint16_t sum = 0;

	for (unsigned i = CMOS_CKS_FIRST; i <= CMOS_CKS_LAST; i++)
		sum = (uint16_t)(sum + ram[i]);
	return sum;
}

static void cmos_fresh(uint8_t *ram)
{
	uint16_t sum;

	memset(ram, 0, CMOS_SIZE);
	ram[CMOS_REG_B] = 0x02;
	ram[0x10] = 0x40; /* drive A: 1.44 MB 3.5", no drive B */
	ram[0x14] = 0x0d; /* equipment: floppy present, VGA/EGA, math coprocessor */
	ram[0x15] = 0x80; /* base memory 640 KiB = 0x0280 */
	ram[0x16] = 0x02;
	sum = cmos_checksum(ram);
	ram[CMOS_CKS_HI] = (uint8_t)(sum >> 8);
	ram[CMOS_CKS_LO] = (uint8_t)sum;
}

/* The directories above `path` that are missing, created 0755 from the top (as systemd's
 * StateDirectory= would: /var/lib/ikernel for manifests/linux/nvram.ini). 0, or -errno. */
static int make_parents(struct ik_device *dev, const char *path)
{
	char dir[sizeof(((struct cmos *)0)->path)];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *s = dir + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(dir, 0755) == 0)
			ik_dev_log(dev, "cmos: created directory %s", dir);
		else if (errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

static int cmos_open_file(struct ik_device *dev, struct cmos *c)
{
	struct stat st;
	ssize_t n;

	c->fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (c->fd < 0 && errno == ENOENT && make_parents(dev, c->path) == 0)
		c->fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (c->fd < 0)
		return ik_dev_fail(dev, "cannot open NVRAM file '%s': %s", c->path, strerror(errno));
	if (fstat(c->fd, &st) < 0)
		return ik_dev_fail(dev, "cannot stat NVRAM file '%s': %s", c->path, strerror(errno));
	if (st.st_size == 0) {
		n = pwrite(c->fd, c->ram, CMOS_SIZE, 0);
		if (n != (ssize_t)CMOS_SIZE)
			return ik_dev_fail(dev, "cannot initialise NVRAM file '%s': %s", c->path,
					   n < 0 ? strerror(errno) : "short write");
		ik_dev_log(dev, "cmos: new NVRAM file %s (fresh contents, valid checksum)", c->path);
		return 0;
	}
	if (st.st_size != CMOS_SIZE)
		return ik_dev_fail(dev, "NVRAM file '%s' has %lld bytes, expected %u", c->path,
				   (long long)st.st_size, CMOS_SIZE);
	n = pread(c->fd, c->ram, CMOS_SIZE, 0);
	if (n != (ssize_t)CMOS_SIZE)
		return ik_dev_fail(dev, "cannot read NVRAM file '%s': %s", c->path,
				   n < 0 ? strerror(errno) : "short read");
	ik_dev_log(dev, "cmos: NVRAM loaded from %s", c->path);
	return 0;
}

static void cmos_destroy(struct ik_device *dev)
{
	struct cmos *c = dev->state;

	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	dev->state = NULL;
}

static int cmos_init(struct ik_device *dev)
{
	struct cmos *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	dev->state = c;
	c->fd = -1;
	cmos_fresh(c->ram);
	/* gmtime_r() loads the time zone at its first use (openat of /etc/localtime), which the
	 * monitor's sandbox forbids: a guest reading the clock would get its monitor killed. */
	tzset();
	r = ik_dev_opt(dev, "file", c->path, sizeof(c->path));
	if (r == -ENOENT)
		return 0;
	if (r == 0 && c->path[0])
		r = cmos_open_file(dev, c);
	else
		r = ik_dev_fail(dev, "option file: %s", r ? "path too long" : "empty path");
	if (r)
		cmos_destroy(dev);
	return r;
}

static uint8_t bcd(int v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static uint8_t cmos_clock(unsigned reg)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case 0x00: return bcd(tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return bcd(tm.tm_wday + 1);
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	default: return 0; /* alarm registers: no alarm set */
	}
}

static uint8_t cmos_read_byte(struct cmos *c, unsigned idx)
{
	switch (idx) {
	case CMOS_REG_A: return 0x26;
	case CMOS_REG_B: return c->ram[CMOS_REG_B];
	case CMOS_REG_C: return 0;
	case CMOS_REG_D: return 0x80;
	default: return idx < CMOS_REG_A ? cmos_clock(idx) : c->ram[idx];
	}
}

static int cmos_write_byte(struct ik_device *dev, struct cmos *c, unsigned idx, uint8_t v)
{
	if (idx < CMOS_REG_B || idx == CMOS_REG_C || idx == CMOS_REG_D)
		return 0;
	c->ram[idx] = v;
	if (c->fd >= 0 && pwrite(c->fd, &v, 1, idx) != 1) {
		ik_dev_log(dev, "cmos: cannot write NVRAM file %s at byte 0x%02x: %s", c->path, idx,
			   strerror(errno));
		return -EIO;
	}
	return 0;
}

static int cmos_read(struct ik_device *dev, uint16_t off, unsigned size, uint32_t *val)
{
	struct cmos *c = dev->state;

	if (size != 1)
		return -EINVAL;
	*val = off == 0 ? c->index : cmos_read_byte(c, c->index & 0x7f);
	return 0;
}

static int cmos_write(struct ik_device *dev, uint16_t off, unsigned size, uint32_t val)
{
	struct cmos *c = dev->state;

	if (size != 1)
		return -EINVAL;
	if (off == 0) {
		c->index = (uint8_t)val;
		return 0;
	}
	return cmos_write_byte(dev, c, c->index & 0x7f, (uint8_t)val);
}

static const char *const cmos_options[] = {"file", NULL};

const struct ik_devmodel ik_dev_cmos = {
	.name = "cmos",
	.summary = "MC146818 RTC with 128 bytes of CMOS NVRAM (option file=PATH persists it)",
	.default_port = 0x70,
	.nports = 2,
	.init = cmos_init,
	.destroy = cmos_destroy,
	.pio_read = cmos_read,
	.pio_write = cmos_write,
	.options = cmos_options,
};
