/* SPDX-License-Identifier: MIT */
/*
 * Whether a driver that is not there is coming back: what the supervisor publishes, and what
 * this process remembers of a driver it found down.
 *
 * The supervisor (`ikernel up`, src/super/rtdir.c) keeps $IKERNEL_RUNTIME_DIR/drivers.state,
 * replaced as a whole (rename) whenever a driver changes state and removed when it ends:
 *
 *   ikernel-drivers 1 PID                  the format version, the supervisor's pid
 *   NAME STATE READY NODE[,NODE...]        one line per driver
 *
 * STATE is the word of `ikernel status` (a driver stopping for `ikernel restart` is published
 * as restarting); READY counts the driver's runs that became ready.
 *
 * libikernel reads it only on a slow path -- a call on a file whose driver died, after the
 * attempt to reach the driver again failed; an ik_open that found no driver -- never on a
 * normal call, and never against a driver it can reach: a stale file cannot fail a live
 * driver. A file of a supervisor that is gone (PID), or one it cannot read, says nothing.
 */
#ifndef IKLIB_DRVSTATE_H
#define IKLIB_DRVSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define IK_DRVSTATE_FILE    "drivers.state"
#define IK_DRVSTATE_MAGIC   "ikernel-drivers"
#define IK_DRVSTATE_VERSION 1

enum ik_drvstate_kind {
	IK_DS_UNKNOWN, /* no supervisor says anything about it */
	IK_DS_UP,      /* starting, running, restarting or stalled: worth waiting for */
	IK_DS_DOWN,    /* stopping, stopped, crashed, failed: not coming back by itself */
};

struct ik_drvstate {
	enum ik_drvstate_kind kind;
	char word[32];       /* the state as published ("failed", ...) */
	uint64_t ready_runs; /* runs that became ready */
};

/* What `text` (a drivers.state file) says about the driver named `name`, or (by_node) the
 * driver serving node `name`. *pid: the supervisor's pid. 0, or -ENOENT (not listed) /
 * -EPROTO (not such a file). Pure: for the unit tests. */
int ik_drvstate_parse(const char *text, const char *name, bool by_node, pid_t *pid,
		      struct ik_drvstate *out);

/* The same from the runtime directory's file, if a live supervisor wrote it; else kind
 * IK_DS_UNKNOWN. */
void ik_drvstate_get(const char *name, bool by_node, struct ik_drvstate *out);

/*
 * Down episodes: when this process first failed to reach the driver at `key` (its resolved
 * socket path) again. Every file of that driver waits for it until `since + wait_ms`, once:
 * a file whose call finds the episode older than that fails at once, so calls that queue
 * behind each other (the kernel serialises writes on one device file) never add their waits
 * up. The episode ends when the driver is reached again (ik_down_clear), or starts afresh
 * when the supervisor says the driver has been ready since (READY changed).
 * Returns the deadline (CLOCK_MONOTONIC ns).
 */
uint64_t ik_down_deadline(const char *key, uint32_t wait_ms, const struct ik_drvstate *st,
			  uint64_t now_ns);
void ik_down_clear(const char *key);

#endif
