/* SPDX-License-Identifier: MIT */
/*
 * Host-only: the status channel from a monitor (`ikernel run`, either isolation level) to the
 * supervisor (`ikernel up`). Fixed binary records instead of log text: the supervisor learns a
 * run's state, readiness, end and the reason it shows in `ikernel status` from these alone;
 * the log lines say the same for people and are never parsed.
 *
 * Transport: the supervisor creates an AF_UNIX SOCK_SEQPACKET socketpair per run and hands one
 * end to the monitor as descriptor IK_STATUS_FD, named by $IKERNEL_STATUS_FD (as the liveness
 * page is descriptor 3, $IKERNEL_HEARTBEAT_FD). One record is one packet of exactly
 * sizeof(struct ik_status_rec) bytes; the monitor never blocks on it (MSG_DONTWAIT) and a
 * supervisor that went away costs it nothing (MSG_NOSIGNAL). A fresh pair per run: a monitor
 * still tearing down after its replacement started can never speak for the new run.
 *
 * A run says, in this order (docs/ARCHITECTURE.md, "Status channel"):
 *   STARTING   once the driver's name is checked: its name, the level, the monitor's pid
 *   ISOLATION  the level it runs at, and whether that is a fallback (no usable KVM) and why
 *   NODE       one per device node the driver announced, just before READY
 *   READY      the socket and node links exist: the time from create to ready, node count
 *   CRASH      the driver crashed, panicked or hung: the one-line summary that names it
 *   VIOLATION  the driver broke the rules and was ended: the reason
 *   GONE       the driver is over (how, and the exit status to be) and (name_free) its
 *              socket and links are removed: a replacement may start now, before this
 *              monitor's slower tear-down
 *   END        the monitor is about to exit: how the run ended, the exit status, the reason
 *              (also for a run that never started: a bad image, no process build, ...)
 * A monitor that fails before it is able to send anything sends nothing; the supervisor then
 * goes by the exit status.
 *
 * The monitor serves a hostile driver and may itself be compromised: the supervisor checks
 * every record (size, magic, version, kind, every field's range, strings NUL-terminated in
 * their field and printable ASCII, everything after a string's NUL and every reserved field
 * zero, names valid) and ignores one that fails, saying so; what a valid record can claim is
 * bounded (a state, a number, a line of text).
 *
 * Versioning (docs/ABI.md): IK_STATUS_VERSION changes on any incompatible change of a record;
 * a new field takes a reserved one (sent as 0, checked to be 0 until it means something).
 */
#ifndef IKERNEL_STATUS_H
#define IKERNEL_STATUS_H

#include <stdint.h>

#include "abi.h"

#define IK_STATUS_MAGIC    0x5453544bu /* "KTST" */
#define IK_STATUS_VERSION  1u
#define IK_STATUS_ENV      "IKERNEL_STATUS_FD"
#define IK_STATUS_FD       4           /* the supervisor's choice (3: the liveness page) */
#define IK_STATUS_TEXT_MAX 512u        /* a reason or summary with its NUL */

enum ik_status_kind {
	IK_STATUS_STARTING = 1,
	IK_STATUS_ISOLATION = 2,
	IK_STATUS_NODE = 3,
	IK_STATUS_READY = 4,
	IK_STATUS_CRASH = 5,
	IK_STATUS_VIOLATION = 6,
	IK_STATUS_GONE = 7,
	IK_STATUS_END = 8,
	IK_STATUS__COUNT
};

enum ik_status_level {
	IK_STATUS_LEVEL_VM = 1,      /* a KVM virtual machine */
	IK_STATUS_LEVEL_PROCESS = 2, /* a jailed process: weaker */
	IK_STATUS_LEVEL_INPROC = 3,  /* linked into the caller: no isolation (the bench only) */
};

/* How a driver's run ended. */
enum ik_status_cause {
	IK_STATUS_CAUSE_NONE = 0,        /* still running (not in a valid GONE or END) */
	IK_STATUS_CAUSE_EXIT = 1,        /* the driver exited (its status is the monitor's) */
	IK_STATUS_CAUSE_PANIC = 2,       /* panic(), BUG(), a failed assertion */
	IK_STATUS_CAUSE_CRASH = 3,       /* a CPU exception, a signal, KVM refusing the VM */
	IK_STATUS_CAUSE_HANG = 4,        /* no progress within the deadline */
	IK_STATUS_CAUSE_VIOLATION = 5,   /* broke the rules (hypercall, port, ring ABI, syscall) */
	IK_STATUS_CAUSE_STOPPED = 6,     /* stopped on request (SIGTERM/SIGINT) */
	IK_STATUS_CAUSE_NOT_STARTED = 7, /* END only: the driver never ran (the reason says why) */
	IK_STATUS_CAUSE__COUNT
};

