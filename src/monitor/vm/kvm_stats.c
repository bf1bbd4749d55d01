/* SPDX-License-Identifier: MIT */
/*
 * KVM's own counters of a vCPU (KVM_GET_STATS_FD), for the exit profile: the exits the
 * monitor sees are only those that reach user space, but each guest page fault KVM fixes,
 * each instruction it emulates, each ioeventfd doorbell and each interrupt that takes the
 * CPU back is an exit too, handled in the kernel, and costs the vCPU time all the same
 * (25-60 us each on a nested host). The stats file is opened before the sandbox (an ioctl
 * the filter does not allow) and read with pread at the end.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "kvm_stats.h"

/* The counters worth naming, in this order; the others are left out. */
static const char *const shown[] = {
    "exits",	      "io_exits",	   "mmio_exits",   "hypercalls",
    "irq_exits",      "halt_exits",	   "signal_exits", "insn_emulation",
    "pf_taken",	      "pf_fixed",	   "pf_guest",	   "pf_emulate",
    "pf_fast",	      "pf_spurious",	   "tlb_flush",	   "host_state_reload",
    "irq_injections", "request_irq_exits", "req_event",
};

int ik_kvm_stats_open(int vcpu_fd)
{
#ifdef KVM_GET_STATS_FD
	int fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);

	return fd < 0 ? -errno : fd;
#else
	(void)vcpu_fd;
	return -ENOTSUP;
#endif
}

#ifdef KVM_GET_STATS_FD
static int shown_index(const char *name)
{
	for (unsigned i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (!strcmp(name, shown[i]))
			return (int)i;
	return -1;
}

/* One descriptor's value (a single 64-bit counter), or false when it is not one. */
static bool read_counter(int fd, const struct kvm_stats_header *h, const struct kvm_stats_desc *d,
			 uint64_t *val)
{
	if (d->size != 1 || (d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE)
		return false;
	return pread(fd, val, sizeof(*val), (off_t)h->data_offset + d->offset) == sizeof(*val);
}
#endif

int ik_kvm_stats_describe(int fd, char *out, size_t len)
{
#ifdef KVM_GET_STATS_FD
	uint64_t val[sizeof(shown) / sizeof(shown[0])] = {0};
	bool have[sizeof(shown) / sizeof(shown[0])] = {false};
	struct kvm_stats_header h;
	size_t dsz, used = 0;
	char *descs;

	if (len == 0)
		return -EINVAL;
	out[0] = '\0';
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h))
		return -EIO;
	if (h.name_size == 0 || h.name_size > 256 || h.num_desc == 0 || h.num_desc > 4096)
		return -EPROTO;
	dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = malloc(dsz * h.num_desc);
	if (!descs)
		return -ENOMEM;
	if (pread(fd, descs, dsz * h.num_desc, h.desc_offset) != (ssize_t)(dsz * h.num_desc)) {
		free(descs);
		return -EIO;
	}
	for (uint32_t i = 0; i < h.num_desc; i++) {
		const struct kvm_stats_desc *d = (const void *)(descs + i * dsz);
		char name[257];
		int k;

		memcpy(name, d->name, h.name_size);
		name[h.name_size] = '\0';
		k = shown_index(name);
		if (k >= 0)
			have[k] = read_counter(fd, &h, d, &val[k]);
	}
	free(descs);
	for (unsigned k = 0; k < sizeof(shown) / sizeof(shown[0]) && used < len; k++)
		if (have[k] && val[k])
			used +=
			    (size_t)snprintf(out + used, len - used, "%s%s %llu", used ? ", " : "",
					     shown[k], (unsigned long long)val[k]);
	return 0;
#else
	(void)fd;
	snprintf(out, len, "not available (KVM_GET_STATS_FD unknown at build time)");
	return -ENOTSUP;
#endif
}
