/* SPDX-License-Identifier: MIT */
/*
 * The vCPU: created and started directly in 64-bit mode at CPL3. There is no guest kernel
 * because guest code at CPL0 is emulated on the nested machines we run on (about 1 µs an
 * instruction) while CPL3 runs natively (docs/ARCHITECTURE.md, "Why the driver VM has no
 * kernel"). The GDT and TSS live in the GDT page, which the
 * guest can neither write nor read (supervisor-only).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <pthread.h>

#include "vm_internal.h"

#define SEL_CODE 0x08 /* GDT[1]: 64-bit code, DPL 3 */
#define SEL_DATA 0x10 /* GDT[2]: data, DPL 3 */
#define SEL_TSS  0x18 /* GDT[3..4]: 64-bit TSS */
#define SEL_KCODE 0x28 /* GDT[5]: 64-bit code, DPL 0 (only named by the IDT gates) */
#define IDT_OFF  0x100 /* IDT inside the GDT page */
#define TSS_OFF  0x800 /* TSS inside the GDT page */
#define TSS_LIMIT 0x67

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

static int sys_fail(char *err, size_t errlen, const char *what)
{
	int e = errno;

	snprintf(err, errlen, "%s failed: %s", what, strerror(e));
	return -e;
}

/* Descriptors carry the accessed bit, so the CPU never writes the (read-only) GDT. */
static void write_gdt(struct ik_vm *vm)
{
	uint64_t *gdt = (uint64_t *)(vm->ram + IK_GPA_GDT);
	uint64_t tss = IK_GPA_GDT + TSS_OFF;

	gdt[0] = 0;
	gdt[1] = 0x00af0000ull << 32 | 0xfb00ull << 32 | 0xffff; /* L=1, G=1, P, DPL3, code XR A */
	gdt[2] = 0x00cf0000ull << 32 | 0xf300ull << 32 | 0xffff; /* DB=1, G=1, P, DPL3, data RW A */
	gdt[3] = (TSS_LIMIT & 0xffff) | (tss & 0xffffff) << 16 | 0x8bull << 40 |
		 ((tss >> 24) & 0xff) << 56; /* P, type 0xB busy 64-bit TSS */
	gdt[4] = tss >> 32;
	gdt[5] = 0x00af0000ull << 32 | 0x9b00ull << 32 | 0xffff; /* L=1, G=1, P, DPL0, code XR A */
}

/* Gate v -> IK_GPA_EXC_HANDLERS + 16 v (interrupt gate, DPL 0); TSS.RSP0 -> exception stack. */
static void write_idt_tss(struct ik_vm *vm)
{
	uint64_t *idt = (uint64_t *)(vm->ram + IK_GPA_GDT + IDT_OFF);
	uint8_t *tss = vm->ram + IK_GPA_GDT + TSS_OFF;
	uint64_t rsp0 = IK_GPA_EXC_STACK + IK_PAGE_SIZE;

	for (uint64_t v = 0; v < IK_EXC_VECTORS; v++) {
		uint64_t h = IK_GPA_EXC_HANDLERS + 16 * v;

		idt[2 * v] = (h & 0xffff) | (uint64_t)SEL_KCODE << 16 | 0x8eull << 40 |
			     ((h >> 16) & 0xffff) << 48;
		idt[2 * v + 1] = h >> 32;
	}
	memcpy(tss + 4, &rsp0, sizeof(rsp0));
}

/*
 * The exception stubs (see vm_internal.h): at IK_GPA_EXC_HANDLERS + 16 v, `movabs
 * IK_GPA_EXC_REPORT + 16 v, %al` (a read, so CR2 and the supervisor-only, read-only page stay
 * as they are), then hlt padding that is never reached. One page of the monitor's own, built
 * once, read-only to KVM (KVM_MEM_READONLY) and shared by every VM of this process.
 */
static _Alignas(4096) uint8_t exc_stub_page[IK_PAGE_SIZE];
static pthread_once_t exc_stub_once = PTHREAD_ONCE_INIT;

