/* SPDX-License-Identifier: MIT */
/*
 * The supervisor (`ikernel up`): one monitor child process per driver VM, restart policy,
 * logs, the control socket and the FUSE device files. Internal header of src/super.
 *
 * Threads: the main thread runs the event loop (signals, children, their output, the control
 * socket, timers) and alone changes driver state; the FUSE workers read the state (to open a
 * device file) and bump the call counters. `lock` guards the state, `changed` is broadcast on
 * every state change.
 */
#ifndef IKSUPER_SUPER_H
#define IKSUPER_SUPER_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <stdio.h>

#include "heartbeat.h"
#include "ikernel/status.h"
#include "logbuf.h"
#include "manifest.h"

#define SUPER_MAX_DRIVERS 32

enum drv_state {
	DRV_STOPPED,  /* not running, by request or clean exit with restart=never/on-failure */
	DRV_STARTING, /* monitor started, driver not ready yet */
	DRV_RUNNING,  /* ready: its socket and node links are there */
	DRV_STOPPING, /* SIGTERM sent, waiting for the monitor to exit */
	DRV_BACKOFF,  /* ended; restarts at restart_at_ns */
	DRV_CRASHED,  /* ended with a failure; restart=never */
	DRV_FAILED,   /* gave up: restart_limit consecutive failures (or cannot run here) */
	DRV_STALLED,  /* was running; its monitor stopped making progress (heartbeat.h): killed
			 and handled by the restart policy after super.stall_kill_ms */
};

/* What this run's monitor said on its status channel (records checked by monitor_status.c;
 * driver_status.c applies them). */
struct drv_status {
	bool starting, ready, ended; /* STARTING, READY, END received */
	unsigned nnodes;             /* NODE records before READY */
	char nodes[IK_MAX_NODES][IK_NAME_MAX];
	char report[IK_STATUS_TEXT_MAX];      /* CRASH or VIOLATION: the summary ("" none) */
	char gone_reason[IK_STATUS_TEXT_MAX]; /* GONE: how the driver ended */
	char end_reason[IK_STATUS_TEXT_MAX];  /* END: how the run ended (why it never started) */
	unsigned refused;            /* records refused (logged up to a few) */
};

struct drv {
	struct ik_manifest m;
	int index;
	enum drv_state state;
	pid_t pid;                 /* the monitor, 0 when none */
	int out_fd;                /* the monitor's stdout+stderr, -1 when none */
	int st_fd;                 /* its status channel (include/ikernel/status.h), -1: none */
	struct drv_status st;      /* ...and what it said there this run */
	uint64_t started_ns;       /* this run's start */
	uint64_t ready_ns;         /* this run became ready (0: not yet) */
	uint64_t restart_at_ns;    /* DRV_BACKOFF */
	uint64_t kill_at_ns;       /* DRV_STOPPING: SIGKILL after this */
	unsigned restarts;         /* monitors started after the first */
	unsigned ready_runs;       /* runs that became ready (published: drivers.state) */
	unsigned consecutive_failures;
	bool want_stopped;         /* by `ikernel stop` or shutdown: no automatic restart */
	bool restart_after_stop;   /* `ikernel restart` on a running driver */
	bool not_ready_warned;
	int gone_status;           /* >= 0: the monitor said (GONE) its driver is over and its
				      name free: its exit status to be */
	enum ikm_isolation isolation; /* of this run: the manifest's, or process after a fallback */
	bool fallback_noted;       /* the KVM fallback was said in this driver's log */
	unsigned runs;             /* monitors started: numbers the runs' start/end markers */
	const char *start_cause;   /* of the next start: "up", "ikernel start", "restart policy"... */
	struct ik_heartbeat *hb;   /* this run's liveness page (heartbeat.h), NULL: none */
	uint64_t stalled_at_ns;    /* when it went DRV_STALLED */
	uint64_t hb_busy_seen;     /* the busy_since_ns read last, */
	uint64_t hb_busy_beats;    /* ...first read at this beat (the same at a later one: busy) */
	bool stall_killed;         /* this run was killed as stalled */
	bool not_ready_killed;     /* ...as not ready in time */
	char stall_why[200];
	char last_crash[600];      /* why the last failed run ended ("" if none) */
	uint64_t calls, errors;    /* atomic: device-file calls forwarded, and those that failed */
	struct logbuf log;
	int tap_fd[IK_NETIF_MAX];  /* the host interfaces (m.netdev), held across restarts; -1 */
};

struct super {
	char runtime_dir[PATH_MAX - 256]; /* room for what we put under it */
	char dev_dir[PATH_MAX];
	char log_dir[PATH_MAX];
	char exe[PATH_MAX];        /* this binary: monitors are `EXE run ...` */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned ndrivers;
	struct drv drivers[SUPER_MAX_DRIVERS];
	uint64_t started_ns;
	bool shutting_down;
	/* The environment, probed once at start (check.c): drivers fall back without KVM. */
	bool kvm_probed, kvm_usable;
	char kvm_why[300];
	unsigned stall_show_ms;    /* no heartbeat this long: status says stalled */
	unsigned stall_kill_ms;    /* ...this long: killed, the restart policy applies (0: never) */
};

