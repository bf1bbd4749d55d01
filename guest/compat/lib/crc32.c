/* SPDX-License-Identifier: MIT */
/* CRC-32 (<linux/crc32.h>): the IEEE 802.3 polynomial, bit at a time (NIC drivers hash six
 * bytes per multicast address; a table is not worth its 1 KiB). */
#include <linux/crc32.h>

#define CRC32_POLY_LE 0xedb88320u
#define CRC32_POLY_BE 0x04c11db7u

u32 crc32_le(u32 crc, const unsigned char *p, size_t len)
{
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ ((crc & 1) ? CRC32_POLY_LE : 0);
	}
	return crc;
}

u32 crc32_be(u32 crc, const unsigned char *p, size_t len)
{
	while (len--) {
		crc ^= (u32)*p++ << 24;
		for (int i = 0; i < 8; i++)
			crc = (crc << 1) ^ ((crc & 0x80000000u) ? CRC32_POLY_BE : 0);
	}
	return crc;
}
