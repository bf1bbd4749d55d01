/* SPDX-License-Identifier: MIT */
/*
 * Channels: one per connected client. Its memory is a memfd of IK_CHAN_STRIDE bytes (sparse)
 * added as memslot 1 + ch at IK_GPA_CHAN_BASE + ch * IK_CHAN_STRIDE (allowed while the vCPU
 * runs); its done eventfd is an ioeventfd on the guest's doorbell for the channel.
 * Callers hold vm->lock, except around ik_chan_unmap (below).
 */
#include <errno.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm_internal.h"

static int set_memslot(struct ik_vm *vm, unsigned ch, void *mem, uint64_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = 1 + ch,
		.guest_phys_addr = IK_GPA_CHAN_BASE + (uint64_t)ch * IK_CHAN_STRIDE,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)mem,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0 ? -errno : 0;
}

static int doorbell(struct ik_vm *vm, unsigned ch, int fd, bool assign)
{
	struct kvm_ioeventfd io = {
		.addr = IK_GPA_DOORBELL + 8ull * ch,
		.len = 4,
		.fd = fd,
		.flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
	};

	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}

static int alloc_resources(struct ik_vm *vm, unsigned ch)
{
	struct ik_channel *c = &vm->chans[ch];
	int r;

	c->mem_fd = memfd_create("ikernel-chan", MFD_CLOEXEC);
	if (c->mem_fd < 0 || ftruncate(c->mem_fd, IK_CHAN_STRIDE) < 0)
		return -errno;
	c->mem = mmap(NULL, IK_CHAN_STRIDE, PROT_READ | PROT_WRITE, MAP_SHARED, c->mem_fd, 0);
	if (c->mem == MAP_FAILED) {
		c->mem = NULL;
		return -errno;
	}
	c->done_fd = eventfd(0, EFD_CLOEXEC); /* blocking: the client may read it directly */
	if (c->done_fd < 0)
		return -errno;
	if ((r = set_memslot(vm, ch, c->mem, IK_CHAN_STRIDE)))
		return r;
	if ((r = doorbell(vm, ch, c->done_fd, true))) {
		set_memslot(vm, ch, c->mem, 0);
		return r;
	}
	return 0;
}

static void free_resources(struct ik_channel *c)
{
	if (c->mem)
		munmap(c->mem, IK_CHAN_STRIDE);
	if (c->mem_fd >= 0)
		close(c->mem_fd);
	if (c->done_fd >= 0)
		close(c->done_fd);
	if (c->client_fd >= 0)
		close(c->client_fd);
	c->mem = NULL;
	c->mem_fd = c->done_fd = c->client_fd = -1;
	c->state = IK_CHAN_FREE;
}

int ik_chan_open(struct ik_vm *vm, int client_fd, unsigned *chan)
{
	for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++) {
		struct ik_channel *c = &vm->chans[ch];
		int r;

		if (c->state != IK_CHAN_FREE)
			continue;
		r = alloc_resources(vm, ch);
		if (r) {
			free_resources(c);
			return r;
		}
		c->client_fd = client_fd;
		c->state = IK_CHAN_OPEN;
		*chan = ch;
		return 0;
	}
	return -EBUSY;
}

void ik_chan_unmap(struct ik_vm *vm, unsigned ch)
{
	struct ik_channel *c = &vm->chans[ch];

	doorbell(vm, ch, c->done_fd, false);
	set_memslot(vm, ch, c->mem, 0);
}

void ik_chan_release(struct ik_vm *vm, unsigned ch)
{
	free_resources(&vm->chans[ch]);
	ik_door_chan_freed(&vm->dh, ch);
}

void ik_chan_close(struct ik_vm *vm, unsigned ch)
{
	if (vm->chans[ch].state == IK_CHAN_FREE)
		return;
	ik_chan_unmap(vm, ch);
	ik_chan_release(vm, ch);
}
