/* SPDX-License-Identifier: MIT */
/*
 * Port I/O. `in`/`out` fault at CPL3, so the monitor offers the port space as an MMIO window:
 * port N is IK_GPA_PIO + N, and an access of the same width there is one exit that the monitor
 * turns into a port access on the granted device model (or a report if none is granted).
 * `volatile` makes each call exactly one access of exactly that width. Writes to granted ports
 * are posted (pio_post.c) when the monitor takes batches.
 */
#include "internal.h"

#define PIO_ADDR(port) ((uintptr_t)IK_GPA_PIO + (uintptr_t)(port))

/* A port with a read shadow is read from the event page while no port write is held
 * (mmio_shadow.c); with writes posted (pio_post.c), a read goes in the same request as them. */
uint8_t ik_inb(uint16_t port)
{
	uint8_t v;
	uint32_t shadow;

	if (ik_port_shadow_read(port, 1, &shadow)) /* no exit */
		return (uint8_t)shadow;
	if (ik_pio_posted_then(port, 1, false, &v, 1))
		return v;
	return *(volatile uint8_t *)PIO_ADDR(port);
}

uint16_t ik_inw(uint16_t port)
{
	uint16_t v;
	uint32_t shadow;

	if (ik_port_shadow_read(port, 2, &shadow)) /* no exit */
		return (uint16_t)shadow;
	if (ik_pio_posted_then(port, 2, false, &v, 1))
		return v;
	return *(volatile uint16_t *)PIO_ADDR(port);
}

uint32_t ik_inl(uint16_t port)
{
	uint32_t v;
	uint32_t shadow;

	if (ik_port_shadow_read(port, 4, &shadow)) /* no exit */
		return (uint32_t)shadow;
	if (ik_pio_posted_then(port, 4, false, &v, 1))
		return v;
	return *(volatile uint32_t *)PIO_ADDR(port);
}

/* Posted when granted; otherwise after the held writes, at once (its own exit and RIP). */
void ik_outb(uint8_t v, uint16_t port)
{
	ik_dma_before_device_write();
	if (ik_pio_post(port, 1, v))
		return;
	ik_posted_send_all();
	*(volatile uint8_t *)PIO_ADDR(port) = v;
}

void ik_outw(uint16_t v, uint16_t port)
{
	ik_dma_before_device_write();
	if (ik_pio_post(port, 2, v))
		return;
	ik_posted_send_all();
	*(volatile uint16_t *)PIO_ADDR(port) = v;
}

void ik_outl(uint32_t v, uint16_t port)
{
	ik_dma_before_device_write();
	if (ik_pio_post(port, 4, v))
		return;
	ik_posted_send_all();
	*(volatile uint32_t *)PIO_ADDR(port) = v;
}

/* Device MMIO (readl/writel of the compat layer): one access of exactly that width in the
 * device MMIO hole, i.e. one exit into the monitor's model. Writes inside the driver's windows
 * are posted (pio_post.c); a read goes in the same request as the held writes. */
uint64_t ik_mmio_read(const volatile void *addr, unsigned size)
{
	uint64_t v;

	if (ik_mmio_shadow_read((uintptr_t)addr, size, &v)) /* no exit */
		return v;
	if (ik_mmio_posted_read((uintptr_t)addr, size, &v))
		return v;
	switch (size) {
	case 1: return *(const volatile uint8_t *)addr;
	case 2: return *(const volatile uint16_t *)addr;
	case 4: return *(const volatile uint32_t *)addr;
	default: return *(const volatile uint64_t *)addr;
	}
}

void ik_mmio_write(volatile void *addr, unsigned size, uint64_t value)
{
	ik_dma_before_device_write();
	if (ik_mmio_post((uintptr_t)addr, size, value))
		return;
	ik_posted_send_all(); /* outside the windows: after the held writes, at once (its RIP) */
	switch (size) {
	case 1: *(volatile uint8_t *)addr = (uint8_t)value; break;
	case 2: *(volatile uint16_t *)addr = (uint16_t)value; break;
	case 4: *(volatile uint32_t *)addr = (uint32_t)value; break;
	default: *(volatile uint64_t *)addr = value; break;
	}
}
