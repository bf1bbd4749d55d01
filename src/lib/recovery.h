/* SPDX-License-Identifier: MIT */
/*
 * Transparent recovery (shadow-driver style), the host stub's part.
 *
 * A driver's recovery policy comes from its manifest, through the monitor, in a notice right
 * after the welcome (control.h, IK_WELCOME_F_RECOVERY) as one line of text:
 *
 *   policy=transparent|fail-open-files  state=ioctl:CMD,write:last|write:all
 *   idem=read,write,llseek,poll,ioctl:CMD|ioctl:*  timeout=MS  wait=MS
 *
 * Per open file (handle) the stub keeps a record: the node, the open flags (the position is
 * the handle's own) and the state-setting calls: the last argument of each state ioctl, and
 * the last write (write:last) or every byte written (write:all). When the driver VM dies and
 * the policy is transparent, the next call on the handle (or the call in flight) waits for the
 * restarted driver, opens the node again, replays the record and swaps the new file in. It
 * waits at most `wait` ms from when this process first found the driver unreachable (one wait
 * per down episode, shared by all files of the driver: drvstate.h), and not at all when the
 * supervisor says the driver is stopped or failed; then the call fails with -EIO, and so does
 * each later one at once, after one attempt to reach the driver (which recovers the file as
 * soon as the driver is back). The call that saw the death is re-issued when the driver never took it (the
 * dead channel's SQ is the in-flight record: entries past its sq_head were never seen) or when
 * the policy marks it idempotent; otherwise it fails with -EIO and the handle still recovers.
 */
#ifndef IKLIB_RECOVERY_H
#define IKLIB_RECOVERY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IK_REC_MAX_IOCTLS 16u
#define IK_REC_WAIT_DEFAULT_MS 10000u
#define IK_REC_SPEC_MAX 256u

enum ik_rec_writes { IK_REC_WRITES_NONE, IK_REC_WRITES_LAST, IK_REC_WRITES_ALL };

struct ik_recovery_policy {
	bool present;     /* the monitor sent a policy */
	bool transparent; /* else fail-open-files: calls on files of a dead VM fail with -EIO */
	enum ik_rec_writes state_writes;
	uint32_t nstate_ioctls;
	uint32_t state_ioctls[IK_REC_MAX_IOCTLS];
	uint32_t idem_ops; /* bit (1 << enum ik_op) */
	bool idem_all_ioctls;
	uint32_t nidem_ioctls;
	uint32_t idem_ioctls[IK_REC_MAX_IOCTLS];
	uint32_t timeout_ms; /* answer deadline of every request but poll; 0 = none */
	uint32_t wait_ms;    /* how long a client waits for the restarted driver */
};

/* Parse a spec (see above). 0, or -EINVAL with the reason in why. */
int ik_recovery_parse(const char *spec, struct ik_recovery_policy *p, char *why, size_t whylen);

bool ik_recovery_idempotent(const struct ik_recovery_policy *p, uint8_t op, uint32_t cmd);
bool ik_recovery_state_ioctl(const struct ik_recovery_policy *p, uint32_t cmd);

/* ---- per-handle records (recovery.c) --------------------------------------------------- */

struct ik_rec;
struct ik_call;
struct ik_handle_ref;

/* A record for a new handle on node `name` opened with `flags`; NULL when out of memory. */
struct ik_rec *ik_rec_new(const char *name, int flags);
void ik_rec_ref(struct ik_rec *r);
void ik_rec_put(struct ik_rec *r);

/*
 * Run `call` on handle h (ref from ik_handle_get; ref->conn/fh may be replaced by the
 * recovered ones). Records state-setting calls that succeed; recovers the handle when its
 * driver died and the policy is transparent. Returns the call's result.
 */
int64_t ik_rec_call(int h, struct ik_handle_ref *ref, struct ik_call *call);

#endif
