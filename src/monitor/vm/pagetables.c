/* SPDX-License-Identifier: MIT */
/*
 * Long-mode page tables, built by the host in guest memory below IK_GPA_IMAGE (a region the
 * guest cannot map): identity mapping, 4 KiB pages for RAM with the per-page permissions of
 * vm->page_flags, 2 MiB user RW NX pages for the channel area and the MMIO area.
 *
 *   IK_GPA_PAGETABLES + 0x0000  PML4
 *                     + 0x1000  PDPT
 *                     + 0x2000  PD for GiB 0 (RAM)
 *                     + 0x3000  PD for GiB 1 (channels at 0x40000000, MMIO at 0x60000000)
 *                     + 0x4000  one PT per 2 MiB of RAM
 */
#include "vm_internal.h"

#define PTE_P  (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_A  (1ull << 5)
#define PTE_D  (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)

#define IK_2M 0x200000ull
#define IK_1G 0x40000000ull

/*
 * Upper levels allow everything; the leaf entries decide (permissions are intersected).
 * Accessed and dirty bits are set up front: nobody reads them, the guest cannot write its page
 * tables, and KVM's shadow MMU only prefetches neighbouring entries that are already accessed
 * (and maps them writable only when dirty), so this turns most first-touch faults of a booting
 * guest into prefetches (47 faults -> see docs/PERFORMANCE.md).
 */
#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_US | PTE_A)

static uint64_t *table_at(struct ik_vm *vm, uint64_t gpa)
{
	return (uint64_t *)(vm->ram + gpa);
}

static uint64_t leaf_entry(uint64_t gpa, uint8_t flags)
{
	uint64_t e;

	if (!(flags & IK_PF_PRESENT))
		return 0;
	e = gpa | PTE_P | PTE_A;
	if (flags & IK_PF_UREAD)
		e |= PTE_US;
	if (flags & (IK_PF_UWRITE | IK_PF_KWRITE))
		e |= PTE_RW | PTE_D;
	if (!(flags & IK_PF_UEXEC))
		e |= PTE_NX;
	return e;
}

static void map_ram(struct ik_vm *vm, uint64_t pd_gpa, uint64_t pts_gpa)
{
	uint64_t *pd = table_at(vm, pd_gpa);

	for (uint64_t i = 0; i < vm->layout.mem_size / IK_2M; i++) {
		uint64_t pt_gpa = pts_gpa + i * IK_PAGE_SIZE;
		uint64_t *pt = table_at(vm, pt_gpa);

		pd[i] = pt_gpa | TABLE_FLAGS;
		for (uint64_t j = 0; j < 512; j++) {
			uint64_t gpa = i * IK_2M + j * IK_PAGE_SIZE;

			pt[j] = leaf_entry(gpa, vm->page_flags[gpa / IK_PAGE_SIZE]);
		}
	}
}

/* 2 MiB user RW NX pages over [start, end) of the second gigabyte. */
static void map_large(struct ik_vm *vm, uint64_t pd_gpa, uint64_t start, uint64_t end)
{
	uint64_t *pd = table_at(vm, pd_gpa);

	for (uint64_t a = start; a < end; a += IK_2M)
		pd[(a - IK_1G) / IK_2M] = a | PTE_P | PTE_RW | PTE_US | PTE_PS | PTE_NX | PTE_A | PTE_D;
}

void ik_pagetables_build(struct ik_vm *vm)
{
	uint64_t pml4 = IK_GPA_PAGETABLES, pdpt = pml4 + 0x1000, pd0 = pml4 + 0x2000,
		 pd1 = pml4 + 0x3000, pts = pml4 + 0x4000;

	_Static_assert(IK_GPA_CHAN_BASE >= IK_1G && IK_GPA_MMIO_END <= 2 * IK_1G,
		       "channel and MMIO areas share the second gigabyte");
	table_at(vm, pml4)[0] = pdpt | TABLE_FLAGS;
	table_at(vm, pdpt)[0] = pd0 | TABLE_FLAGS;
	table_at(vm, pdpt)[1] = pd1 | TABLE_FLAGS;
	map_ram(vm, pd0, pts);
	map_large(vm, pd1, IK_GPA_CHAN_BASE, IK_GPA_CHAN_BASE + IK_MAX_CHANNELS * IK_CHAN_STRIDE);
	map_large(vm, pd1, IK_GPA_MMIO_BASE, IK_GPA_MMIO_END);
	/* the exception stubs (vm_internal.h): supervisor-only, read-only, executable */
	table_at(vm, pd1)[(IK_GPA_EXC_HANDLERS - IK_1G) / IK_2M] = IK_GPA_EXC_HANDLERS | PTE_P | PTE_PS;
}
