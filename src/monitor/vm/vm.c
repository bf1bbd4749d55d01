/* SPDX-License-Identifier: MIT */
/* Creating and destroying a driver VM (ik_vm_create / ik_vm_destroy) and small accessors. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kvm_probe.h"
#include "vm_internal.h"

#define IK_TSS_GPA 0xfffbd000ull /* 3 pages KVM needs for its real-mode TSS, outside RAM */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The core takes the name (or the image's file name without its extension: names.h's rule),
 * the parameters, the recovery spec and, when serving, checks the name is free. */
static int init_core(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen)
{
	snprintf(vm->image_name, sizeof(vm->image_name), "%s", base_name(cfg->image_path));
	return ik_dh_init(&vm->dh, &(struct ik_dh_config){
		.name = cfg->name,
		.path = cfg->image_path,
		.log = cfg->log,
		.serve = cfg->serve,
		.runtime_dir = cfg->runtime_dir,
		.params = cfg->params,
		.recovery = cfg->recovery,
		.log_budget = &cfg->log_budget,
		.decls = cfg->nodes,
		.ndecls = cfg->nnodes,
		.node_mode = cfg->node_mode,
		.netifs = cfg->netifs,
		.nnetifs = cfg->nnetifs,
		.t_create_ns = vm->dh.t_create_ns,
		.level = IK_STATUS_LEVEL_VM,
		.io_batch_max = IK_IO_BATCH_LARGE, /* fewer exits: each is a world switch here */
		.ops = &ik_vm_dh_ops,
		.be = vm,
		.lock = &vm->lock,
		.cond = &vm->cond,
		.devs = &vm->devs,
	}, err, errlen);
}

static int read_image(const char *path, const char *name, void **buf, size_t *len, char *err,
		      size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "image %s: cannot open %s: %s", name, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -ENOENT;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)IK_MEM_MAX) {
		snprintf(err, errlen, "image %s: %s", name,
			 S_ISREG(st.st_mode) ? "larger than the largest guest memory" : "not a regular file");
		close(fd);
		return -ENOEXEC;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	while (*buf && (size_t)got < *len) {
		ssize_t r = read(fd, (char *)*buf + got, *len - (size_t)got);

		if (r <= 0)
			break;
		got += r;
	}
	close(fd);
	if (!*buf || (size_t)got != *len) {
		snprintf(err, errlen, "image %s: cannot read %s", name, path);
		free(*buf);
		*buf = NULL;
		return -EIO;
	}
	return 0;
}

static uint64_t page_up(uint64_t v)
{
	return (v + IK_PAGE_SIZE - 1) & ~(IK_PAGE_SIZE - 1);
}

static uint8_t segment_page_flags(uint32_t seg_flags)
{
	uint8_t f = IK_PF_PRESENT | IK_PF_UREAD;

	if (seg_flags & IK_SEG_W)
		f |= IK_PF_UWRITE;
	if (seg_flags & IK_SEG_X)
		f |= IK_PF_UEXEC;
	return f;
}

static int load_image(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen)
{
	struct ik_ram_desc ram = {.mem_size = vm->layout.mem_size, .image_min = IK_GPA_IMAGE,
				  .image_limit = vm->layout.stack_area};
	void *buf = NULL;
	size_t len = 0;
	int r = read_image(cfg->image_path, vm->image_name, &buf, &len, err, errlen);

	if (r)
		return r;
	r = ik_image_parse(buf, len, vm->image_name, &ram, &vm->image, err, errlen);
	if (!r) {
		ik_image_copy(&vm->image, buf, vm->ram);
		for (unsigned i = 0; i < vm->image.nsegments; i++) {
			const struct ik_segment *s = &vm->image.segments[i];

			ik_mem_protect(vm, s->vaddr, s->memsz, segment_page_flags(s->flags));
		}
		vm->layout.heap_start = page_up(vm->image.end);
		if (vm->layout.heap_start > vm->layout.heap_end)
			vm->layout.heap_start = vm->layout.heap_end;
		ik_mem_protect(vm, vm->layout.heap_start, vm->layout.heap_end - vm->layout.heap_start,
			       IK_PF_PRESENT | IK_PF_UREAD | IK_PF_UWRITE);
	}
	free(buf);
	return r;
}

