/* SPDX-License-Identifier: MIT */
/* Text and time helpers of the driver-host core, for both backends and the device models. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "drvhost.h"

uint64_t ik_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ik_copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void ik_sanitize(char *out, size_t outlen, const char *in, size_t inlen)
{
	size_t o = 0;

	if (outlen == 0)
		return;
	for (size_t i = 0; i < inlen && o + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			out[o++] = (char)ch;
		} else {
			if (o + 5 > outlen)
				break;
			snprintf(out + o, outlen - o, "\\x%02x", ch);
			o += 4;
		}
	}
	out[o] = '\0';
}
