/* SPDX-License-Identifier: MIT */
/*
 * Host-only: the connection protocol between a client (libikernel) and a monitor.
 *
 * Rendezvous: the monitor of driver D listens on the SOCK_SEQPACKET socket
 *   $IKERNEL_RUNTIME_DIR/D.sock
 * and, for every device node N the driver registered, creates the symlink
 *   $IKERNEL_RUNTIME_DIR/nodes/N -> ../D.sock
 * (IKERNEL_RUNTIME_DIR defaults to /run/ikernel). Both appear only once the driver is ready.
 *
 * Handshake (one message each way; the socket stays open for the client's lifetime):
 *   client  -> monitor: struct ik_ctl_hello
 *   monitor -> client : struct ik_ctl_welcome, with SCM_RIGHTS carrying, in this order,
 *                       [0] the channel memfd (geometry.size bytes, map MAP_SHARED),
 *                       [1] the VM's kick eventfd (write 1 to wake a sleeping guest),
 *                       [2] the channel's done eventfd (the guest's doorbell signals it).
 * Afterwards the data path is shared memory only; the socket carries notices:
 *   monitor -> client : struct ik_ctl_notice (IK_NOTICE_DEAD: the driver VM has ended)
 *   client  -> monitor: struct ik_ctl_notice (IK_NOTICE_VIOLATION: the guest broke the ring ABI;
 *                       the monitor ends the VM when the client's user is privileged, else
 *                       closes only that channel; it logs the report either way)
 * A hello must arrive within 1 s of the connect; per-user shares apply (src/monitor/door.h).
 * Closing the socket detaches the client: the guest releases that channel's files.
 */
#ifndef IKERNEL_CONTROL_H
#define IKERNEL_CONTROL_H

#include <stdint.h>

#include "abi.h"

#define IK_RUNTIME_DIR_DEFAULT "/run/ikernel"
#define IK_RUNTIME_DIR_ENV     "IKERNEL_RUNTIME_DIR"

#define IK_CTL_MAGIC 0x4c54434bu /* "KCTL" */

struct ik_ctl_hello {
	uint32_t magic;       /* IK_CTL_MAGIC */
	uint32_t abi_version; /* IK_ABI_VERSION */
	uint32_t reserved[2];
};

struct ik_ctl_node {
	char name[IK_NAME_MAX]; /* NUL-terminated */
	uint32_t node;          /* node id to put in ik_sqe.node */
	uint32_t minor;
};

struct ik_ctl_welcome {
	uint32_t magic;       /* IK_CTL_MAGIC */
	int32_t status;       /* 0, or -errno (then no fds are attached) */
	uint32_t abi_version; /* IK_ABI_VERSION */
	uint32_t chan;        /* channel index, < IK_MAX_CHANNELS */
	struct ik_chan_geometry geometry;
	char driver[IK_NAME_MAX];
	uint32_t node_count;  /* <= IK_MAX_NODES */
	uint32_t flags;       /* IK_WELCOME_F_* (was reserved: an old monitor sends 0) */
	struct ik_ctl_node nodes[IK_MAX_NODES];
};

/* The welcome is followed by an IK_NOTICE_RECOVERY notice carrying the driver's recovery
 * policy (docs/ikernel.1.md, RECOVERY); a client that does not know the flag ignores both. */
#define IK_WELCOME_F_RECOVERY 1u

/*
 * Fault injection (docs/RELIABILITY.md): instead of a hello, a privileged client (root or the
 * monitor's own user, checked with SO_PEERCRED) may send this one message; hello.reserved[0]
 * is IK_HELLO_INJECT. The monitor answers with one IK_NOTICE_INJECTED notice and closes the
 * connection; the reason starts with "ok: " (done), "error: " (the request is wrong: a class,
 * symbol or value the monitor does not take) or "refused: " (the driver is not running, or
 * the caller may not inject). No channel is involved.
 */
#define IK_HELLO_INJECT 0x4a4e4955u /* "UINJ" */
#define IK_INJECT_SPEC_MAX 256u

struct ik_ctl_inject {
	struct ik_ctl_hello hello; /* reserved[0] = IK_HELLO_INJECT */
	char spec[IK_INJECT_SPEC_MAX]; /* "CLASS [at=ADDR|SYM[+OFF]] [len=N] [bit=B] [seed=N]" */
};

enum ik_notice_kind {
	IK_NOTICE_DEAD = 1,      /* monitor -> client */
	IK_NOTICE_VIOLATION = 2, /* client -> monitor */
	IK_NOTICE_RECOVERY = 3,  /* monitor -> client, right after a welcome with
				  * IK_WELCOME_F_RECOVERY: reason = the recovery spec */
	IK_NOTICE_INJECTED = 4,  /* monitor -> injecting client: reason = the outcome */
};

struct ik_ctl_notice {
	uint32_t magic; /* IK_CTL_MAGIC */
	uint32_t kind;  /* enum ik_notice_kind */
	char reason[256];
};

#endif /* IKERNEL_CONTROL_H */
