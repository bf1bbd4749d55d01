/* SPDX-License-Identifier: MIT */
/*
 * Crash reports: what the guest did wrong, where, and the likely cause, in one line that
 * names the driver; plus ik_vm_format_result() for the full report.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vm_internal.h"

#define PF_P (1u << 0)
#define PF_W (1u << 1)
#define PF_U (1u << 2)
#define PF_I (1u << 4)

static const char *exception_name(int vector)
{
	static const char *const names[] = {
		[0] = "divide error", [1] = "debug exception", [2] = "NMI", [3] = "breakpoint (int3)",
		[4] = "overflow", [5] = "bound range exceeded", [6] = "invalid opcode",
		[7] = "device not available", [8] = "double fault", [10] = "invalid TSS",
		[11] = "segment not present", [12] = "stack-segment fault",
		[13] = "general protection fault", [14] = "page fault", [16] = "x87 floating-point error",
		[17] = "alignment check", [18] = "machine check", [19] = "SIMD floating-point exception",
		[20] = "virtualization exception", [21] = "control protection exception",
	};

	if (vector >= 0 && (size_t)vector < sizeof(names) / sizeof(names[0]) && names[vector])
		return names[vector];
	return "exception";
}

static const char *exception_hint(int vector)
{
	switch (vector) {
	case 0:
		return "division by zero";
	case 6:
		return "ud2 (BUG) or corrupted code";
	case 13:
		return "privileged instruction, in/out (use the port window), or non-canonical address";
	default:
		return "";
	}
}

/* "user write to a not-present page" */
static void describe_pf(uint32_t err, char *out, size_t outlen)
{
	const char *who = err & PF_U ? "user" : "supervisor";
	const char *what, *page;

	if (err & PF_I)
		what = "instruction fetch from";
	else if (err & PF_W)
		what = "write to";
	else
		what = "read from";
	if (!(err & PF_P))
		page = "a not-present";
	else if (err & PF_I)
		page = "a no-execute";
	else if (err & PF_W)
		page = "a read-only";
	else
		page = "a supervisor-only";
	snprintf(out, outlen, "%s %s %s page", who, what, page);
}

static bool in_image_segment(const struct ik_vm *vm, uint64_t addr, uint32_t flag)
{
	for (unsigned i = 0; i < vm->image.nsegments; i++) {
		const struct ik_segment *s = &vm->image.segments[i];

		if (addr >= s->vaddr && addr - s->vaddr < s->memsz)
			return (s->flags & flag) != 0 || flag == 0;
	}
	return false;
}

/* The likely cause of a page fault at cr2 with error code err. */
static void pf_cause(const struct ik_vm *vm, uint64_t cr2, uint32_t err, char *out, size_t outlen)
{
	const struct ik_layout *l = &vm->layout;
	int stack = ik_mem_guard_stack(vm, cr2);

	if (cr2 < IK_PAGE_SIZE)
		snprintf(out, outlen, "NULL pointer dereference");
	else if (stack >= 0)
		snprintf(out, outlen, "stack overflow (guard page of thread stack %d)", stack);
	else if (cr2 >= l->mem_size)
		snprintf(out, outlen, "address outside guest RAM (%llu MiB)",
			 (unsigned long long)(l->mem_size >> 20));
	else if ((err & PF_P) && (err & PF_I))
		snprintf(out, outlen, "execution of a no-execute (NX) page: data, heap or stack");
	else if ((err & PF_P) && (err & PF_W) && in_image_segment(vm, cr2, IK_SEG_X))
		snprintf(out, outlen, "write to read-only code");
	else if ((err & PF_P) && (err & PF_W) && in_image_segment(vm, cr2, 0))
		snprintf(out, outlen, "write to read-only data");
	else if ((err & PF_P) && (err & PF_W) && cr2 / IK_PAGE_SIZE == IK_GPA_BOOTINFO / IK_PAGE_SIZE)
		snprintf(out, outlen, "write to the read-only boot info page");
	else if (cr2 / IK_PAGE_SIZE == IK_GPA_GDT / IK_PAGE_SIZE)
		snprintf(out, outlen, "access to the GDT page (monitor-owned)");
	else if (cr2 >= l->pt_start && cr2 < l->pt_end)
		snprintf(out, outlen, "access to the page tables (monitor-owned, not mapped)");
	else if (!(err & PF_P))
		snprintf(out, outlen, "access to unmapped guest memory (wild pointer)");
	else
		snprintf(out, outlen, "protection violation");
}

/* " at RIP 0x... <sym+0x..>" for rip; also records it in the result. */
static void where_rip(struct ik_vm *vm, uint64_t rip, char *out, size_t outlen)
{
	char sym[96];

	vm->result.rip = rip;
	ik_vm_symbolize(vm, rip, sym, sizeof(sym));
	ik_copy_str(vm->result.function, sizeof(vm->result.function), sym);
	if (*sym)
		snprintf(out, outlen, " at RIP 0x%llx <%s>", (unsigned long long)rip, sym);
	else
		snprintf(out, outlen, " at RIP 0x%llx", (unsigned long long)rip);
}

void ik_crash_where(struct ik_vm *vm, char *out, size_t outlen)
{
	struct kvm_regs regs;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0) {
		snprintf(out, outlen, "%s", "");
		return;
	}
	vm->crash_regs = regs;
	vm->have_crash_regs = true;
	where_rip(vm, regs.rip, out, outlen);
}

void ik_crash_other(struct ik_vm *vm, const char *what)
{
	char where[160];

	if (atomic_load(&vm->ended))
		return;
	ik_crash_where(vm, where, sizeof(where));
	ik_vm_end(vm, IK_END_CRASH, "driver '%s' crashed: %s%s", vm->dh.name, what, where);
}

