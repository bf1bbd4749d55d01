/* SPDX-License-Identifier: MIT */
/* The guest profile (guest_profile.c): IKERNEL_GUEST_PROFILE=1 samples where a driver VM's vCPU
 * is while it is inside KVM_RUN and logs the call chains by share when the VM ends. */
#ifndef IKMON_GUEST_PROFILE_H
#define IKMON_GUEST_PROFILE_H

struct ik_vm;
struct ik_guest_profile;

/* A profile when $IKERNEL_GUEST_PROFILE asks for one, its sampler thread started (call on the
 * vCPU thread, before the sandbox: it reads the environment and creates a thread), else NULL. */
struct ik_guest_profile *ik_guest_profile_start(struct ik_vm *vm);
/* The vCPU thread, KVM_RUN interrupted by a kick: count where the guest is (p may be NULL). */
void ik_guest_profile_sample(struct ik_guest_profile *p, struct ik_vm *vm);
/* Stop the sampler, log "ikernel: driver 'N' guest profile: ..." and free p (NULL: nothing). */
void ik_guest_profile_report(struct ik_guest_profile *p, struct ik_vm *vm);

#endif
