/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: <linux/nvram.h>, the NVRAM access API of Linux 6.1. The architecture
 * (on a PC: drivers/char/nvram.c itself) provides `arch_nvram_ops`; the nvram_* helpers call an
 * operation when it is there and fail with -ENODEV (reads of a byte: 0xff) when it is not.
 * The user-visible ioctls are the documented /dev/nvram ABI.
 */
#ifndef _IK_LINUX_NVRAM_H
#define _IK_LINUX_NVRAM_H

#include <linux/errno.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* /dev/nvram ioctls (PC): clear the NVRAM and set a valid checksum; set the checksum only. */
#define NVRAM_INIT _IO('p', 0x40)
#define NVRAM_SETCKS _IO('p', 0x41)

/* On a PC the NVRAM starts after the RTC's 14 clock registers. */
#define NVRAM_FIRST_BYTE 14

struct nvram_ops {
	ssize_t (*get_size)(void);
	unsigned char (*read_byte)(int i);
	void (*write_byte)(unsigned char c, int i);
	ssize_t (*read)(char *buf, size_t count, loff_t *ppos);
	ssize_t (*write)(char *buf, size_t count, loff_t *ppos);
	long (*initialize)(void);
	long (*set_checksum)(void);
};

extern const struct nvram_ops arch_nvram_ops;

static inline ssize_t nvram_get_size(void)
{
	return arch_nvram_ops.get_size ? arch_nvram_ops.get_size() : -ENODEV;
}

static inline unsigned char nvram_read_byte(int addr)
{
	return arch_nvram_ops.read_byte ? arch_nvram_ops.read_byte(addr) : 0xff;
}

static inline void nvram_write_byte(unsigned char val, int addr)
{
	if (arch_nvram_ops.write_byte)
		arch_nvram_ops.write_byte(val, addr);
}

/* Byte-wise fallbacks, as Linux does when the architecture has no bulk operations. */
static inline ssize_t nvram_read_bytes(char *buf, size_t count, loff_t *ppos)
{
	ssize_t nvram_size = nvram_get_size();
	loff_t i;
	char *p = buf;

	if (nvram_size < 0)
		return nvram_size;
	for (i = *ppos; count > 0 && i < nvram_size; ++i, ++p, --count)
		*p = (char)nvram_read_byte((int)i);
	*ppos = i;
	return p - buf;
}

static inline ssize_t nvram_write_bytes(char *buf, size_t count, loff_t *ppos)
{
	ssize_t nvram_size = nvram_get_size();
	loff_t i;
	char *p = buf;

	if (nvram_size < 0)
		return nvram_size;
	for (i = *ppos; count > 0 && i < nvram_size; ++i, ++p, --count)
		nvram_write_byte((unsigned char)*p, (int)i);
	*ppos = i;
	return p - buf;
}

static inline ssize_t nvram_read(char *buf, size_t count, loff_t *ppos)
{
	if (arch_nvram_ops.read)
		return arch_nvram_ops.read(buf, count, ppos);
	return nvram_read_bytes(buf, count, ppos);
}

static inline ssize_t nvram_write(char *buf, size_t count, loff_t *ppos)
{
	if (arch_nvram_ops.write)
		return arch_nvram_ops.write(buf, count, ppos);
	return nvram_write_bytes(buf, count, ppos);
}

#endif
