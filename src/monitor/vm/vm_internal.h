/* SPDX-License-Identifier: MIT */
/*
 * libikmon internals: the state of one driver VM, shared by the files of src/monitor.
 *
 * Threads: the vCPU thread (the caller of ik_vm_run) and the control thread (clients, hang
 * watchdog). `lock` protects the channel table, the node list, the server state and the end
 * result; the interrupt/channel event masks are atomics; `stop_requested` is written from
 * signal handlers.
 */
#ifndef IKMON_VM_INTERNAL_H
#define IKMON_VM_INTERNAL_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "devmodel.h"
#include "drvhost.h"
#include "exit_profile.h"
#include "ikernel/abi.h"
#include "ikernel/control.h"
#include "loader.h"
#include "monitor.h"

/* Guest memory layout decided for one VM (see abi.h for the fixed part). */
struct ik_layout {
	uint64_t mem_size;
	uint64_t pt_start, pt_end;   /* page tables: [IK_GPA_PAGETABLES, pt_end) */
	uint64_t heap_start, heap_end;
	uint64_t stack_area;         /* guard page of stack 0 */
	uint64_t stack_base;         /* lowest byte of stack 0 */
	uint32_t stack_count;
};

/* Per-page guest permissions (host view; mirrors the page tables). */
#define IK_PF_PRESENT 1u /* mapped at all (maybe supervisor-only) */
#define IK_PF_UREAD   2u /* user readable */
#define IK_PF_UWRITE  4u /* user writable */
#define IK_PF_UEXEC   8u /* user executable */
#define IK_PF_KWRITE  16u /* supervisor writable (the exception stack) */

/*
 * Exception reporting without any code of the guest at CPL0: the IDT (in the GDT page) sends
 * every exception to a stub at IK_GPA_EXC_HANDLERS + 16 * vector, in a supervisor-only page
 * of the monitor's (read-only memslot IK_SLOT_EXC_STUBS). The CPU pushes the exception frame
 * on IK_GPA_EXC_STACK (via TSS.RSP0); the stub's one instruction reads
 * IK_GPA_EXC_REPORT + 16 * vector, which no memory backs: an MMIO exit whose address names
 * the vector (and RIP the stub), the frame gives the faulting RIP and error code, CR2 is
 * intact. One emulated instruction: ~0.15 ms from the fault to the exit here, where a handler
 * fetch from unbacked memory (KVM_EXIT_INTERNAL_ERROR, still understood) took ~1.6 ms.
 */
#define IK_GPA_EXC_STACK    0xff000ull     /* supervisor RW page below IK_GPA_IMAGE */
#define IK_GPA_EXC_HANDLERS IK_GPA_MMIO_END /* 0x62000000: the 2 MiB page of the stubs */
#define IK_GPA_EXC_REPORT   (IK_GPA_EXC_HANDLERS + 0x1000) /* never backed */
#define IK_SLOT_EXC_STUBS   (1u + IK_MAX_CHANNELS) /* after RAM (0) and the channels */
#define IK_EXC_VECTORS      32u

/* FREE -> OPEN (hello) -> CLOSING (the client left; the guest releases its files) ->
 * RELEASING (the guest did: its KVM mappings are being removed, outside vm->lock) -> FREE. */
enum ik_chan_state { IK_CHAN_FREE = 0, IK_CHAN_OPEN, IK_CHAN_CLOSING, IK_CHAN_RELEASING };

struct ik_channel {
	enum ik_chan_state state;
	int client_fd; /* the client's socket while OPEN */
	int mem_fd;
	int done_fd;
	void *mem; /* host mapping backing the memslot */
};


struct ik_vm {
	/* the driver-host core (drvhost.h): name, log, nodes, ready, rendezvous, console limit;
	 * its lock and cond are ours (below) */
	struct ik_drvhost dh;
	char image_name[256];

	/* KVM */
	int kvm_fd, vm_fd, vcpu_fd;
	struct ik_exit_profile *profile; /* IKERNEL_EXIT_PROFILE: counted by the vCPU thread; NULL */
	struct ik_guest_profile *guest_profile; /* IKERNEL_GUEST_PROFILE (guest_profile.c); NULL */
	struct kvm_run *run;
	size_t run_size;

	/* guest memory */
	int mem_fd;
	uint8_t *ram;
	struct ik_layout layout;
	uint8_t *page_flags; /* IK_PF_* per RAM page */
	struct ik_bootinfo *bootinfo;
	struct ik_events *events;
	struct ik_image image;

	/* devices (devhost_vm.c: this VM as their struct ik_dev_host) */
	struct ik_devset devs;

	/* events for the guest */
	int kick_fd; /* eventfd: clients and the monitor wake a sleeping guest */
	_Atomic uint64_t pending_opened, pending_closing; /* lines: dh.irq_pending (irq_lines.c) */

	/* run state */
	volatile sig_atomic_t stop_requested;
	atomic_bool ended;
	atomic_bool in_guest;   /* vCPU inside KVM_RUN */
	atomic_bool in_wait;    /* vCPU sleeping in IK_HC_WAIT */
	atomic_bool vcpu_known;
	_Atomic uint64_t exit_since; /* start of the exit being handled now; 0: none */
	pthread_t vcpu_thread;
	clockid_t vcpu_clock; /* the vCPU thread's CPU-time clock: the hang watchdog's time */
	struct ik_vm_result result; /* valid once `ended` (under lock while being set) */
	bool dead_notified;
	unsigned hang_ms;
	uint64_t spin_ns;
	int vcpu_cpu;
	struct kvm_regs crash_regs;
	bool have_crash_regs;

