/* SPDX-License-Identifier: MIT */
/*
 * Guest RAM: one memfd mapped MAP_SHARED (memslot 0 at GPA 0), the memory layout of the VM,
 * the per-page permission map that mirrors the page tables, and ik_vm_gpa(), the single
 * checked translator of guest addresses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm_internal.h"

#define IK_2M 0x200000ull

static void plan_layout(struct ik_layout *l, uint64_t mem_size)
{
	/* PML4, PDPT, PD for the RAM gigabyte, PD for the channel/MMIO gigabyte, one PT per 2 MiB */
	uint64_t pt_pages = 4 + mem_size / IK_2M;

	l->mem_size = mem_size;
	l->pt_start = IK_GPA_PAGETABLES;
	l->pt_end = IK_GPA_PAGETABLES + pt_pages * IK_PAGE_SIZE;
	l->stack_count = IK_MAX_THREADS;
	l->stack_area = mem_size - (uint64_t)l->stack_count * IK_STACK_STRIDE;
	l->stack_base = l->stack_area + IK_GUARD_SIZE;
	l->heap_start = l->heap_end = l->stack_area;
}

static int map_ram(struct ik_vm *vm, char *err, size_t errlen)
{
	uint64_t size = vm->layout.mem_size;
	struct kvm_userspace_memory_region region = {0};

	vm->mem_fd = memfd_create("ikernel-ram", MFD_CLOEXEC);
	if (vm->mem_fd < 0 || ftruncate(vm->mem_fd, (off_t)size) < 0)
		goto fail;
	vm->ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->mem_fd, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		goto fail;
	}
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = size;
	region.userspace_addr = (uint64_t)(uintptr_t)vm->ram;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot allocate %llu MiB of guest memory: %s",
		 (unsigned long long)(size >> 20), strerror(errno));
	return -errno;
}

int ik_mem_setup(struct ik_vm *vm, uint64_t mem_size, char *err, size_t errlen)
{
	int r = ik_mem_size_check(mem_size, err, errlen);

	if (r)
		return r;
	plan_layout(&vm->layout, mem_size);
	_Static_assert(IK_GPA_PAGETABLES + (4 + IK_MEM_MAX / IK_2M) * IK_PAGE_SIZE <= IK_GPA_EXC_STACK,
		       "page tables stay below the exception stack");
	vm->page_flags = calloc(mem_size / IK_PAGE_SIZE, 1);
	if (!vm->page_flags) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = map_ram(vm, err, errlen);
	if (r)
		return r;
	vm->bootinfo = (struct ik_bootinfo *)(vm->ram + IK_GPA_BOOTINFO);
	vm->events = (struct ik_events *)(vm->ram + IK_GPA_EVENTS);
	/* Fixed pages; page 0 and the page tables stay unmapped (flags 0). */
	ik_mem_protect(vm, IK_GPA_GDT, IK_PAGE_SIZE, IK_PF_PRESENT);
	ik_mem_protect(vm, IK_GPA_BOOTINFO, IK_PAGE_SIZE, IK_PF_PRESENT | IK_PF_UREAD);
	ik_mem_protect(vm, IK_GPA_EVENTS, IK_PAGE_SIZE, IK_PF_PRESENT | IK_PF_UREAD | IK_PF_UWRITE);
	ik_mem_protect(vm, IK_GPA_EXC_STACK, IK_PAGE_SIZE, IK_PF_PRESENT | IK_PF_KWRITE);
	for (uint32_t i = 0; i < vm->layout.stack_count; i++)
		ik_mem_protect(vm, vm->layout.stack_base + i * IK_STACK_STRIDE, IK_STACK_SIZE,
			       IK_PF_PRESENT | IK_PF_UREAD | IK_PF_UWRITE);
	return 0;
}

/* Set the permissions of every page touched by [gpa, gpa + len) (inside RAM). */
void ik_mem_protect(struct ik_vm *vm, uint64_t gpa, uint64_t len, uint8_t flags)
{
	if (len == 0)
		return;
	for (uint64_t p = gpa / IK_PAGE_SIZE; p <= (gpa + len - 1) / IK_PAGE_SIZE; p++)
		vm->page_flags[p] = flags;
}

int ik_mem_guard_stack(const struct ik_vm *vm, uint64_t gpa)
{
	const struct ik_layout *l = &vm->layout;

	if (gpa < l->stack_area || gpa >= l->mem_size)
		return -1;
	uint64_t idx = (gpa - l->stack_area) / IK_STACK_STRIDE;
	uint64_t in = (gpa - l->stack_area) % IK_STACK_STRIDE;
	return in < IK_GUARD_SIZE ? (int)idx : -1;
}

void *ik_vm_gpa(struct ik_vm *vm, ik_gpa_t gpa, uint64_t len, bool writable)
{
	uint8_t need = IK_PF_UREAD | (writable ? IK_PF_UWRITE : 0);
	uint64_t mem = vm->layout.mem_size;

	if (gpa >= mem || len > mem - gpa)
		return NULL;
	uint64_t last = len ? (gpa + len - 1) / IK_PAGE_SIZE : gpa / IK_PAGE_SIZE;
	for (uint64_t p = gpa / IK_PAGE_SIZE; p <= last; p++)
		if ((vm->page_flags[p] & need) != need)
			return NULL;
	return vm->ram + gpa;
}

void ik_mem_teardown(struct ik_vm *vm)
{
	if (vm->ram)
		munmap(vm->ram, vm->layout.mem_size);
	if (vm->mem_fd >= 0)
		close(vm->mem_fd);
	free(vm->page_flags);
	vm->ram = NULL;
	vm->mem_fd = -1;
	vm->page_flags = NULL;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

#define PREFAULT_HEAP  0x40000ull /* the first 256 KiB of the heap */
#define PREFAULT_STACK 0x2000ull  /* the top 8 KiB of every thread stack */

static void populate(struct ik_vm *vm, uint64_t gpa, uint64_t len)
{
	/* Best effort: a kernel without MADV_POPULATE_WRITE just boots a little slower. */
	if (len)
		(void)madvise(vm->ram + gpa, len, MADV_POPULATE_WRITE);
}

/*
 * Allocate, host-side, the guest pages a booting driver touches first: the image (bss
 * included), the start of the heap and the top of each stack. Why: each first touch of a guest
 * page is a shadow-MMU fault (~50 us on this nested machine); KVM then prefetches up to 7
 * neighbouring entries, but only those whose host page already exists. With the pages
 * populated, a nulldev boot takes 10 faults instead of 24 (docs/PERFORMANCE.md). Populating
 * all of RAM instead costs more than it saves (~2 ms for 4 MiB).
 */
void ik_mem_prefault(struct ik_vm *vm)
{
	const struct ik_layout *l = &vm->layout;
	uint64_t heap = l->heap_end - l->heap_start;

	populate(vm, IK_GPA_IMAGE, l->heap_start - IK_GPA_IMAGE);
	populate(vm, l->heap_start, heap < PREFAULT_HEAP ? heap : PREFAULT_HEAP);
	for (uint32_t i = 0; i < l->stack_count; i++)
		populate(vm, l->stack_base + i * IK_STACK_STRIDE + IK_STACK_SIZE - PREFAULT_STACK,
			 PREFAULT_STACK);
}
