/* SPDX-License-Identifier: MIT */
/*
 * Freestanding guests without the runtime: the monitor's own tiny test guests
 * (tests/monitor/guest) and the attack images (tests/malicious/guest/mal.h). The ABI
 * note, _start (main's return value is the exit code), hypercalls, the console, the port
 * window, the boot info and event pages. Built with bare_guest_c_args and bare_guest.ld
 * (tests/lib/meson.build). Nothing here checks anything: these guests do what a test wants.
 */
#ifndef IK_BARE_GUEST_H
#define IK_BARE_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "ikernel/abi.h"

struct bare_note {
	uint32_t namesz, descsz, type;
	char name[8];
	struct ik_abi_note_desc desc;
};

__attribute__((section(".note.ikernel"), aligned(4), used)) static const struct bare_note
	bare_abi_note = {8, sizeof(struct ik_abi_note_desc), IK_NOTE_TYPE_ABI, IK_NOTE_NAME,
			 {IK_ABI_VERSION, 0}};

/* Hypercall nr: a store of the arguments' address into its slot of the hypercall page. */
static inline void bare_hypercall(unsigned nr, void *args)
{
	__asm__ volatile("" ::: "memory");
	*(volatile uint64_t *)(uintptr_t)(IK_GPA_HYPERCALL + 8ull * nr) = (uint64_t)(uintptr_t)args;
	__asm__ volatile("" ::: "memory");
}

static inline size_t bare_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static inline void bare_print(const char *s)
{
	struct ik_hc_console c = {(uintptr_t)s, bare_strlen(s)};

	bare_hypercall(IK_HC_CONSOLE, &c);
}

static inline _Noreturn void bare_exit(int64_t code)
{
	struct ik_hc_exit e = {code};

	bare_hypercall(IK_HC_EXIT, &e);
	for (;;)
		;
}

static inline const struct ik_bootinfo *bare_bootinfo(void)
{
	return (const struct ik_bootinfo *)(uintptr_t)IK_GPA_BOOTINFO;
}

static inline struct ik_events *bare_events(void)
{
	return (struct ik_events *)(uintptr_t)IK_GPA_EVENTS;
}

/* Port I/O through the port window (size 1, 2 or 4). */
static inline uint32_t bare_port_in(uint16_t port, unsigned size)
{
	uintptr_t a = (uintptr_t)(IK_GPA_PIO + port);

	if (size == 1)
		return *(volatile uint8_t *)a;
	if (size == 2)
		return *(volatile uint16_t *)a;
	return *(volatile uint32_t *)a;
}

static inline void bare_port_out(uint16_t port, unsigned size, uint32_t v)
{
	uintptr_t a = (uintptr_t)(IK_GPA_PIO + port);

	if (size == 1)
		*(volatile uint8_t *)a = (uint8_t)v;
	else if (size == 2)
		*(volatile uint16_t *)a = (uint16_t)v;
	else
		*(volatile uint32_t *)a = v;
}

/* The TSC (rdtsc works at CPL3); the boot info's tsc_khz ticks make a millisecond. */
static inline uint64_t bare_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

int main(void);

__attribute__((section(".text.start"), used, noreturn)) void _start(void)
{
	bare_exit(main());
}

#endif /* IK_BARE_GUEST_H */
