/* SPDX-License-Identifier: MIT */
#include "kvm_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

const char *ik_kvm_device(void)
{
	const char *d = getenv(IK_KVM_DEVICE_ENV);

	return d && *d ? d : "/dev/kvm";
}

int ik_kvm_probe(bool create_vm, char *why, size_t whylen)
{
	const char *dev = ik_kvm_device();
	int fd = open(dev, O_RDWR | O_CLOEXEC), e;

	if (fd < 0) {
		e = errno;
		snprintf(why, whylen, "%s: %s", dev, strerror(e));
		return -e;
	}
	int v = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		e = v < 0 ? errno : EPROTONOSUPPORT;
		if (v < 0)
			snprintf(why, whylen, "%s is not a KVM device (KVM_GET_API_VERSION: %s)", dev,
				 strerror(e));
		else
			snprintf(why, whylen, "%s speaks KVM API version %d, not %d", dev, v,
				 KVM_API_VERSION);
		close(fd);
		return -e;
	}
	if (create_vm) {
		int vm = ioctl(fd, KVM_CREATE_VM, 0);
		if (vm < 0) {
			e = errno;
			snprintf(why, whylen, "%s: KVM_CREATE_VM failed: %s", dev, strerror(e));
			close(fd);
			return -e;
		}
		close(vm);
	}
	close(fd);
	return 0;
}
