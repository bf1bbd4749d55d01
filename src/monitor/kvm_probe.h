/* SPDX-License-Identifier: MIT */
/*
 * Is KVM usable here? One answer for `ikernel run` (its fallback to isolation=process), the VM
 * monitor (which device it opens) and `ikernel up` (its per-driver fallback and `up --check`).
 * $IKERNEL_KVM_DEVICE names another device than /dev/kvm: a test hook to simulate a machine
 * without KVM (e.g. /nonexistent: absent; /dev/null: opens, but is not a KVM device).
 */
#ifndef IKMON_KVM_PROBE_H
#define IKMON_KVM_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#define IK_KVM_DEVICE_ENV "IKERNEL_KVM_DEVICE"

/* $IKERNEL_KVM_DEVICE, or "/dev/kvm". */
const char *ik_kvm_device(void);

/* 0 when the device opens read-write and answers KVM_GET_API_VERSION with KVM_API_VERSION (and,
 * with create_vm, KVM_CREATE_VM works: KVM present but unusable, e.g. nested without VMX, fails
 * there); else -errno and why ("/dev/kvm: Permission denied", "/dev/null is not a KVM device
 * (KVM_GET_API_VERSION: Inappropriate ioctl for device)", ...). */
int ik_kvm_probe(bool create_vm, char *why, size_t whylen);

#endif
