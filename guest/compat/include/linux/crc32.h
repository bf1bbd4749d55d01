/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/crc32.h> (lib/crc32.c's little-endian CRC-32, IEEE 802.3
 * polynomial; no pre- or post-inversion: callers pass ~0 as Linux's do). */
#ifndef _IK_LINUX_CRC32_H
#define _IK_LINUX_CRC32_H

#include <linux/types.h>
#include <linux/bitrev.h>

u32 crc32_le(u32 crc, const unsigned char *p, size_t len);
u32 crc32_be(u32 crc, const unsigned char *p, size_t len);

#define ether_crc(length, data)    bitrev32(crc32_le(~0, data, length))
#define ether_crc_le(length, data) crc32_le(~0, data, length)

#endif
