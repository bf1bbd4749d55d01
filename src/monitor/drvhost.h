/* SPDX-License-Identifier: MIT */
/*
 * The driver-host core: what a driver may ask or tell, and what its host says about it, written
 * once for both isolation levels (the Solo5 split: a core plus one small module per tender).
 *
 *   core (drvhost.c, rendezvous.c)   the hypercall table (per call: name, argument size,
 *                                     handler) and its rules: console text and every other line
 *                                     a driver makes us write under one output budget (budget.h),
 *                                     panic and exit reports, node registration (one name rule,
 *                                     include/ikernel/names.h; nothing after READY), READY (once,
 *                                     with the node count; then the rendezvous), channel release;
 *                                     the driver's name, module parameters and recovery spec
 *                                     (checked once), the common boot info, the client welcome,
 *                                     the socket rendezvous, the status records for the
 *                                     supervisor (include/ikernel/status.h: STARTING,
 *                                     ISOLATION, NODE, READY, CRASH, VIOLATION, GONE) and the
 *                                     same said for people in the log ("ready in", the end
 *                                     report, "is gone ...; its name is free").
 *   backends (struct ik_dh_ops)       vm (hypercall.c: KVM, guest memory through ik_vm_gpa) and
 *                                     process (proc.c: requests on a socket, the buffers a call
 *                                     points to carried as payload). They only fetch the
 *                                     driver's bytes, say where it is, end it, and do what
 *                                     differs by nature: the idle wait and the channel table.
 *
 * Locking: `lock` and `cond` are the backend's (struct ik_vm / struct ik_proc): the node table,
 * `ready` and the rendezvous change under it, and `cond` is broadcast when the driver is ready.
 * Hypercalls are served by one thread at a time (the VM's vCPU thread, the monitor-lite's
 * service thread); the output budget has its own lock (device timers write lines too).
 */
#ifndef IKMON_DRVHOST_H
#define IKMON_DRVHOST_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "door.h"
#include "ikernel/abi.h"
#include "ikernel/control.h"
#include "budget.h"
#include "ikernel/status.h"
#include "monitor.h"

struct ik_devset;
struct ik_netif_cfg;
struct ik_netif_relay;

#define IK_DH_SPIN_NS_DEFAULT 50000ull /* the driver's idle spin before it sleeps */
#define IK_DH_HANG_MS_DEFAULT 1000u    /* busy with no pass of its scheduler this long: hung */

struct ik_dh_node {
	char name[IK_NAME_MAX]; /* the host's name (a declaration's `host`, else the driver's) */
	uint32_t node, minor;
	uint32_t uid, gid, mode; /* who may open it (door.c) */
	bool linked; /* nodes/<name> link created by us (rendezvous.c) */
};

/* How a driver ends (ops->end). */
struct ik_dh_end {
	enum ik_vm_end end;
	int64_t exit_code; /* IK_END_EXIT */
	const char *file;  /* IK_END_PANIC: its source file, or NULL */
	uint32_t line;     /* IK_END_PANIC */
	const char *reason; /* one line that names the driver */
};

/* What a channel was when the driver released it (ops->chan_released). */
enum ik_dh_chan { IK_DH_CHAN_FREE = 0, IK_DH_CHAN_OPEN, IK_DH_CHAN_CLOSING };

struct ik_dh_ops {
	/* Copy `len` bytes of the driver's memory at `gpa` (an address the call's arguments gave)
	 * into out: 0, or -EFAULT when they are not readable. A call fetches its buffers in the
	 * order ikernel/proc_abi.h lists for the payload, each once. */
	int (*fetch)(void *be, uint64_t gpa, void *out, uint64_t len);
	/* Hand `len` bytes back to the driver's memory at `gpa` (IK_HC_PIO_STRING's input): 0, or
	 * -EFAULT when they are not writable. The VM writes guest RAM; a process gets them as its
	 * reply's payload. */
	int (*store)(void *be, uint64_t gpa, const void *data, uint64_t len);
	/* A NUL-terminated string of fewer than `max` bytes at gpa into out: its length, or -1. */
	int (*fetch_str)(void *be, uint64_t gpa, char *out, size_t max);
	/* Where the driver is, appended to a violation report (" at RIP 0x... <sym+0x..>"), or "". */
	void (*where)(void *be, char *out, size_t outlen);
	/* End the driver (the first caller wins: true if it was this one). Any thread. */
	bool (*end)(void *be, const struct ik_dh_end *e);
	/* IK_HC_WAIT: fill its OUT fields (the VM sleeps here; a process sleeps by itself and
	 * gets the descriptors of new channels with the reply). 0, or < 0 when ended. */
	int (*wait)(void *be, struct ik_hc_wait *w);
	/* IK_HC_CHAN_RELEASED of chan (< IK_MAX_CHANNELS): what the channel was; a closing one
	 * is freed. */
	enum ik_dh_chan (*chan_released)(void *be, unsigned chan);
	/* READY was accepted and the rendezvous is up (under no lock): start serving. Optional. */
	void (*serving)(void *be);
	/* More lines of the end report after "ikernel: <reason>" (the VM's registers). Optional. */
	void (*report)(void *be, const struct ik_vm_result *res, FILE *out);
};