/* End the VM with the report of exception `vector` (-1: unknown) raised at rip. */
static void report_exception(struct ik_vm *vm, int vector, uint32_t err, uint64_t rip, uint64_t cr2)
{
	char where[160], desc[128] = "", cause[128] = "", exc[480];

	where_rip(vm, rip, where, sizeof(where));
	if (vector == 14) {
		describe_pf(err, desc, sizeof(desc));
		pf_cause(vm, cr2, err, cause, sizeof(cause));
		snprintf(exc, sizeof(exc), "page fault (vector 14, error 0x%x: %s)%s, CR2 0x%llx: %s",
			 err, desc, where, (unsigned long long)cr2, cause);
	} else if (vector >= 0) {
		const char *hint = exception_hint(vector);

		snprintf(exc, sizeof(exc), "%s (vector %d, error 0x%x)%s%s%s", exception_name(vector),
			 vector, err, where, *hint ? ": " : "", hint);
	} else {
		snprintf(exc, sizeof(exc), "triple fault (exception unknown)%s, CR2 0x%llx", where,
			 (unsigned long long)cr2);
	}
	if (ik_vm_end(vm, IK_END_CRASH, "driver '%s' crashed: %s", vm->dh.name, exc)) {
		vm->result.vector = vector;
		vm->result.error_code = err;
		vm->result.cr2 = cr2;
	}
}

static bool has_error_code(unsigned vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 ||
	       vector == 29 || vector == 30;
}

/*
 * The vCPU stopped at an exception "handler" address (see vm_internal.h): decode the vector
 * from RIP and the faulting RIP/RSP/error code from the frame the CPU pushed. Returns false
 * when the state is not that.
 */
bool ik_crash_exception(struct ik_vm *vm)
{
	struct kvm_regs regs;
	struct kvm_sregs sr;
	uint64_t frame[6];
	unsigned vector, n;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0 || ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
		return false;
	if (regs.rip < IK_GPA_EXC_HANDLERS || regs.rip >= IK_GPA_EXC_HANDLERS + 16 * IK_EXC_VECTORS ||
	    regs.rip % 16)
		return false;
	vector = (unsigned)((regs.rip - IK_GPA_EXC_HANDLERS) / 16);
	n = has_error_code(vector) ? 6 : 5;
	if (regs.rsp < IK_GPA_EXC_STACK || regs.rsp + n * 8 > IK_GPA_EXC_STACK + IK_PAGE_SIZE)
		return false;
	memcpy(frame, vm->ram + regs.rsp, n * 8); /* written by the CPU, in a supervisor page */
	uint32_t err = n == 6 ? (uint32_t)frame[0] : 0;
	const uint64_t *iret = frame + (n - 5); /* RIP, CS, RFLAGS, RSP, SS */
	regs.rip = iret[0];
	regs.rflags = iret[2];
	regs.rsp = iret[3];
	vm->crash_regs = regs;
	vm->have_crash_regs = true;
	report_exception(vm, (int)vector, err, iret[0], sr.cr2);
	return true;
}

void ik_crash_shutdown(struct ik_vm *vm)
{
	struct kvm_vcpu_events ev = {0};
	struct kvm_sregs sr = {0};
	char where[160];
	int vector = -1;
	uint32_t err = 0;

	ik_crash_where(vm, where, sizeof(where));
	ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sr);
	/* A real triple fault (the exception delivery itself failed): KVM usually has dropped the
	 * exception by now; report it when it is still there. */
	if (ioctl(vm->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) == 0 &&
	    (ev.exception.injected || ev.exception.pending)) {
		vector = ev.exception.nr;
		err = ev.exception.has_error_code ? ev.exception.error_code : 0;
	}
	report_exception(vm, vector, err, vm->crash_regs.rip, sr.cr2);
}

void ik_crash_finish_hang(struct ik_vm *vm)
{
	char where[160];
	size_t n;

	ik_crash_where(vm, where, sizeof(where));
	pthread_mutex_lock(&vm->lock);
	n = strlen(vm->result.reason);
	snprintf(vm->result.reason + n, sizeof(vm->result.reason) - n, "%s", where);
	pthread_mutex_unlock(&vm->lock);
}

static void print_regs(const struct kvm_regs *r, FILE *out)
{
	fprintf(out, "  RIP %016llx RSP %016llx RBP %016llx RFLAGS %08llx\n", r->rip, r->rsp, r->rbp,
		r->rflags);
	fprintf(out, "  RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n", r->rax, r->rbx, r->rcx,
		r->rdx);
	fprintf(out, "  RSI %016llx RDI %016llx R8  %016llx R9  %016llx\n", r->rsi, r->rdi, r->r8,
		r->r9);
	fprintf(out, "  R10 %016llx R11 %016llx R12 %016llx R13 %016llx\n", r->r10, r->r11, r->r12,
		r->r13);
	fprintf(out, "  R14 %016llx R15 %016llx\n", r->r14, r->r15);
}

void ik_vm_report_regs(const struct ik_vm *vm, const struct ik_vm_result *res, FILE *out)
{
	if ((res->end == IK_END_CRASH || res->end == IK_END_HANG) && vm && vm->have_crash_regs)
		print_regs(&vm->crash_regs, out);
}

void ik_vm_format_result(const struct ik_vm *vm, const struct ik_vm_result *res, FILE *out)
{
	ik_dh_report_line(res, out);
	ik_vm_report_regs(vm, res, out);
	fflush(out);
}