struct ik_status_hdr {
	uint32_t magic;    /* IK_STATUS_MAGIC */
	uint16_t version;  /* IK_STATUS_VERSION */
	uint16_t kind;     /* enum ik_status_kind */
	uint32_t size;     /* sizeof(struct ik_status_rec): every record has this size */
	uint32_t reserved; /* 0 */
	uint64_t mono_ns;  /* CLOCK_MONOTONIC when sent (not trusted: for the log only) */
};

struct ik_status_starting {
	int32_t pid;              /* the monitor's: the process the supervisor started */
	uint32_t level;           /* enum ik_status_level */
	char name[IK_NAME_MAX];   /* the driver's, NUL-terminated, include/ikernel/names.h */
	uint32_t reserved[4];
};

struct ik_status_isolation {
	uint32_t level;                 /* enum ik_status_level */
	uint32_t fallback;              /* 1: process because KVM is not usable here (only then) */
	char why[IK_STATUS_TEXT_MAX];   /* fallback: why KVM is not usable; else "" */
};

struct ik_status_node {
	char name[IK_NAME_MAX]; /* NUL-terminated, include/ikernel/names.h */
	uint32_t node;          /* the driver's node id, < IK_MAX_NODES */
	uint32_t minor;
	uint32_t reserved[2];
};

struct ik_status_ready {
	uint64_t boot_ns; /* from the monitor's create to READY */
	uint32_t nodes;   /* NODE records sent before this one, <= IK_MAX_NODES */
	uint32_t reserved;
};

/* CRASH (cause PANIC, CRASH or HANG) and VIOLATION (cause VIOLATION). */
struct ik_status_report {
	uint32_t cause;                /* enum ik_status_cause */
	uint32_t reserved;
	char text[IK_STATUS_TEXT_MAX]; /* one line that names the driver, NUL-terminated */
};

struct ik_status_gone {
	uint32_t cause;                  /* enum ik_status_cause, not NONE or NOT_STARTED */
	int32_t status;                  /* the monitor's exit status to be, 0..255 */
	uint32_t name_free;              /* 1: its socket and node links are removed */
	uint32_t reserved;
	char reason[IK_STATUS_TEXT_MAX]; /* how it ended, one line that names the driver */
};

struct ik_status_end {
	uint32_t cause;                  /* enum ik_status_cause, not NONE */
	int32_t status;                  /* the monitor's exit status, 0..255 */
	char reason[IK_STATUS_TEXT_MAX]; /* how it ended, one line; "" for a clean stop */
};

#define IK_STATUS_BODY_SIZE 552u

struct ik_status_rec {
	struct ik_status_hdr hdr;
	union {
		struct ik_status_starting starting;
		struct ik_status_isolation isolation;
		struct ik_status_node node;
		struct ik_status_ready ready;
		struct ik_status_report report; /* CRASH, VIOLATION */
		struct ik_status_gone gone;
		struct ik_status_end end;
		uint8_t raw[IK_STATUS_BODY_SIZE]; /* bytes past a kind's struct: 0 */
	} u;
};

_Static_assert(sizeof(struct ik_status_hdr) == 24, "status header");
_Static_assert(sizeof(struct ik_status_starting) == 8 + IK_NAME_MAX + 16, "status starting");
_Static_assert(sizeof(struct ik_status_isolation) == 8 + IK_STATUS_TEXT_MAX, "status isolation");
_Static_assert(sizeof(struct ik_status_node) == IK_NAME_MAX + 16, "status node");
_Static_assert(sizeof(struct ik_status_ready) == 16, "status ready");
_Static_assert(sizeof(struct ik_status_report) == 8 + IK_STATUS_TEXT_MAX, "status report");
_Static_assert(sizeof(struct ik_status_gone) == 16 + IK_STATUS_TEXT_MAX, "status gone");
_Static_assert(sizeof(struct ik_status_end) == 8 + IK_STATUS_TEXT_MAX, "status end");
_Static_assert(sizeof(struct ik_status_rec) == 576, "status record");
_Static_assert(sizeof(struct ik_status_rec) <= 4096, "one record fits a packet");

#endif /* IKERNEL_STATUS_H */
