/* SPDX-License-Identifier: MIT */
/* The guest profile (guest_profile.c): IKERNEL_GUEST_PROFILE=1 samples where a driver VM's vCPU
 * is while it is inside KVM_RUN and logs the call chains by share when the VM ends. */
#ifndef IKMON_GUEST_PROFILE_H
#define IKMON_GUEST_PROFILE_H

struct ik_vm;
struct ik_guest_profile;

/* vm->guest_profile, its sampler thread started, when $IKERNEL_GUEST_PROFILE asks for one (call
 * on the vCPU thread, before the sandbox: it reads the environment and creates a thread). */
void ik_guest_profile_start(struct ik_vm *vm);
/* The vCPU thread, KVM_RUN interrupted by a kick: count where the guest is (unprofiled: no-op). */
void ik_guest_profile_sample(struct ik_vm *vm);
/* Stop the sampler, log "ikernel: driver 'N' guest profile: ..." and free the profile. */
void ik_guest_profile_report(struct ik_vm *vm);

#endif
