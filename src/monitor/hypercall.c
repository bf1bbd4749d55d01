/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls (abi.h). The args struct and everything it points to are hostile: translated
 * through ik_vm_gpa(), copied into locals once, validated; any misuse ends the VM with a
 * precise reason.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vm_internal.h"

static const char *const hc_names[IK_HC__COUNT] = {
	[IK_HC_CONSOLE] = "CONSOLE", [IK_HC_PANIC] = "PANIC", [IK_HC_EXIT] = "EXIT",
	[IK_HC_WAIT] = "WAIT", [IK_HC_REGISTER_NODE] = "REGISTER_NODE", [IK_HC_READY] = "READY",
	[IK_HC_CHAN_RELEASED] = "CHAN_RELEASED",
};

static void hc_violation(struct ik_vm *vm, unsigned nr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void hc_violation(struct ik_vm *vm, unsigned nr, const char *fmt, ...)
{
	char what[256], where[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ik_crash_where(vm, where, sizeof(where));
	ik_vm_end(vm, IK_END_VIOLATION, "driver '%s' violation: hypercall %s: %s%s", vm->name,
		  hc_names[nr], what, where);
}

/* Copy a NUL-terminated guest string of at most max-1 characters. Returns its length or -1. */
static int guest_string(struct ik_vm *vm, ik_gpa_t gpa, char *out, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		const char *p;

		if (gpa + i < gpa)
			return -1;
		p = ik_vm_gpa(vm, gpa + i, 1, false);
		if (!p)
			return -1;
		out[i] = *p;
		if (!*p)
			return (int)i;
	}
	return -1;
}

static void hc_console(struct ik_vm *vm, const struct ik_hc_console *a)
{
	ik_gpa_t buf = a->buf;
	uint64_t len = a->len;
	char text[IK_CONSOLE_MAX];
	const void *p;

	if (len > IK_CONSOLE_MAX) {
		hc_violation(vm, IK_HC_CONSOLE, "length %llu exceeds %u", (unsigned long long)len,
			     IK_CONSOLE_MAX);
		return;
	}
	p = ik_vm_gpa(vm, buf, len, false);
	if (!p) {
		hc_violation(vm, IK_HC_CONSOLE, "buffer [0x%llx, +%llu) is not readable guest memory",
			     (unsigned long long)buf, (unsigned long long)len);
		return;
	}
	memcpy(text, p, len); /* one copy: the guest cannot change it while we format */
	ik_log_guest_text(vm, text, len);
}

static const char *panic_kind(uint32_t kind)
{
	switch (kind) {
	case IK_PANIC_BUG:
		return "BUG";
	case IK_PANIC_ASSERT:
		return "assertion failure";
	default:
		return "panic";
	}
}

static void hc_panic(struct ik_vm *vm, const struct ik_hc_panic *a)
{
	ik_gpa_t msg_gpa = a->msg, file_gpa = a->file;
	uint64_t len = a->len < IK_PANIC_MAX ? a->len : IK_PANIC_MAX;
	uint32_t line = a->line, kind = a->kind;
	char raw[IK_PANIC_MAX], msg[4 * IK_PANIC_MAX + 1], file_raw[256] = "", file[128];
	const void *p = ik_vm_gpa(vm, msg_gpa, len, false);

	if (!p) {
		hc_violation(vm, IK_HC_PANIC, "message [0x%llx, +%llu) is not readable guest memory",
			     (unsigned long long)msg_gpa, (unsigned long long)len);
		return;
	}
	memcpy(raw, p, len);
	ik_sanitize(msg, sizeof(msg), raw, len);
	if (file_gpa && guest_string(vm, file_gpa, file_raw, sizeof(file_raw)) < 0)
		snprintf(file_raw, sizeof(file_raw), "?");
	ik_sanitize(file, sizeof(file), file_raw, strlen(file_raw));
	bool first;
	if (file[0])
		first = ik_vm_end(vm, IK_END_PANIC, "driver '%s' %s at %s:%u: %s", vm->name,
				  panic_kind(kind), file, line, msg);
	else
		first = ik_vm_end(vm, IK_END_PANIC, "driver '%s' %s: %s", vm->name, panic_kind(kind), msg);
	if (first) {
		snprintf(vm->result.file, sizeof(vm->result.file), "%s", file);
		vm->result.line = line;
	}
}

static void hc_exit(struct ik_vm *vm, const struct ik_hc_exit *a)
{
	int64_t code = a->code;

	if (ik_vm_end(vm, IK_END_EXIT, "driver '%s' exited with status %lld", vm->name,
		      (long long)code))
		vm->result.exit_code = code;
}

static bool events_pending(struct ik_vm *vm)
{
	return atomic_load(&vm->pending_irqs) || atomic_load(&vm->pending_opened) ||
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
static void hc_wait(struct ik_vm *vm, struct ik_hc_wait *a)
{
	uint64_t timeout = a->timeout_ns;

	if (timeout != 0 && !events_pending(vm))
		sleep_on_kick(vm, timeout);
	a->irqs = atomic_exchange(&vm->pending_irqs, 0);
	a->chan_opened = atomic_exchange(&vm->pending_opened, 0);
	a->chan_closing = atomic_exchange(&vm->pending_closing, 0);
}

static bool valid_node_name(const char *s)
{
	if (!s[0] || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", *s))
			return false;
	return true;
}

static void hc_register_node(struct ik_vm *vm, const struct ik_hc_register_node *a)
{
	ik_gpa_t name_gpa = a->name;
	uint32_t id = a->node, minor = a->minor;
	char name[IK_NAME_MAX], err[256];
	struct ik_node *node;

	if (guest_string(vm, name_gpa, name, sizeof(name)) < 0) {
		hc_violation(vm, IK_HC_REGISTER_NODE,
			     "name at 0x%llx is not a readable NUL-terminated string of < %u bytes",
			     (unsigned long long)name_gpa, IK_NAME_MAX);
		return;
	}
	if (!valid_node_name(name)) {
		char clean[4 * IK_NAME_MAX];

		ik_sanitize(clean, sizeof(clean), name, strlen(name));
		hc_violation(vm, IK_HC_REGISTER_NODE, "invalid node name '%s' (allowed: [A-Za-z0-9_.-])",
			     clean);
		return;
	}
	if (id >= IK_MAX_NODES) {
		hc_violation(vm, IK_HC_REGISTER_NODE, "node id %u of '%s' is not below %u", id, name,
			     IK_MAX_NODES);
		return;
	}
	pthread_mutex_lock(&vm->lock);
	for (unsigned i = 0; i < vm->nnodes; i++) {
		if (!strcmp(vm->nodes[i].name, name) || vm->nodes[i].node == id) {
			pthread_mutex_unlock(&vm->lock);
			hc_violation(vm, IK_HC_REGISTER_NODE, "node '%s' (id %u) clashes with node '%s' (id %u)",
				     name, id, vm->nodes[i].name, vm->nodes[i].node);
			return;
		}
	}
	node = &vm->nodes[vm->nnodes++]; /* ids are unique and < IK_MAX_NODES: room is left */
	snprintf(node->name, sizeof(node->name), "%s", name);
	node->node = id;
	node->minor = minor;
	bool link = vm->ready && vm->serve;
	int r = link ? ik_rdv_link_node(vm, node, err, sizeof(err)) : 0;
	pthread_mutex_unlock(&vm->lock);
	if (r)
		ik_vm_end(vm, IK_END_STOPPED, "driver '%s' cannot be served: %s", vm->name, err);
}

static int start_serving(struct ik_vm *vm, char *err, size_t errlen)
{
	int r = ik_rdv_listen(vm, err, errlen);

	for (unsigned i = 0; !r && i < vm->nnodes; i++)
		r = ik_rdv_link_node(vm, &vm->nodes[i], err, errlen);
	return r;
}

static void hc_ready(struct ik_vm *vm, const struct ik_hc_ready *a)
{
	uint32_t nodes = a->nodes;
	char err[512] = "";
	int r = 0;

	pthread_mutex_lock(&vm->lock);
	if (vm->ready || nodes != vm->nnodes) {
		unsigned have = vm->nnodes;
		bool twice = vm->ready;

		pthread_mutex_unlock(&vm->lock);
		if (twice)
			hc_violation(vm, IK_HC_READY, "called twice");
		else
			hc_violation(vm, IK_HC_READY, "announces %u nodes but %u were registered", nodes,
				     have);
		return;
	}
	if (vm->serve)
		r = start_serving(vm, err, sizeof(err));
	vm->boot_ns = ik_mono_ns() - vm->t_create_ns;
	vm->ready = r == 0;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	if (r) {
		ik_vm_end(vm, IK_END_STOPPED, "driver '%s' cannot be served: %s", vm->name, err);
		return;
	}
	ik_server_poke(vm);
	if (vm->serve)
		ik_log(vm, "ikernel: driver '%s' ready in %.3f ms, serving %s", vm->name,
		       (double)vm->boot_ns / 1e6, vm->sock_path);
}

static void hc_chan_released(struct ik_vm *vm, const struct ik_hc_chan *a)
{
	uint32_t chan = a->chan;
	enum ik_chan_state state;

	if (chan >= IK_MAX_CHANNELS) {
		hc_violation(vm, IK_HC_CHAN_RELEASED, "channel %u is not below %u", chan, IK_MAX_CHANNELS);
		return;
	}
	pthread_mutex_lock(&vm->lock);
	state = vm->chans[chan].state;
	if (state == IK_CHAN_CLOSING)
		ik_chan_close(vm, chan);
	pthread_mutex_unlock(&vm->lock);
	/* OPEN: the client is still attached, so the channel stays (nothing to free yet). */
	if (state == IK_CHAN_FREE)
		hc_violation(vm, IK_HC_CHAN_RELEASED, "channel %u is not open", chan);
}

static const size_t hc_args_size[IK_HC__COUNT] = {
	[IK_HC_CONSOLE] = sizeof(struct ik_hc_console),
	[IK_HC_PANIC] = sizeof(struct ik_hc_panic),
	[IK_HC_EXIT] = sizeof(struct ik_hc_exit),
	[IK_HC_WAIT] = sizeof(struct ik_hc_wait),
	[IK_HC_REGISTER_NODE] = sizeof(struct ik_hc_register_node),
	[IK_HC_READY] = sizeof(struct ik_hc_ready),
	[IK_HC_CHAN_RELEASED] = sizeof(struct ik_hc_chan),
};

void ik_hypercall(struct ik_vm *vm, unsigned nr, uint64_t args_gpa)
{
	union {
		struct ik_hc_console console;
		struct ik_hc_panic panic;
		struct ik_hc_exit exit;
		struct ik_hc_register_node node;
		struct ik_hc_ready ready;
		struct ik_hc_chan chan;
	} a;
	void *p;

	if (nr == 0 || nr >= IK_HC__COUNT) {
		char what[128], where[160];

		snprintf(what, sizeof(what), "unknown hypercall %u", nr);
		ik_crash_where(vm, where, sizeof(where));
		ik_vm_end(vm, IK_END_VIOLATION, "driver '%s' violation: %s%s", vm->name, what, where);
		return;
	}
	p = ik_vm_gpa(vm, args_gpa, hc_args_size[nr], true);
	if (!p) {
		hc_violation(vm, nr, "arguments at 0x%llx are not in guest-writable RAM",
			     (unsigned long long)args_gpa);
		return;
	}
	if (nr == IK_HC_WAIT) {
		struct ik_hc_wait w;

		memcpy(&w, p, sizeof(w));
		hc_wait(vm, &w);
		memcpy(p, &w, sizeof(w));
		return;
	}
	memcpy(&a, p, hc_args_size[nr]); /* read once */
	switch (nr) {
	case IK_HC_CONSOLE:
		hc_console(vm, &a.console);
		break;
	case IK_HC_PANIC:
		hc_panic(vm, &a.panic);
		break;
	case IK_HC_EXIT:
		hc_exit(vm, &a.exit);
		break;
	case IK_HC_REGISTER_NODE:
		hc_register_node(vm, &a.node);
		break;
	case IK_HC_READY:
		hc_ready(vm, &a.ready);
		break;
	case IK_HC_CHAN_RELEASED:
		hc_chan_released(vm, &a.chan);
		break;
	}
}