struct ik_dh_config {
	const char *name;        /* the driver's name, or NULL: from `path` */
	const char *path;        /* its image/executable: the default name is its file name without
				  * the last extension */
	FILE *log;               /* NULL = stderr */
	bool serve;              /* socket and node links once ready */
	const char *runtime_dir; /* NULL = $IKERNEL_RUNTIME_DIR or /run/ikernel */
	const char *params;      /* module parameters, or NULL */
	const char *recovery;    /* the recovery spec for clients (control.h), or NULL */
	const struct ik_budget_cfg *log_budget; /* NULL or rate 0: the default (budget.h) */
	uint64_t t_create_ns;    /* when the backend's create began (ik_mono_ns) */
	const struct ik_node_decl *decls; /* the declared nodes (monitor.h), ndecls <= IK_MAX_NODES */
	size_t ndecls;
	unsigned node_mode;      /* mode of undeclared nodes; 0 = IK_NODE_MODE_DEFAULT */
	enum ik_status_level level; /* the backend's, for the status channel */
	const char *fallback_why;   /* this level is the fallback for no usable KVM: why; or NULL */
	const struct ik_dh_ops *ops;
	void *be;
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	struct ik_devset *devs; /* the granted device models (IK_HC_PIO_STRING), or NULL */
	/* host interfaces (netif_relay.h), at most IK_NETIF_MAX: the core takes their TAP
	 * descriptors (closed on failure too), declares each one's node (0600, the monitor's
	 * user) and relays once the driver is ready. Needs `serve`. */
	const struct ik_netif_cfg *netifs;
	size_t nnetifs;
	/* entries one IK_HC_IO_BATCH or IK_HC_WAIT may carry (ik_bootinfo.io_batch_max):
	 * IK_IO_BATCH_MAX..IK_IO_BATCH_LARGE; 0 = IK_IO_BATCH_MAX */
	uint32_t io_batch_max;
};

struct ik_drvhost {
	char name[IK_NAME_MAX];
	FILE *log;
	bool serve;
	char runtime_dir[4096];
	char params[IK_PARAMS_MAX];
	char recovery[IK_INJECT_SPEC_MAX]; /* "" = none */
	uint64_t t_create_ns, boot_ns;
	const struct ik_dh_ops *ops;
	void *be;
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	struct ik_devset *devs;
	uint32_t io_batch_max; /* IK_IO_BATCH_MAX..IK_IO_BATCH_LARGE (ik_dh_config's) */

	/* the declared nodes (fixed at init) and the client door (door.h: the backend's serving
	 * thread, under *lock in the VM) */
	struct ik_node_decl decls[IK_MAX_NODES];
	unsigned ndecls;
	unsigned node_mode;
	struct ik_door door;

	/* what the driver announced (under *lock) */
	struct ik_dh_node nodes[IK_MAX_NODES];
	unsigned nnodes;
	bool ready;

	/* the rendezvous (rendezvous.c, under *lock) */
	char sock_path[4096];
	bool sock_created;
	dev_t sock_dev;
	ino_t sock_ino; /* to remove only our own socket file */
	int listen_fd;  /* the backend polls it and closes it */

	/* everything the driver makes us write: console, device models, crash report lines */
	struct ik_budget out;

	/* host interfaces: net_device n <-> TAP netif[n] ("" = none), relayed by relays[n] */
	char netif[IK_NETIF_MAX][IK_IFNAME_MAX];
	struct ik_netif_relay *relays[IK_NETIF_MAX];

	/* interrupt lines (irq_lines.c): raised by any thread, fetched by the service thread */
	_Atomic uint64_t irq_pending;    /* raised, for IK_HC_WAIT to fetch (not in the page) */
	_Atomic uint64_t irqs_delivered; /* interrupts delivered: the heartbeat's `irqs` */
	_Atomic uint64_t irq_raises;     /* raises so far (the wait: any since it looked?) */
	_Atomic bool irqs_in_page;       /* the driver asked for ik_events.irqs (sticky) */
};