static int open_kvm(struct ik_vm *vm, char *err, size_t errlen)
{
	vm->kvm_fd = open(ik_kvm_device(), O_RDWR | O_CLOEXEC); /* $IKERNEL_KVM_DEVICE: tests */
	if (vm->kvm_fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", ik_kvm_device(), strerror(errno));
		return -errno;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VM failed: %s", strerror(errno));
		return -errno;
	}
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, IK_TSS_GPA) < 0) {
		snprintf(err, errlen, "KVM_SET_TSS_ADDR failed: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void noop_signal(int sig)
{
	(void)sig;
}

/* SIGUSR1 kicks the vCPU out of KVM_RUN; no SA_RESTART, so blocking calls return EINTR. */
static void install_kick_handler(void)
{
	struct sigaction sa = {0};

	sa.sa_handler = noop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

static struct ik_vm *vm_alloc(const struct ik_vm_config *cfg)
{
	struct ik_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = vm->mem_fd = -1;
	vm->kick_fd = vm->ctl_wake_fd = vm->dh.listen_fd = -1;
	ik_door_init(&vm->dh.door); /* its owner: the monitor's user, taken before the sandbox */
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		vm->chans[i].client_fd = vm->chans[i].mem_fd = vm->chans[i].done_fd = -1;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	vm->dh.log = cfg->log ? cfg->log : stderr; /* until ik_dh_init */
	vm->sandbox = cfg->sandbox;
	if (cfg->sandbox_user)
		ik_copy_str(vm->sandbox_user, sizeof(vm->sandbox_user), cfg->sandbox_user);
	vm->vcpu_cpu = cfg->vcpu_cpu;
	vm->hang_ms = cfg->hang_ms ? cfg->hang_ms : IK_DH_HANG_MS_DEFAULT;
	vm->spin_ns = cfg->spin_ns == (uint64_t)-1 ? IK_DH_SPIN_NS_DEFAULT : cfg->spin_ns;
	vm->result.vector = -1;
	return vm;
}

static int create_steps(struct ik_vm *vm, const struct ik_vm_config *cfg, char *err, size_t errlen)
{
	uint64_t mem = cfg->mem_size ? cfg->mem_size : IK_MEM_DEFAULT;
	int r;

	if ((r = init_core(vm, cfg, err, errlen)))
		return r;
	/* the one rule (size.c), checked where the process level checks it: before any resource */
	if ((r = ik_mem_size_check(mem, err, errlen)))
		return r;
	if ((r = ik_devices_init(vm, cfg, err, errlen)))
		return r;
	vm->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vm->ctl_wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->kick_fd < 0 || vm->ctl_wake_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		return -errno;
	}
	if ((r = open_kvm(vm, err, errlen)))
		return r;
	if ((r = ik_mem_setup(vm, mem, err, errlen)))
		return r;
	if ((r = load_image(vm, cfg, err, errlen)))
		return r;
	ik_mem_prefault(vm);
	ik_pagetables_build(vm);
	if ((r = ik_cpu_setup(vm, err, errlen)))
		return r;
	if ((r = ik_bootinfo_fill(vm, cfg, err, errlen)))
		return r;
	install_kick_handler();
	if ((r = ik_server_start(vm))) {
		snprintf(err, errlen, "cannot start the control thread: %s", strerror(-r));
		return r;
	}
	return 0;
}

int ik_vm_create(const struct ik_vm_config *cfg, struct ik_vm **out, char *err, size_t errlen)
{
	uint64_t t0 = ik_mono_ns();
	struct ik_vm *vm;
	int r;

	*out = NULL;
	if (!cfg || !cfg->image_path) {
		snprintf(err, errlen, "no image given");
		return -EINVAL;
	}
	vm = vm_alloc(cfg);
	if (!vm) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	vm->dh.t_create_ns = t0;
	r = create_steps(vm, cfg, err, errlen);
	if (r) {
		ik_vm_destroy(vm);
		return r < 0 ? r : -EINVAL;
	}
	*out = vm;
	return 0;
}

void ik_vm_destroy(struct ik_vm *vm)
{
	if (!vm)
		return;
	ik_server_stop(vm);
	ik_dh_release(&vm->dh);
	ik_rdv_remove(&vm->dh);
	ik_devices_destroy(vm);
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	ik_mem_teardown(vm);
	ik_image_free(&vm->image);
	if (vm->kick_fd >= 0)
		close(vm->kick_fd);
	if (vm->ctl_wake_fd >= 0)
		close(vm->ctl_wake_fd);
	pthread_cond_destroy(&vm->cond);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}

int ik_vm_wait_ready(struct ik_vm *vm, int timeout_ms)
{
	struct timespec deadline;
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	if (timeout_ms >= 0) {
		deadline.tv_sec += timeout_ms / 1000;
		deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&vm->lock);
	while (!vm->dh.ready && !atomic_load(&vm->ended) && r == 0) {
		if (timeout_ms < 0)
			pthread_cond_wait(&vm->cond, &vm->lock);
		else if (pthread_cond_timedwait(&vm->cond, &vm->lock, &deadline))
			r = -ETIMEDOUT;
	}
	if (!vm->dh.ready && r == 0)
		r = -EIO;
	pthread_mutex_unlock(&vm->lock);
	return r;
}

uint64_t ik_vm_boot_ns(const struct ik_vm *vm)
{
	return vm->dh.boot_ns;
}

const char *ik_vm_name(const struct ik_vm *vm)
{
	return vm->dh.name;
}

uint64_t ik_vm_symbol(const struct ik_vm *vm, const char *name)
{
	return ik_image_symbol(&vm->image, name);
}

int ik_vm_add_ioeventfd(struct ik_vm *vm, ik_gpa_t gpa, int fd)
{
	struct kvm_ioeventfd io = {.addr = gpa, .len = 4, .fd = fd};

	if (gpa < IK_GPA_MMIO_BASE || gpa > IK_GPA_MMIO_END - 4)
		return -EINVAL;
	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0 ? -errno : 0;
}
