/* SPDX-License-Identifier: MIT */
/* The exit profile (exit_profile.c): IKERNEL_EXIT_PROFILE=1 counts a driver's exits (a VM's)
 * or requests (a process's) by cause and logs them when it ends. Both levels. */
#ifndef IKMON_EXIT_PROFILE_H
#define IKMON_EXIT_PROFILE_H

#include <stdint.h>

#include "drvhost.h"

/* What caused an exit. */
enum ik_exit_kind {
	IK_EXIT_OTHER = 1, /* detail: the KVM exit reason */
	IK_EXIT_HYPERCALL, /* detail: its number */
	IK_EXIT_PORT_READ, /* detail: the port */
	IK_EXIT_PORT_WRITE,
	IK_EXIT_MMIO_READ, /* detail: the guest-physical address */
	IK_EXIT_MMIO_WRITE,
	IK_EXIT_KICK,      /* the vCPU was kicked out of KVM_RUN (a signal) */
};
struct ik_exit_profile;

/* A profile when $IKERNEL_EXIT_PROFILE asks for one (read it before any sandbox), else NULL. */
struct ik_exit_profile *ik_exit_profile_new(void);
/* Count one exit (nothing when p is NULL). One thread. */
void ik_exit_profile_count(struct ik_exit_profile *p, enum ik_exit_kind kind, uint64_t detail);
/* "ikernel: driver 'N' exit profile: T exits: what n, ..." in the driver's log; frees p. */
void ik_exit_profile_report(struct ik_exit_profile *p, struct ik_drvhost *dh);

#endif
