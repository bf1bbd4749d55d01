/* SPDX-License-Identifier: MIT */
/*
 * The control thread: serves clients (handshake, notices, disconnects; control.h) and ticks
 * the hang watchdog every IK_CTL_TICK_MS. Started by ik_vm_create; the listening socket only
 * appears at IK_HC_READY (then the vCPU thread pokes this thread through ctl_wake_fd).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_send.h"
#include "ikernel/ring.h"
#include "vm_internal.h"

#define IK_CTL_TICK_MS 50
#define MAX_POLL (2 + IK_DOOR_PENDING_MAX + IK_MAX_CHANNELS)

enum slot_kind { SLOT_WAKE, SLOT_LISTEN, SLOT_PENDING, SLOT_CLIENT };

struct poll_set {
	struct pollfd fds[MAX_POLL];
	enum slot_kind kind[MAX_POLL];
	unsigned index[MAX_POLL];
	unsigned n;
};

static void add_fd(struct poll_set *ps, int fd, enum slot_kind kind, unsigned index)
{
	ps->fds[ps->n] = (struct pollfd){.fd = fd, .events = POLLIN};
	ps->kind[ps->n] = kind;
	ps->index[ps->n] = index;
	ps->n++;
}

static void build_poll_set(struct ik_vm *vm, struct poll_set *ps)
{
	ps->n = 0;
	add_fd(ps, vm->ctl_wake_fd, SLOT_WAKE, 0);
	pthread_mutex_lock(&vm->lock);
	if (vm->dh.listen_fd >= 0)
		add_fd(ps, vm->dh.listen_fd, SLOT_LISTEN, 0);
	for (unsigned i = 0; i < IK_DOOR_PENDING_MAX; i++)
		if (vm->dh.door.pending[i].fd >= 0)
			add_fd(ps, vm->dh.door.pending[i].fd, SLOT_PENDING, i);
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		if (vm->chans[i].state == IK_CHAN_OPEN)
			add_fd(ps, vm->chans[i].client_fd, SLOT_CLIENT, i);
	pthread_mutex_unlock(&vm->lock);
}

static void accept_client(struct ik_vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	ik_door_accept(&vm->dh);
	pthread_mutex_unlock(&vm->lock);
}

static void refuse(struct ik_vm *vm, int fd, int status)
{
	struct ik_ctl_welcome w;

	ik_dh_welcome(&vm->dh, &w, status, 0);
	ik_ctl_send_welcome(fd, &w, NULL, 0);
	close(fd);
}

/* A fault injection request (control.h): only from root or our own user. Under lock. */
static void handle_inject(struct ik_vm *vm, int fd, struct ik_ctl_inject *req)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char out[sizeof(((struct ik_ctl_notice *)0)->reason)];

	req->spec[sizeof(req->spec) - 1] = '\0';
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != vm->dh.door.owner_uid))
		snprintf(out, sizeof(out), "refused: fault injection needs root or the monitor's user");
	else if (atomic_load(&vm->ended) || !vm->dh.ready)
		snprintf(out, sizeof(out), "refused: driver '%s' is not running", vm->dh.name);
	else
		ik_inject(vm, req->spec, out, sizeof(out));
	ik_ctl_send_notice(fd, IK_NOTICE_INJECTED, out);
	close(fd);
}

/* A hello arrived (or the connection closed) on pending client slot i. Called under lock. */
static void handle_hello(struct ik_vm *vm, unsigned slot)
{
	int fd = vm->dh.door.pending[slot].fd;
	struct ik_ctl_inject req;
	struct ik_ctl_hello hello;
	struct ik_ctl_welcome w;
	ssize_t n = recv(fd, &req, sizeof(req), MSG_DONTWAIT);
	unsigned ch;
	int r;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	uid_t uid = ik_door_take(&vm->dh.door, slot).uid;
	if (n == (ssize_t)sizeof(req) && req.hello.magic == IK_CTL_MAGIC &&
	    req.hello.reserved[0] == IK_HELLO_INJECT)
		return handle_inject(vm, fd, &req);
	memcpy(&hello, &req, sizeof(hello));
	if (n != (ssize_t)sizeof(hello) || hello.magic != IK_CTL_MAGIC) {
		if (n > 0)
			refuse(vm, fd, -EPROTO);
		else
			close(fd);
		return;
	}
	if (hello.abi_version != IK_ABI_VERSION)
		return refuse(vm, fd, -EPROTONOSUPPORT);
	if (atomic_load(&vm->ended) || !vm->dh.ready)
		return refuse(vm, fd, -EPIPE);
	uint16_t rd, wr;
	r = ik_door_access(&vm->dh, fd, uid, &rd, &wr);
	if (r == 0)
		r = ik_door_admit(&vm->dh, uid);
	if (r == 0)
		r = ik_chan_open(vm, fd, &ch);
	if (r)
		return refuse(vm, fd, r);
	ik_door_chan_taken(&vm->dh, ch, uid);
	ik_door_grant(vm->bootinfo, ch, rd, wr);
	ik_dh_welcome(&vm->dh, &w, 0, ch);
	int fds[3] = {vm->chans[ch].mem_fd, vm->kick_fd, vm->chans[ch].done_fd};
	if (ik_ctl_send_welcome(fd, &w, fds, 3) < 0) {
		ik_chan_close(vm, ch); /* closes fd too */
		return;
	}
	if (w.flags & IK_WELCOME_F_RECOVERY)
		ik_ctl_send_notice(fd, IK_NOTICE_RECOVERY, vm->dh.recovery);
	atomic_fetch_or(&vm->pending_opened, 1ull << ch);
	__atomic_or_fetch(&vm->events->attention, IK_ATTN_FETCH, __ATOMIC_SEQ_CST);
	ik_vm_wake_guest(vm);
}

