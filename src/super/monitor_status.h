/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's check of a monitor's status records (include/ikernel/status.h). A monitor
 * serves a hostile driver and may be compromised: a packet is a record only if every field is
 * what the header says it may be. Pure functions (fuzz/fuzz_status.c, tests/unit).
 */
#ifndef IKSUPER_MONITOR_STATUS_H
#define IKSUPER_MONITOR_STATUS_H

#include <stddef.h>

#include "ikernel/status.h"

/* Check the `len` bytes of one packet and copy them to *out: 0, or -EINVAL / -EMSGSIZE with
 * why (one line, naming the field) when it is not a valid record. */
int mst_parse(const void *buf, size_t len, struct ik_status_rec *out, char *why, size_t whylen);

/* "STARTING", ...; "?" for an unknown kind. */
const char *mst_kind_name(unsigned kind);
/* "exit", "panic", "crash", "hang", "violation", "stopped", "not-started"; "?" otherwise. */
const char *mst_cause_name(unsigned cause);

#endif
