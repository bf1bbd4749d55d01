/* SPDX-License-Identifier: MIT */
/*
 * String port I/O (x86 `rep ins`/`rep outs`, Linux's insb/insw/insl/outsb/outsw/outsl): one
 * IK_HC_PIO_STRING request per IK_PIO_STRING_MAX bytes instead of one exit per element, at
 * both isolation levels. A monitor that does not offer it (no IK_FEAT_PIO_STRING) gets single
 * accesses, as before. Posted port writes (pio_post.c) go in the same request as the first
 * part of the string.
 */
#include "internal.h"

static void pio_single(uint16_t port, unsigned size, bool write, uint8_t *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++, p += size) {
		if (size == 1) {
			if (write)
				ik_outb(*p, port);
			else
				*p = ik_inb(port);
		} else if (size == 2) {
			uint16_t v;
			if (write) {
				__builtin_memcpy(&v, p, 2);
				ik_outw(v, port);
			} else {
				v = ik_inw(port);
				__builtin_memcpy(p, &v, 2);
			}
		} else {
			uint32_t v;
			if (write) {
				__builtin_memcpy(&v, p, 4);
				ik_outl(v, port);
			} else {
				v = ik_inl(port);
				__builtin_memcpy(p, &v, 4);
			}
		}
	}
}

void ik_pio_string(uint16_t port, unsigned size, bool write, void *buf, unsigned long count)
{
	bool batched = (ik_bootinfo()->features & IK_FEAT_PIO_STRING) != 0;
	uint8_t *p = buf;

	if (size != 1 && size != 2 && size != 4)
		return;
	if (write)
		ik_dma_before_device_write();
	while (count) {
		unsigned long n = count < IK_PIO_STRING_MAX / size ? count : IK_PIO_STRING_MAX / size;

		if (batched && ik_pio_posted_then(port, size, write, p, (uint32_t)n)) {
			/* sent with the posted writes before it, as one request */
		} else if (batched) {
			struct ik_hc_pio_string a = {.port = port, .size = (uint8_t)size,
						     .write = write, .count = (uint32_t)n,
						     .buf = (uintptr_t)p};
			ik_hypercall(IK_HC_PIO_STRING, &a);
		} else {
			pio_single(port, size, write, p, n);
		}
		p += n * size;
		count -= n;
	}
}
