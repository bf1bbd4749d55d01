/* SPDX-License-Identifier: MIT */
/*
 * The monitor's side of the status channel (include/ikernel/status.h): typed records for the
 * supervisor. The driver-host core (drvhost.c) sends what it knows of the driver, for both
 * isolation levels; `ikernel run` sends END. Without $IKERNEL_STATUS_FD (a monitor run by
 * hand, the bench) every call is a no-op. Any thread; never blocks.
 */
#ifndef IKMON_STATUS_SEND_H
#define IKMON_STATUS_SEND_H

#include <stdbool.h>
#include <stdint.h>

#include "ikernel/status.h"
#include "monitor.h"

/* In `ikernel run`, before anything else (the sandbox closes inherited descriptors): take the
 * socket named by $IKERNEL_STATUS_FD, if it is one (close-on-exec from now on: a driver
 * process never inherits it), and unset the variable. */
void ik_status_attach(void);
/* Whether a channel is attached (tests). */
bool ik_status_attached(void);

/* The cause a driver's end is reported with. */
enum ik_status_cause ik_status_cause_of(enum ik_vm_end end);

void ik_status_starting(const char *name, enum ik_status_level level);
/* why: the reason KVM is not usable when this level is a fallback, else NULL. */
void ik_status_isolation(enum ik_status_level level, const char *why);
void ik_status_node(const char *name, uint32_t node, uint32_t minor);
void ik_status_ready(uint64_t boot_ns, uint32_t nodes);
/* CRASH or VIOLATION, by the result's end; nothing for an exit or a stop. */
void ik_status_report(const struct ik_vm_result *res);
void ik_status_gone(const struct ik_vm_result *res, int exit_status, bool name_free);
/* res: how the driver ended, or NULL when it never ran (then reason says why). */
void ik_status_end(const struct ik_vm_result *res, int exit_status, const char *reason);

#endif