/* The client of channel ch left: the guest must release the channel's files. Under lock. */
static void client_gone(struct ik_vm *vm, unsigned ch)
{
	struct ik_channel *c = &vm->chans[ch];

	close(c->client_fd);
	c->client_fd = -1;
	c->state = IK_CHAN_CLOSING;
	ik_door_chan_draining(&vm->dh, ch);
	atomic_fetch_or(&vm->pending_closing, 1ull << ch);
	__atomic_or_fetch(&vm->events->attention, IK_ATTN_FETCH, __ATOMIC_SEQ_CST);
	ik_vm_wake_guest(vm);
}

/* Fills `violation` with a reason to end the VM with, or leaves it "" (called under lock). */
static void handle_client(struct ik_vm *vm, unsigned ch, char *violation, size_t vlen)
{
	struct ik_ctl_notice notice;
	ssize_t n = recv(vm->chans[ch].client_fd, &notice, sizeof(notice), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_gone(vm, ch);
		return;
	}
	if (n == (ssize_t)sizeof(notice) && notice.magic == IK_CTL_MAGIC &&
	    notice.kind == IK_NOTICE_VIOLATION &&
	    !ik_door_client_report(&vm->dh, ch, notice.reason, sizeof(notice.reason), violation, vlen))
		client_gone(vm, ch); /* not believed: only its own channel ends */
	/* anything else from a client is ignored */
}

static void serve_events(struct ik_vm *vm, struct poll_set *ps)
{
	char violation[1200] = "";
	uint64_t drain;

	for (unsigned i = 0; i < ps->n; i++) {
		if (!ps->fds[i].revents)
			continue;
		switch (ps->kind[i]) {
		case SLOT_WAKE:
			if (read(vm->ctl_wake_fd, &drain, sizeof(drain)) < 0)
				drain = 0;
			break;
		case SLOT_LISTEN:
			accept_client(vm);
			break;
		case SLOT_PENDING:
			pthread_mutex_lock(&vm->lock);
			if (vm->dh.door.pending[ps->index[i]].fd == ps->fds[i].fd)
				handle_hello(vm, ps->index[i]);
			pthread_mutex_unlock(&vm->lock);
			break;
		case SLOT_CLIENT:
			pthread_mutex_lock(&vm->lock);
			if (vm->chans[ps->index[i]].state == IK_CHAN_OPEN &&
			    vm->chans[ps->index[i]].client_fd == ps->fds[i].fd)
				handle_client(vm, ps->index[i], violation, sizeof(violation));
			pthread_mutex_unlock(&vm->lock);
			break;
		}
	}
	if (violation[0])
		ik_vm_end(vm, IK_END_VIOLATION, "driver '%s' violation: %s", vm->dh.name, violation);
}

static void *control_thread(void *arg)
{
	struct ik_vm *vm = arg;
	struct poll_set ps;
	sigset_t set;

	/* Signals for the process (SIGINT, SIGTERM, the vCPU kick) are not for this thread. */
	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (!atomic_load(&vm->ctl_quit)) {
		build_poll_set(vm, &ps);
		if (poll(ps.fds, ps.n, IK_CTL_TICK_MS) > 0)
			serve_events(vm, &ps);
		pthread_mutex_lock(&vm->lock); /* after the events: they name fds */
		ik_door_expire(&vm->dh.door, ik_mono_ns());
		pthread_mutex_unlock(&vm->lock);
		ik_watchdog_tick(vm);
		ik_watchdog_heartbeat(vm);
	}
	return NULL;
}

int ik_server_start(struct ik_vm *vm)
{
	int r = pthread_create(&vm->ctl_thread, NULL, control_thread, vm);

	if (r)
		return -r;
	vm->ctl_started = true;
	return 0;
}

void ik_server_poke(struct ik_vm *vm)
{
	uint64_t one = 1;

	if (write(vm->ctl_wake_fd, &one, sizeof(one)) < 0)
		one = 0; /* already poked */
}

void ik_server_notify_dead(struct ik_vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->dead_notified) {
		const char *reason = vm->result.reason[0] ? vm->result.reason : "driver VM destroyed";

		for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
			if (vm->chans[i].state == IK_CHAN_OPEN)
				ik_ctl_send_notice(vm->chans[i].client_fd, IK_NOTICE_DEAD, reason);
		vm->dead_notified = true;
	}
	pthread_mutex_unlock(&vm->lock);
}

void ik_server_stop(struct ik_vm *vm)
{
	if (vm->ctl_started) {
		atomic_store(&vm->ctl_quit, true);
		ik_server_poke(vm);
		pthread_join(vm->ctl_thread, NULL);
		vm->ctl_started = false;
	}
	ik_server_notify_dead(vm);
	ik_door_close_all(&vm->dh.door);
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		if (vm->vm_fd >= 0)
			ik_chan_close(vm, i);
	if (vm->dh.listen_fd >= 0)
		close(vm->dh.listen_fd);
	vm->dh.listen_fd = -1;
}