static void build_exc_stubs(void)
{
	memset(exc_stub_page, 0xf4, sizeof(exc_stub_page)); /* hlt */
	for (unsigned v = 0; v < IK_EXC_VECTORS; v++) {
		uint64_t report = IK_GPA_EXC_REPORT + 16 * v;

		exc_stub_page[16 * v] = 0xa0; /* movabs moffs64, %al */
		memcpy(exc_stub_page + 16 * v + 1, &report, sizeof(report));
	}
}

static int map_exc_stubs(struct ik_vm *vm, char *err, size_t errlen)
{
	struct kvm_userspace_memory_region region = {
		.slot = IK_SLOT_EXC_STUBS,
		.flags = KVM_MEM_READONLY,
		.guest_phys_addr = IK_GPA_EXC_HANDLERS,
		.memory_size = IK_PAGE_SIZE,
		.userspace_addr = (uint64_t)(uintptr_t)exc_stub_page,
	};

	pthread_once(&exc_stub_once, build_exc_stubs);
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return sys_fail(err, errlen, "KVM_SET_USER_MEMORY_REGION (exception stubs)");
	return 0;
}

static struct kvm_segment segment(uint16_t sel, uint8_t type, bool code)
{
	struct kvm_segment s = {
		.base = 0, .limit = 0xffffffff, .selector = sel | 3, .type = type, .present = 1,
		.dpl = 3, .db = code ? 0 : 1, .s = 1, .l = code ? 1 : 0, .g = 1,
	};
	return s;
}

static int set_sregs(struct ik_vm *vm, char *err, size_t errlen)
{
	struct kvm_sregs sr;

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
		return sys_fail(err, errlen, "KVM_GET_SREGS");
	sr.cs = segment(SEL_CODE, 0xb, true);
	sr.ds = sr.es = sr.fs = sr.gs = sr.ss = segment(SEL_DATA, 0x3, false);
	sr.tr = (struct kvm_segment){.base = IK_GPA_GDT + TSS_OFF, .limit = TSS_LIMIT,
				     .selector = SEL_TSS, .type = 0xb, .present = 1};
	sr.ldt = (struct kvm_segment){.type = 0x2, .present = 1, .unusable = 1};
	sr.gdt.base = IK_GPA_GDT;
	sr.gdt.limit = 6 * 8 - 1;
	sr.idt.base = IK_GPA_GDT + IDT_OFF;
	sr.idt.limit = IK_EXC_VECTORS * 16 - 1;
	sr.cr0 = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
	sr.cr3 = IK_GPA_PAGETABLES;
	sr.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sr.efer = EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
		return sys_fail(err, errlen, "KVM_SET_SREGS");
	return 0;
}

static int set_regs(struct ik_vm *vm, char *err, size_t errlen)
{
	struct kvm_regs regs = {0};

	regs.rip = vm->image.entry;
	regs.rsp = vm->layout.stack_base + IK_STACK_SIZE; /* top of stack 0 */
	regs.rflags = 0x2;
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return sys_fail(err, errlen, "KVM_SET_REGS");
	return 0;
}

/*
 * No KVM_SET_CPUID2: the guest never executes CPUID (the runtime and the compat layer have no
 * use for it), and KVM's defaults without a CPUID table keep what the guest does need: long
 * mode, NX (tests/monitor guest-execdata) and a 36-bit physical address width, ample for a
 * guest map that ends below 4 GiB. Querying and setting the table cost ~1 ms of the first cold
 * start in a process and ~0.2 ms of every later one (docs/PERFORMANCE.md).
 */

int ik_cpu_setup(struct ik_vm *vm, char *err, size_t errlen)
{
	int size, r;

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return sys_fail(err, errlen, "KVM_CREATE_VCPU");
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return sys_fail(err, errlen, "KVM_GET_VCPU_MMAP_SIZE");
	vm->run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return sys_fail(err, errlen, "mmap of the vCPU state");
	}
	vm->run_size = (size_t)size;
	write_gdt(vm);
	write_idt_tss(vm);
	r = map_exc_stubs(vm, err, errlen);
	if (!r)
		r = set_sregs(vm, err, errlen);
	if (!r)
		r = set_regs(vm, err, errlen);
	return r;
}
