/* SPDX-License-Identifier: MIT */
/* KVM's own per-vCPU counters (kvm_stats.c) for the exit profile: exits KVM handled in the
 * kernel as well as those that reached the monitor. */
#ifndef IKMON_KVM_STATS_H
#define IKMON_KVM_STATS_H

#include <stddef.h>

/* The vCPU's stats file descriptor (KVM_GET_STATS_FD; before the sandbox), or -errno. */
int ik_kvm_stats_open(int vcpu_fd);
/* "exits N, io_exits N, ..." (the nonzero counters worth naming) into out; 0 or -errno. */
int ik_kvm_stats_describe(int stats_fd, char *out, size_t len);

#endif
