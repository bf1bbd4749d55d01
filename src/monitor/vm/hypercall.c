/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls of a driver VM: the VM backend of the driver-host core (drvhost.h), which owns
 * what each call means. Here: the argument struct is translated through ik_vm_gpa() (it must
 * lie in guest-writable RAM) and copied once; the buffers it points to are fetched through
 * ik_vm_gpa() too; IK_HC_WAIT sleeps on the kick eventfd; channels are released here.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vm_internal.h"

static int vm_fetch(void *be, uint64_t gpa, void *out, uint64_t len)
{
	const void *p = ik_vm_gpa(be, gpa, len, false);

	if (!p)
		return -EFAULT;
	memcpy(out, p, len);
	return 0;
}

static int vm_store(void *be, uint64_t gpa, const void *data, uint64_t len)
{
	void *p = ik_vm_gpa(be, gpa, len, true);

	if (!p)
		return -EFAULT;
	memcpy(p, data, len);
	return 0;
}

/* Copy a NUL-terminated guest string of at most max-1 characters. Returns its length or -1. */
static int vm_fetch_str(void *be, uint64_t gpa, char *out, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		const char *p;

		if (gpa + i < gpa)
			return -1;
		p = ik_vm_gpa(be, gpa + i, 1, false);
		if (!p)
			return -1;
		out[i] = *p;
		if (!*p)
			return (int)i;
	}
	return -1;
}

static void vm_where(void *be, char *out, size_t outlen)
{
	ik_crash_where(be, out, outlen);
}

static bool vm_end(void *be, const struct ik_dh_end *e)
{
	return ik_vm_end_with(be, e);
}

static bool events_pending(struct ik_vm *vm)
{
	return ik_dh_irq_pending(&vm->dh) || atomic_load(&vm->pending_opened) ||
	       atomic_load(&vm->pending_closing);
}

/* Sleep until the kick eventfd fires (client, irq, channel event, stop) or the timeout. */
static void sleep_on_kick(struct ik_vm *vm, uint64_t timeout_ns)
{
	struct pollfd pfd = {.fd = vm->kick_fd, .events = POLLIN};
	struct timespec ts, *tsp = NULL;
	uint64_t drain;

	if (timeout_ns != IK_WAIT_FOREVER) {
		ts.tv_sec = (time_t)(timeout_ns / 1000000000ull);
		ts.tv_nsec = (long)(timeout_ns % 1000000000ull);
		tsp = &ts;
	}
	atomic_store(&vm->in_wait, true);
	if (!atomic_load(&vm->ended) && !vm->stop_requested)
		ppoll(&pfd, 1, tsp, NULL);
	atomic_store(&vm->in_wait, false);
	if (read(vm->kick_fd, &drain, sizeof(drain)) < 0)
		drain = 0; /* nothing to drain */
}

/*
 * The kick eventfd is only drained after a sleep: a client's kick that arrives between the
 * guest's last ring check and this hypercall must still end the sleep (no lost wakeups).
 */
static int vm_wait(void *be, struct ik_hc_wait *a)
{
	struct ik_vm *vm = be;
	uint64_t timeout = a->timeout_ns;

	if (timeout != 0 && !events_pending(vm))
		sleep_on_kick(vm, timeout);
	a->irqs = ik_dh_irq_fetch(&vm->dh);
	a->chan_opened = atomic_exchange(&vm->pending_opened, 0);
	a->chan_closing = atomic_exchange(&vm->pending_closing, 0);
	return 0;
}

static enum ik_dh_chan vm_chan_released(void *be, unsigned chan)
{
	struct ik_vm *vm = be;
	enum ik_chan_state state;

	pthread_mutex_lock(&vm->lock);
	state = vm->chans[chan].state;
	if (state == IK_CHAN_CLOSING)
		vm->chans[chan].state = IK_CHAN_RELEASING; /* neither reused nor served meanwhile */
	pthread_mutex_unlock(&vm->lock);
	if (state == IK_CHAN_CLOSING) {
		ik_chan_unmap(vm, chan); /* slow under load: not under the lock (vm_internal.h) */
		pthread_mutex_lock(&vm->lock);
		ik_chan_release(vm, chan);
		pthread_mutex_unlock(&vm->lock);
	}
	return state == IK_CHAN_CLOSING ? IK_DH_CHAN_CLOSING
	       : state == IK_CHAN_OPEN  ? IK_DH_CHAN_OPEN
					: IK_DH_CHAN_FREE;
}

static void vm_serving(void *be)
{
	ik_server_poke(be); /* the control thread polls the new listening socket */
}

static void vm_report(void *be, const struct ik_vm_result *res, FILE *out)
{
	ik_vm_report_regs(be, res, out);
}

const struct ik_dh_ops ik_vm_dh_ops = {
	.fetch = vm_fetch,
	.store = vm_store,
	.fetch_str = vm_fetch_str,
	.where = vm_where,
	.end = vm_end,
	.wait = vm_wait,
	.chan_released = vm_chan_released,
	.serving = vm_serving,
	.report = vm_report,
};

void ik_hypercall(struct ik_vm *vm, unsigned nr, uint64_t args_gpa)
{
	union {
		struct ik_hc_console console;
		struct ik_hc_panic panic;
		struct ik_hc_exit exit;
		struct ik_hc_wait wait;
		struct ik_hc_register_node node;
		struct ik_hc_ready ready;
		struct ik_hc_chan chan;
		struct ik_hc_pio_string pio_string;
		struct ik_hc_dma_map dma_map;
		struct ik_hc_pio_batch pio_batch;
		struct ik_hc_io_batch io_batch;
	} a;
	size_t size = ik_dh_args_size(nr);
	void *p;

	if (!size) {
		ik_dh_unknown(&vm->dh, nr);
		return;
	}
	p = ik_vm_gpa(vm, args_gpa, size, true);
	if (!p) {
		ik_dh_violation(&vm->dh, nr, "arguments at 0x%llx are not in guest-writable RAM",
				(unsigned long long)args_gpa);
		return;
	}
	memcpy(&a, p, size); /* read once; the vCPU is stopped while we serve it */
	if (ik_dh_hypercall(&vm->dh, nr, &a) == 0)
		memcpy(p, &a, size); /* the OUT fields (IK_HC_WAIT's); the others are unchanged */
}