extern struct super super;

uint64_t super_now_ns(void);
/* The supervisor's own messages: stderr, prefixed and timestamped; under systemd with the
 * syslog priority prefix "<P>" instead (logbuf.h). super_msg is LOGBUF_INFO. */
void super_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void super_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line in a driver's log from the supervisor itself ("[super] ..."). */
void drv_note(struct drv *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void drv_note_prio(struct drv *d, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* After a driver's state changed (the main thread): systemd's STATUS= (notify.c). */
void super_state_changed(void);

const char *drv_state_name(enum drv_state s);
struct drv *super_find(const char *name);

/* driver.c: lifecycle, all on the main thread. */
int drv_start(struct drv *d);
void drv_request_stop(struct drv *d, bool restart_after);
void drv_request_start(struct drv *d);
void drv_reap_children(void);
/* The monitor's output (its log lines), then its status records: what poll() said is ready. */
void drv_read_output(struct drv *d);
/* A record said the driver is ready (READY): running from now on. */
void drv_became_ready(struct drv *d, uint64_t now);
/* A record said the driver is over and its name free (GONE): end the run now. */
void drv_end_early(struct drv *d);

/* driver_status.c: the status channel of a run (include/ikernel/status.h). */
/* A fresh channel for a run: the supervisor's end (d->st_fd) and the monitor's (returned,
 * close-on-exec, >= 5 so that it never lands on 0-4 before its dup2), or -errno. */
int drv_status_open(struct drv *d);
/* Read and apply what the monitor sent (a bounded number of records per call). */
void drv_read_status(struct drv *d);
void drv_status_close(struct drv *d);
/* Why this run ended, as the monitor said it (CRASH/VIOLATION, GONE, END), or NULL. */
const char *drv_status_reason(const struct drv *d);
/* Monitors whose VM is gone, replaced already, still tearing down (reaped when they exit). */
bool drv_any_lingering(void);
/* Shutting down: they only tear down a VM that is over, so SIGKILL cannot lose anything. */
void drv_kill_lingering(void);
/* Timers: readiness, backoff restarts, stop deadlines. Returns ms until the next one (-1). */
int drv_tick(void);
/* Wait (FUSE thread) until d is running or clearly not coming: true when running. */
bool drv_wait_running(struct drv *d, int timeout_ms);
void drv_count_call(struct drv *d, long result);

/* status.c */
int status_write(int fd, bool json);

/* control.c */
int control_open(char *err, size_t errlen);
int control_fd(void);
void control_accept(void);
void control_close(void);
/* Reply to a pending `down` request once everything is stopped. */
void control_finish_down(void);

/* fuse_front.c */
int fuse_front_start(char *err, size_t errlen);
/* The same front end serving only d's nodes on `dir`, for a driver run outside the supervisor
 * (`ikernel bench`'s device-file rows: the caller keeps d->state DRV_RUNNING and points
 * libikernel at the driver with $IKERNEL_RUNTIME_DIR). One front end at a time. */
int fuse_front_start_one(struct drv *d, const char *dir, char *err, size_t errlen);
void fuse_front_stop(void);
bool fuse_front_running(void);
/* Device files opened and not released yet (the kernel releases a closed file asynchronously). */
unsigned fuse_front_open_files(void);

/* rtdir.c */
int rtdir_prepare(char *err, size_t errlen);
void rtdir_cleanup(void);
int rtdir_clean_stale_mount(const char *path);
void rtdir_remove_driver_links(const struct drv *d);
/* The running supervisor's pid from $RUNTIME/supervisor.pid, or "?" (for messages). */
void rtdir_supervisor_pid(char *pid, size_t len);
/* Publish every driver's state in drivers.state for libikernel (src/lib/drvstate.h): after
 * every change, on the main thread. */
void rtdir_publish_state(void);

/* super.c: ask the main loop to stop everything (from the control socket). */
void super_request_shutdown(void);

/* check.c: what would keep a driver from running, found before it starts. */
/* Probe KVM once (with a VM created: present-but-unusable counts), if any driver wants it. */
void check_kvm(void);
/* IMAGE.proc for IMAGE (the process build). true when it is there and executable. */
bool check_proc_build(const char *image, char *out, size_t len);
/* What stops d from running now (a backing file's directory missing, no KVM and no process
 * build): false with the reason. */
bool check_driver(const struct drv *d, char *why, size_t len);
/* Every problem with the loaded drivers and this machine, one line each to `out` (prefixed
 * `prefix`), for `up --check`; set_errors counts the ones that make a manifest set invalid
 * (names, nodes, ports and IRQ lines granted twice: `up` refuses those through ikm_check_set).
 * Returns the number of problems. */
unsigned check_report(FILE *out, const char *prefix, unsigned *set_errors);

/* notify.c: systemd's readiness protocol (sd_notify(3), by hand). */
void notify_init(void);          /* takes $NOTIFY_SOCKET (and unsets it) */
bool notify_enabled(void);
void notify_send(const char *text); /* "READY=1\nSTATUS=...": one datagram */

#endif
