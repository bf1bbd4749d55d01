/* SPDX-License-Identifier: MIT */
/* Bitmap searches (find_first_bit and friends). */
#include <linux/bitops.h>

static unsigned long find_bit(const unsigned long *addr, unsigned long size, unsigned long start,
			      unsigned long invert)
{
	while (start < size) {
		unsigned long word = (addr[BIT_WORD(start)] ^ invert) >> (start % BITS_PER_LONG);

		if (word) {
			unsigned long bit = start + __ffs(word);

			return bit < size ? bit : size;
		}
		start = (start | (BITS_PER_LONG - 1)) + 1;
	}
	return size;
}

unsigned long find_next_bit(const unsigned long *addr, unsigned long size, unsigned long offset)
{
	return find_bit(addr, size, offset, 0);
}

unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size,
				 unsigned long offset)
{
	return find_bit(addr, size, offset, ~0ul);
}

unsigned long find_first_bit(const unsigned long *addr, unsigned long size)
{
	return find_bit(addr, size, 0, 0);
}

unsigned long find_first_zero_bit(const unsigned long *addr, unsigned long size)
{
	return find_bit(addr, size, 0, ~0ul);
}