/* text.c ------------------------------------------------------------------------------------ */

uint64_t ik_mono_ns(void); /* CLOCK_MONOTONIC in ns */
/* Copy src, truncated to fit (always NUL-terminated). */
void ik_copy_str(char *dst, size_t size, const char *src);
/* Copy at most outlen-1 bytes of untrusted text, escaping what is not printable ASCII. */
void ik_sanitize(char *out, size_t outlen, const char *in, size_t inlen);

/* drvhost.c ------------------------------------------------------------------------------- */

/* Check and take the configuration: the name (names.h), the parameters (< IK_PARAMS_MAX), the
 * recovery spec (< IK_INJECT_SPEC_MAX), and, when serving, that no live monitor serves that
 * name already. 0, or -EINVAL / -E2BIG / -EADDRINUSE / -ENAMETOOLONG with a message in err. */
int ik_dh_init(struct ik_drvhost *dh, const struct ik_dh_config *cfg, char *err, size_t errlen);

/* Let go of what ik_dh_init started (the host-interface relays) when the driver never ran or
 * is over; ik_dh_finish does it too. Safe to call twice, and on a failed init. */
void ik_dh_release(struct ik_drvhost *dh);

/* One line in the host's log (the caller writes any "ikernel: " prefix). */
void ik_dh_log(struct ik_drvhost *dh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ik_dh_vlog(struct ik_drvhost *dh, const char *prefix, const char *fmt, va_list ap);

/* The hypercall table: a call's argument size (0: no such call) and name ("?"). */
size_t ik_dh_args_size(unsigned nr);
const char *ik_dh_call_name(unsigned nr);

/* Serve hypercall `nr` with its arguments, already copied out of the driver once (at least
 * ik_dh_args_size(nr) bytes). Returns 0 when served (its OUT fields are in args: the backend
 * hands them back), or -EPERM when the driver is being ended (no answer). */
int ik_dh_hypercall(struct ik_drvhost *dh, unsigned nr, void *args);

/* End the driver for breaking the rules: "driver 'N' violation: hypercall NAME: what<where>"
 * (nr 0: without "hypercall NAME: "). Always -EPERM. */
int ik_dh_violation(struct ik_drvhost *dh, unsigned nr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* End the driver as hung: "driver 'N' hung: what" (a deadline of the host's passed, e.g. the
 * host-interface relay's). Any thread. */
void ik_dh_hung(struct ik_drvhost *dh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An unknown hypercall number. Always -EPERM. */
int ik_dh_unknown(struct ik_drvhost *dh, unsigned nr);

/* A line the driver caused (its console text, a device model's line, its crash report), as
 * ik_dh_log but charged to its output budget (budget.h): dropped and counted past it, with
 * one line of ours when dropping starts, every IK_BUDGET_REPORT_S while it lasts, and when
 * it ends. Any thread. */
void ik_dh_out(struct ik_drvhost *dh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Guest text: one line per '\n', "[name] ", non-printable bytes escaped, each through
 * ik_dh_out (what is charged is what is written: newlines alone cannot amplify). */
void ik_dh_console(struct ik_drvhost *dh, const char *text, size_t len);

/* pio_string.c: IK_HC_PIO_STRING, a string of port accesses as one request (both levels). */
int ik_dh_pio_string(struct ik_drvhost *dh, void *args);
/* pio_batch.c: posted writes then one access as one request (both levels), each write
 * checked as a single access: IK_HC_IO_BATCH (ports and MMIO, then a port access or an MMIO
 * read) and IK_HC_PIO_BATCH (ports only, then a port access). */
int ik_dh_io_batch(struct ik_drvhost *dh, void *args);
int ik_dh_pio_batch(struct ik_drvhost *dh, void *args);
/* pio_batch.c: the posted writes an IK_HC_WAIT carries (IK_FEAT_WAIT_BATCH), fetched once,
 * bounded and served in order exactly as IK_HC_IO_BATCH's, violations named after call nr. */
int ik_dh_posted_writes(struct ik_drvhost *dh, unsigned nr, ik_gpa_t writes, uint32_t count);
/* dma_map.c: IK_HC_DMA_MAP, the driver's DMA mappings for dma=strict devices (both levels). */
int ik_dh_dma_map(struct ik_drvhost *dh, void *args);

/* irq_lines.c: interrupt lines, the same at both levels (IK_FEAT_EVENT_IRQS, docs/ABI.md
 * "Events"). Raise line (< 64; others are ignored): into the event page's `irqs` with
 * IK_ATTN_IRQS once the driver asked for it (ik_dh_irq_to_page), else into irq_pending with
 * IK_ATTN_FETCH; the caller then wakes the driver. Any thread. */
void ik_dh_irq_raise(struct ik_drvhost *dh, struct ik_events *ev, unsigned line);
/* From now on lines go to the event page (IK_WAIT_EVENT_IRQS). Service thread. */
void ik_dh_irq_to_page(struct ik_drvhost *dh);
/* IK_HC_WAIT's lines: irq_pending taken, counted as delivered. Service thread. */
uint64_t ik_dh_irq_fetch(struct ik_drvhost *dh);
/* Lines are waiting in irq_pending (the VM's wait must not sleep). */
bool ik_dh_irq_pending(struct ik_drvhost *dh);
/* Interrupts delivered so far (heartbeat `irqs`, status --json). Any thread. */
uint64_t ik_dh_irqs_delivered(struct ik_drvhost *dh);

/* The boot info both levels give the driver: the backend's layout and clock, the rest the
 * core's (name, parameters, channel geometry, port grants). */
struct ik_dh_boot {
	uint64_t features; /* IK_FEAT_*: what the level offers */
	uint64_t mem_size, heap_start, heap_end, stack_base;
	uint32_t stack_count;
	uint64_t tsc_khz, spin_ns;
	struct ik_devset *devs; /* the granted device models: their port ranges, read shadows */
	/* the event page (both levels share it with the driver): where read shadows are
	 * published; NULL offers none */
	struct ik_events *events;
};
void ik_dh_bootinfo(const struct ik_drvhost *dh, struct ik_bootinfo *bi, const struct ik_dh_boot *b);

/* The welcome a client gets (control.h); under *lock. */
void ik_dh_welcome(const struct ik_drvhost *dh, struct ik_ctl_welcome *w, int status, unsigned chan);

/* The run is over and the driver's name free (socket and links removed): when serving, the
 * end report ("ikernel: <reason>", ops->report's lines through the budget, what the budget
 * dropped in this run), then "ikernel: driver 'N' is gone (status S); its name is free"; and
 * the status records CRASH or VIOLATION, then GONE, which the supervisor's fast replacement
 * waits for. */
void ik_dh_finish(struct ik_drvhost *dh, const struct ik_vm_result *res);
/* "ikernel: <reason>": the first line of every end report. */
void ik_dh_report_line(const struct ik_vm_result *res, FILE *out);
/* The exit status of `ikernel run` for a result: 0 for a stop or exit status 0, else 1. */
int ik_dh_exit_status(const struct ik_vm_result *res);

/* result.c: record how the run ended (reason; exit code of an exit; file and line of a panic)
 * into res. The backend calls it once, for the first end, under its lock. */
void ik_dh_result_record(struct ik_vm_result *res, const struct ik_dh_end *e);

/* hang.c: the hang rule for both levels. One watchdog's memory of the last scheduler pass. */
struct ik_dh_hang {
	uint64_t heartbeat;   /* events->heartbeat at the last pass seen */
	uint64_t cpu_at_pass; /* the driver's CPU time then, ns */
	bool armed;           /* a pass has been seen since the watchdog (re)started */
};
/* One tick: the driver's heartbeat now, whether it sleeps in its idle wait, its CPU time (the
 * vCPU thread's or the process's, ns). True when it used hang_ms of CPU without a pass. */
bool ik_dh_hang_tick(struct ik_dh_hang *h, uint64_t heartbeat, bool asleep, uint64_t cpu_ns,
		     unsigned hang_ms);
/* The end reason of a hang, the same at both levels (a backend may append where it was). */
void ik_dh_hang_reason(const struct ik_drvhost *dh, unsigned hang_ms, char *out, size_t len);

/* rendezvous.c: <runtime dir>/<driver>.sock and the links nodes/<node> -> ../<driver>.sock.
 * A socket a monitor still answers on is never taken over; a stale one is replaced; only our
 * own socket file and links are removed. check_free: at create (nothing else runs yet); listen:
 * under *lock (the core's READY); remove: once the driver ended (the node table is fixed). */
int ik_rdv_check_free(struct ik_drvhost *dh, char *err, size_t errlen);
/* The socket (0666, listening, non-blocking) and a link for every node. */
int ik_rdv_listen(struct ik_drvhost *dh, char *err, size_t errlen);
/* Remove our links and our socket file (not listen_fd: the backend closes it). */
void ik_rdv_remove(struct ik_drvhost *dh);

#endif /* IKMON_DRVHOST_H */
