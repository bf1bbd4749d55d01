/* SPDX-License-Identifier: MIT */
/*
 * The monitor-lite of the `process` isolation level: runs a driver built as a Linux process
 * (build/drivers/<name>.proc, guest/runtime/platform_proc.c) instead of a driver VM. Same
 * client socket, handshake and channel rings as the VM monitor, so libikernel cannot tell the
 * difference; the driver process is jailed by us before its exec, whatever the executable does
 * (no privileges, its own unprivileged uid when we are root, a seccomp filter whose violations
 * we report, no files) but shares the host kernel: WEAKER isolation than a VM.
 * Also the fallback on machines without /dev/kvm. Device models are the VM monitor's own
 * (devmodel.h), granted the same way: port accesses outside the grants end the driver with a
 * report naming the port, interrupts reach it as in the VM.
 * Functions return 0 or -errno.
 */
#ifndef IKERNEL_MONITOR_PROC_H
#define IKERNEL_MONITOR_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "monitor.h" /* struct ik_vm_result, enum ik_vm_end */

struct ik_proc;

struct ik_netif_cfg;

struct ik_proc_config {
	const char *exe_path;    /* the driver executable (<name>.proc) */
	const char *name;        /* driver name; default: file name without extension */
	uint64_t mem_size;       /* heap + stacks; 0 = IK_MEM_DEFAULT */
	const char *params;      /* module parameters, or NULL */
	const char *runtime_dir; /* NULL = $IKERNEL_RUNTIME_DIR or /run/ikernel */
	bool serve;              /* socket and node links once ready */
	uint64_t spin_ns;        /* idle spin before sleeping; (uint64_t)-1 = default */
	FILE *log;               /* NULL = stderr */
	int cpu;                 /* pin the driver process to this CPU; -1 = no pinning */
	unsigned hang_ms;        /* busy with no scheduler progress this long = hung; 0 = 1000 */
	const char *recovery;    /* recovery spec sent to every client (control.h), or NULL */
	const struct ik_node_decl *nodes; /* as struct ik_vm_config */
	size_t nnodes;
	unsigned node_mode;
	/* host interfaces (netif_relay.h): the monitor-lite takes the TAP descriptors */
	const struct ik_netif_cfg *netifs;
	size_t nnetifs;
	/* isolation=inproc: instead of starting exe_path, run this entry of a driver linked into
	 * the caller (src/inproc) on a thread of ours: no isolation at all, the baseline. One at
	 * a time per process (the runtime's state is global). */
	void (*inproc_main)(int ctl, int kick, int boot);
	/* device models granted: "MODEL[@PORT][,KEY=VALUE...]", as struct ik_vm_config */
	const char *const *devices;
	size_t ndevices;
	struct ik_budget_cfg log_budget; /* as struct ik_vm_config */
	/* this level is the fallback for no usable KVM: why (the status channel says so), or NULL */
	const char *fallback_why;
};

/* Start the driver process and the service thread. */
int ik_proc_create(const struct ik_proc_config *cfg, struct ik_proc **out, char *err, size_t errlen);
int ik_proc_wait_ready(struct ik_proc *p, int timeout_ms);
uint64_t ik_proc_boot_ns(const struct ik_proc *p);
pid_t ik_proc_pid(const struct ik_proc *p);
/* Block until the driver has ended; fills *res. */
int ik_proc_wait(struct ik_proc *p, struct ik_vm_result *res);
void ik_proc_stop(struct ik_proc *p);
/* Stop (if running), notify clients, remove the socket and links, free. */
void ik_proc_destroy(struct ik_proc *p);

/* The label every status line and log line of this level carries. */
#define IK_PROC_ISOLATION_LABEL "isolation=process (WEAKER than a VM: shares the host kernel)"
#define IK_INPROC_ISOLATION_LABEL "isolation=inproc (NO isolation: the driver runs in the caller)"

#endif