	/* server */
	pthread_mutex_t lock;
	pthread_cond_t cond; /* ready / ended */
	struct ik_channel chans[IK_MAX_CHANNELS];

	/* control thread */
	pthread_t ctl_thread;
	bool ctl_started;
	atomic_bool ctl_quit;
	int ctl_wake_fd;

	/* fault injection (inject.c, control thread) */
	uint64_t inject_rng;
	unsigned injections;
	struct { uint64_t gpa; uint8_t len, orig[16]; } patches[64]; /* code patches, for revert */
	unsigned npatches;

	/* hang watchdog (control thread only) */
	struct ik_dh_hang wd; /* the hang watchdog (control thread) */
	uint64_t exits; /* returns from KVM_RUN (the vCPU thread's) */
	uint64_t hb_exit_seen, hb_busy_since; /* ik_watchdog_heartbeat(): the exit in progress */

	/* one-time notes (vCPU thread only; mmio.c) */
	bool doorbell_noted;

	/* sandbox.c, entered by ik_vm_run */
	bool sandbox;
	char sandbox_user[64];
};

/* log.c: the monitor log (the core's, drvhost.h). */
void ik_log(struct ik_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));


/* memory.c */
int ik_mem_setup(struct ik_vm *vm, uint64_t mem_size, char *err, size_t errlen);
void ik_mem_prefault(struct ik_vm *vm); /* after the image is loaded */
void ik_mem_protect(struct ik_vm *vm, uint64_t gpa, uint64_t len, uint8_t flags);
void ik_mem_teardown(struct ik_vm *vm);
/* stack index whose guard page holds gpa, or -1 */
int ik_mem_guard_stack(const struct ik_vm *vm, uint64_t gpa);

/* pagetables.c: build the page tables from page_flags. */
void ik_pagetables_build(struct ik_vm *vm);

/* cpu.c */
int ik_cpu_setup(struct ik_vm *vm, char *err, size_t errlen);

/* bootinfo.c */
int ik_bootinfo_fill(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen);

/* end.c: end the VM (first caller wins); callable from any monitor thread. */
bool ik_vm_end(struct ik_vm *vm, enum ik_vm_end end, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with the details (exit code, panic file and line): the core's ops->end. */
bool ik_vm_end_with(struct ik_vm *vm, const struct ik_dh_end *e);
void ik_vm_kick_vcpu(struct ik_vm *vm);
void ik_vm_wake_guest(struct ik_vm *vm);
/* "<sym+0xoff>" or "" into out. */
void ik_vm_symbolize(const struct ik_vm *vm, uint64_t addr, char *out, size_t outlen);

/* mmio.c: handle a KVM_EXIT_MMIO. */
void ik_mmio_exit(struct ik_vm *vm);

/* hypercall.c: the VM backend of the driver-host core (drvhost.h). */
extern const struct ik_dh_ops ik_vm_dh_ops;
void ik_hypercall(struct ik_vm *vm, unsigned nr, uint64_t args_gpa);

/* crash.c */
void ik_crash_shutdown(struct ik_vm *vm);
/* The vCPU reached an exception handler address: report the exception. false if not. */
bool ik_crash_exception(struct ik_vm *vm);
/* End as IK_END_CRASH for an exit that is not an exception ("KVM internal error ..."). */
void ik_crash_other(struct ik_vm *vm, const char *what);
/* " at RIP 0x... <sym+0x..>" of the current vCPU state. */
void ik_crash_where(struct ik_vm *vm, char *out, size_t outlen);
void ik_crash_finish_hang(struct ik_vm *vm);
/* The report's lines after "ikernel: <reason>": the registers of a crash or hang. */
void ik_vm_report_regs(const struct ik_vm *vm, const struct ik_vm_result *res, FILE *out);

/* server.c: control thread and client handling. */
int ik_server_start(struct ik_vm *vm);
void ik_server_stop(struct ik_vm *vm);
void ik_server_notify_dead(struct ik_vm *vm);
void ik_server_poke(struct ik_vm *vm);

/* channel.c (callers hold vm->lock) */
int ik_chan_open(struct ik_vm *vm, int client_fd, unsigned *chan);
void ik_chan_close(struct ik_vm *vm, unsigned chan);
/* ik_chan_close in two halves, for the vCPU thread's release: removing the memslot waits for
 * KVM's readers (up to 0.6 s on a loaded host), which must not happen under vm->lock (the
 * control thread's hellos, notices and watchdog wait for it). unmap: without the lock, on a
 * channel in IK_CHAN_RELEASING; release: under the lock, after unmap. */
void ik_chan_unmap(struct ik_vm *vm, unsigned chan);
void ik_chan_release(struct ik_vm *vm, unsigned chan);

/* inject.c: apply one fault injection spec (control.h); the outcome goes to out. */
int ik_inject(struct ik_vm *vm, const char *spec, char *out, size_t outlen);

/* watchdog.c: called by the control thread every tick. */
void ik_watchdog_tick(struct ik_vm *vm);
/* The monitor's own beat for the supervisor (heartbeat.h), on the control thread's tick. */
void ik_watchdog_heartbeat(struct ik_vm *vm);

/* devhost_vm.c: the VM's device models (devices.c), with the VM as their host. */
int ik_devices_init(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen);
void ik_devices_destroy(struct ik_vm *vm);
/* Port access from the guest; ends the VM itself on a violation. */
void ik_devices_pio(struct ik_vm *vm, uint16_t port, unsigned size, bool write, uint8_t *data);
/* An access of the device MMIO hole: to the granted window that holds it, else the end. */
void ik_devices_mmio(struct ik_vm *vm, uint64_t gpa, unsigned size, bool write, uint8_t *data);

#endif /* IKMON_VM_INTERNAL_H */
