/* SPDX-License-Identifier: MIT */
/*
 * A minimal freestanding environment for the monitor's own test guests: the ABI note,
 * _start, hypercalls and port I/O through the port window. No runtime, no scheduler.
 */
#ifndef IK_MINI_H
#define IK_MINI_H

#include <stddef.h>
#include <stdint.h>

#include "ikernel/abi.h"

struct mini_note {
	uint32_t namesz, descsz, type;
	char name[8];
	struct ik_abi_note_desc desc;
};

__attribute__((section(".note.ikernel"), aligned(4), used)) static const struct mini_note
	mini_abi_note = {8, sizeof(struct ik_abi_note_desc), IK_NOTE_TYPE_ABI, IK_NOTE_NAME,
			 {IK_ABI_VERSION, 0}};

static inline void hypercall(unsigned nr, void *args)
{
	*(volatile uint64_t *)(uintptr_t)(IK_GPA_HYPERCALL + 8ull * nr) = (uint64_t)(uintptr_t)args;
	__asm__ volatile("" ::: "memory");
}

static inline size_t mini_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static inline void print(const char *s)
{
	struct ik_hc_console c = {(uintptr_t)s, mini_strlen(s)};

	hypercall(IK_HC_CONSOLE, &c);
}

static inline _Noreturn void mini_exit(int64_t code)
{
	struct ik_hc_exit e = {code};

	hypercall(IK_HC_EXIT, &e);
	for (;;)
		;
}

static inline uint32_t port_in(uint16_t port, unsigned size)
{
	uintptr_t a = (uintptr_t)(IK_GPA_PIO + port);

	if (size == 1)
		return *(volatile uint8_t *)a;
	if (size == 2)
		return *(volatile uint16_t *)a;
	return *(volatile uint32_t *)a;
}

static inline void port_out(uint16_t port, unsigned size, uint32_t v)
{
	uintptr_t a = (uintptr_t)(IK_GPA_PIO + port);

	if (size == 1)
		*(volatile uint8_t *)a = (uint8_t)v;
	else if (size == 2)
		*(volatile uint16_t *)a = (uint16_t)v;
	else
		*(volatile uint32_t *)a = v;
}

static inline const struct ik_bootinfo *bootinfo(void)
{
	return (const struct ik_bootinfo *)(uintptr_t)IK_GPA_BOOTINFO;
}

static inline struct ik_events *events(void)
{
	return (struct ik_events *)(uintptr_t)IK_GPA_EVENTS;
}

int main(void);

__attribute__((section(".text.start"), used, noreturn)) void _start(void)
{
	mini_exit(main());
}

#endif
