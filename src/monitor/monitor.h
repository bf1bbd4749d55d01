/* SPDX-License-Identifier: MIT */
/*
 * libikmon: the monitor of one driver VM, as a library. Used by `ikernel run`, by
 * `ikernel bench` (in-process VM for the raw measurements) and by the host-side tests.
 * Functions return 0 or -errno unless stated otherwise.
 */
#ifndef IKERNEL_MONITOR_H
#define IKERNEL_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "budget.h"
#include "ikernel/abi.h"

struct ik_vm;

/*
 * A device node as the operator declares it (a manifest's [node NAME] section, passed by the
 * supervisor as `ikernel run --node`): the name the driver registers, the host's name for it
 * (socket link, welcome, device file; a manifest's `[node NAME as HOST]`), and who may reach
 * it, as a device file's owner, group and mode. With declarations a driver may register only
 * those names; without any, it may register any valid name, each owned by the monitor's user
 * with the configured default mode (docs/THREAT-MODEL.md, "Who may open a node").
 */
struct ik_node_decl {
	char name[IK_NAME_MAX];
	char host[IK_NAME_MAX];
	uint32_t uid, gid;
	uint32_t mode; /* permission bits, <= 0777 */
};
#define IK_NODE_MODE_DEFAULT 0600u

/* "NAME[=HOST][,uid=N][,gid=N][,mode=0NNN]" (uid/gid default to the caller's, mode to 0600):
 * 0, or -EINVAL with a message in err. */
int ik_node_decl_parse(const char *spec, struct ik_node_decl *d, char *err, size_t errlen);

struct ik_netif_cfg;

struct ik_vm_config {
	const char *image_path;   /* driver image (static ELF) */
	const char *name;         /* driver name; default: image file name without extension */
	uint64_t mem_size;        /* bytes of guest RAM; 0 = IK_MEM_DEFAULT */
	const char *params;       /* module parameters "k=v k=v", or NULL */
	const char *runtime_dir;  /* NULL = $IKERNEL_RUNTIME_DIR or /run/ikernel */
	bool serve;               /* create the socket and node links once the driver is ready */
	uint64_t spin_ns;         /* guest idle spin before sleeping; (uint64_t)-1 = default */
	unsigned hang_ms;         /* no scheduler progress for this long = hang; 0 = default 1000 */
	FILE *log;                /* monitor log (console, LED board, crash reports); NULL = stderr */
	int vcpu_cpu;             /* pin the vCPU thread to this CPU; -1 = no pinning */
	const char *const *devices; /* device models granted: "MODEL[@PORT]", e.g. "parport@0x378" */
	size_t ndevices;
	bool sandbox;             /* enter the sandbox (seccomp, no capabilities, limits) before the
				   * guest first runs; for a process that runs just this VM */
	const char *sandbox_user; /* with `sandbox`, started as root: become this user, or NULL */
	const char *recovery;     /* recovery spec sent to every client (control.h), or NULL */
	struct ik_budget_cfg log_budget; /* what the driver may make us write; rate 0: default */
	const struct ik_node_decl *nodes; /* the declared nodes, or NULL (any name, see above) */
	size_t nnodes;
	unsigned node_mode;       /* mode of undeclared nodes; 0 = IK_NODE_MODE_DEFAULT */
	/* host interfaces (netif_relay.h): the monitor takes the TAP descriptors */
	const struct ik_netif_cfg *netifs;
	size_t nnetifs;
};

enum ik_vm_end {
	IK_END_NONE = 0,      /* still running */
	IK_END_EXIT,          /* the guest called IK_HC_EXIT (code in exit_code) */
	IK_END_PANIC,         /* panic()/BUG()/GUEST_ASSERT: message, file, line */
	IK_END_CRASH,         /* CPU exception (triple fault) or KVM internal error */
	IK_END_HANG,          /* no progress within the deadline */
	IK_END_VIOLATION,     /* bad hypercall, port/MMIO outside the grant, ABI violation */
	IK_END_STOPPED,       /* ik_vm_stop() */
	IK_END_UNSERVED,      /* ready, but its socket or a node name is taken: a failure (exit 1),
			       * so a supervisor's policy restarts it and `status` says why */
};

struct ik_vm_result {
	enum ik_vm_end end;
	int64_t exit_code;     /* IK_END_EXIT */
	int vector;            /* IK_END_CRASH: exception vector, -1 if unknown */
	uint32_t error_code;   /* IK_END_CRASH */
	uint64_t rip, cr2;     /* IK_END_CRASH / IK_END_HANG */
	char function[64];     /* symbol containing RIP, "" when the image has none */
	char file[128];        /* IK_END_PANIC: source file; "" if none */
	uint32_t line;         /* IK_END_PANIC */
	char reason[512];      /* one line, human readable, names the driver */
	uint64_t exits;        /* VM: returns from KVM_RUN; process: requests served (a cost figure) */
};

/* Create the VM and load the image. On failure *err gets a message naming what is wrong. */
int ik_vm_create(const struct ik_vm_config *cfg, struct ik_vm **out, char *err, size_t errlen);

/* Run the vCPU on the calling thread until the VM ends. Returns 0 and fills *res. */
int ik_vm_run(struct ik_vm *vm, struct ik_vm_result *res);

/* Ask a running VM to stop (async-signal-safe: sets a flag and writes an eventfd). */
void ik_vm_stop(struct ik_vm *vm);

/* Free everything: notify clients (IK_NOTICE_DEAD), remove socket and links, close fds. */
void ik_vm_destroy(struct ik_vm *vm);

/* Block until the driver called IK_HC_READY (or the VM ended: -EIO). timeout_ms < 0: forever. */
int ik_vm_wait_ready(struct ik_vm *vm, int timeout_ms);

/* Nanoseconds from ik_vm_create() entry to IK_HC_READY (0 if not ready yet). */
uint64_t ik_vm_boot_ns(const struct ik_vm *vm);

/* The single checked guest-address translator: a host pointer to [gpa, gpa + len) of guest
 * RAM, or NULL when any byte lies outside RAM (or, with `writable`, outside guest-writable
 * pages). Every guest address goes through here. */
void *ik_vm_gpa(struct ik_vm *vm, ik_gpa_t gpa, uint64_t len, bool writable);

/* Register an eventfd signalled (no exit) by a 4-byte guest write to `gpa` in the MMIO area. */
int ik_vm_add_ioeventfd(struct ik_vm *vm, ik_gpa_t gpa, int fd);

/* Raise paravirtual interrupt line `line` (< 64); callable from any monitor thread. */
void ik_vm_raise_irq(struct ik_vm *vm, unsigned line);

/* Human-readable report of how the VM ended (the crash report), one or more lines. */
void ik_vm_format_result(const struct ik_vm *vm, const struct ik_vm_result *res, FILE *out);

const char *ik_vm_name(const struct ik_vm *vm);

/* A size as operators write it: "64M", "4096K", "1G", "2097152", optionally "B"/"iB" after
 * the suffix. 0 with *out set, or -EINVAL. */
int ik_parse_size(const char *s, uint64_t *out);

/* The one rule for a driver's memory size (RAM of a VM, heap and stacks of a process): a
 * multiple of 2 MiB from IK_MEM_MIN to IK_MEM_MAX. 0, or -EINVAL with the reason in err. */
int ik_mem_size_check(uint64_t n, char *err, size_t errlen);

/* Address of a symbol in the image's symbol table (0 when absent). For benchmarks and tests. */
uint64_t ik_vm_symbol(const struct ik_vm *vm, const char *name);

#endif /* IKERNEL_MONITOR_H */
