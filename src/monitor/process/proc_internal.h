/* SPDX-License-Identifier: MIT */
/* Monitor-lite internals shared by proc.c (process, hypercalls) and proc_server.c (clients). */
#ifndef IKMON_PROC_INTERNAL_H
#define IKMON_PROC_INTERNAL_H

#include <pthread.h>
#include <poll.h>
#include <stdatomic.h>

#include "devmodel.h"
#include "drvhost.h"
#include "exit_profile.h"
#include "ikernel/abi.h"
#include "ikernel/proc_abi.h"
#include "proc.h"


struct proc_chan {
	enum { PCH_FREE = 0, PCH_OPEN, PCH_CLOSING } state;
	int client_fd, mem_fd, done_fd;
};

struct ik_proc {
	/* the driver-host core (drvhost.h): name, log, nodes, ready, rendezvous, console limit;
	 * its lock and cond are ours (below) */
	struct ik_drvhost dh;
	pid_t pid;
	int ctl_fd;  /* our end of the driver's request socket */
	int pid_fd;  /* pidfd of the driver process */
	int kick_fd; /* the driver's kick eventfd (clients get it too) */
	int boot_fd; /* memfd: boot info page + event page */
	struct ik_bootinfo *bootinfo;
	struct ik_events *events;
	int wake_fd; /* eventfd: ik_proc_stop() wakes the service thread */
	int notify_fd; /* the listener of the driver's seccomp filter (violations), or -1 */
	bool ctl_eof; /* the driver's end of ctl_fd is closed */
	/* isolation=inproc */
	void (*inproc_main)(int ctl, int kick, int boot);
	pthread_t inproc_thread;
	bool inproc_started;
	int inproc_ctl, inproc_boot; /* the driver thread's descriptors */
	uint64_t mem_size;
	uint8_t *ram; /* our mapping of the driver's RAM (IK_PROC_RAM_BASE there): device DMA only */

	/* device models (proc_devices.c); their timer threads raise interrupts too */
	struct ik_devset devs;

	/* service thread only, except where noted */
	pthread_t thread;
	bool thread_started;
	uint64_t pending_opened, pending_closing;
	struct proc_chan chans[IK_MAX_CHANNELS];
	/* the request being served: the buffers its arguments point to (ops->fetch) */
	const char *req_payload;
	uint32_t req_len, req_off;
	_Atomic uint64_t requests; /* served: the cost figure in the result */
	struct ik_exit_profile *profile; /* IKERNEL_EXIT_PROFILE: requests by cause; NULL */
	/* the reply being built: its payload (ops->store) is filled in place, sent and emptied
	 * with the next reply (here, not on the stack: a 4 KiB frame is probed page by page and
	 * stays resident in every service thread) */
	struct ik_proc_reply rep;
	uint32_t rep_len;
	/* the hang watchdog (service thread): the heartbeat last seen, since when */
	unsigned hang_ms;
	struct ik_dh_hang wd;

	/* shared with API callers, under lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool ended;
	uint64_t inject_rng; /* fault injection's (inject_spec.h), service thread */
	atomic_bool stop_requested;
	struct ik_vm_result result;
};

void ik_proc_log(struct ik_proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* End the driver (first caller wins): record the result, kill the process. */
void ik_proc_end(struct ik_proc *p, enum ik_vm_end end, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ik_proc_create's first half: the state, the driver-host core, the boot and event pages and
 * the device models, but no driver process and no service thread (the fuzz target serves
 * requests itself). Undone by ik_proc_destroy. */
int ik_proc_prepare(const struct ik_proc_config *cfg, struct ik_proc **out, char *err,
		    size_t errlen);
/* Serve one request of n bytes as received from the driver (hostile: header, version and
 * every field checked; a bad one ends the driver). Service thread; the fuzz target too. */
struct ik_proc_msg;
void ik_proc_serve_msg(struct ik_proc *p, const struct ik_proc_msg *m, size_t n);

/* proc_devices.c: the granted device models, the monitor-lite as their host. */
int ik_proc_devices_init(struct ik_proc *p, const char *const *specs, size_t n, char *err,
			 size_t errlen);
void ik_proc_devices_destroy(struct ik_proc *p);
/* Serve an IK_PROC_HC_PIO request in place (a read's value into io->value): 0 to reply, or
 * -EPERM when the request broke the rules and the driver is being ended (no reply). */
struct ik_proc_pio;
int ik_proc_pio(struct ik_proc *p, struct ik_proc_pio *io);
/* The same for an IK_PROC_HC_MMIO request (a read's value into io->value). */
struct ik_proc_mmio;
int ik_proc_mmio(struct ik_proc *p, struct ik_proc_mmio *io);

/* proc_server.c: `attention` (IK_ATTN_FETCH) in the event page, then the kick (it may sleep
 * in ppoll). Any thread. */
void ik_proc_wake_driver(struct ik_proc *p);
/* The kick alone (an interrupt line: irq_lines.c set `attention`). Any thread. */
void ik_proc_kick_driver(struct ik_proc *p);

/* proc_server.c (service thread) */
/* The driver's name is free: our socket file and links removed (the core's rendezvous). */
void ik_proc_unlisten(struct ik_proc *p);
/* Add the server's fds to a poll set; returns how many were added. */
unsigned ik_proc_server_pollfds(struct ik_proc *p, struct pollfd *fds, unsigned max);
void ik_proc_server_events(struct ik_proc *p, const struct pollfd *fds, unsigned n);
/* IK_HC_CHAN_RELEASED of ch (< IK_MAX_CHANNELS): what it was; a closing one is freed. */
enum ik_dh_chan ik_proc_chan_released(struct ik_proc *p, unsigned ch);
void ik_proc_notify_dead(struct ik_proc *p);
void ik_proc_server_close(struct ik_proc *p);

#endif
