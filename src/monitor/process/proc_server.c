/* SPDX-License-Identifier: MIT */
/*
 * Monitor-lite clients: the same rendezvous (the core's, rendezvous.c), welcome (ik_dh_welcome)
 * and notices as the VM monitor (control.h, server.c), so libikernel is unchanged. A channel is a memfd and a done eventfd
 * handed to the client in the welcome and to the driver process with the next IK_HC_WAIT.
 * Service thread only.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_send.h"
#include "ikernel/control.h"
#include "ikernel/ring.h"
#include "inject_spec.h"
#include "proc_internal.h"

void ik_proc_unlisten(struct ik_proc *p)
{
	pthread_mutex_lock(&p->lock);
	ik_rdv_remove(&p->dh);
	if (p->dh.listen_fd >= 0)
		close(p->dh.listen_fd);
	p->dh.listen_fd = -1;
	pthread_mutex_unlock(&p->lock);
}

unsigned ik_proc_server_pollfds(struct ik_proc *p, struct pollfd *fds, unsigned max)
{
	unsigned n = 0;

	if (p->dh.listen_fd >= 0 && n < max)
		fds[n++] = (struct pollfd){.fd = p->dh.listen_fd, .events = POLLIN};
	for (unsigned i = 0; i < IK_DOOR_PENDING_MAX && n < max; i++)
		if (p->dh.door.pending[i].fd >= 0)
			fds[n++] = (struct pollfd){.fd = p->dh.door.pending[i].fd, .events = POLLIN};
	for (unsigned i = 0; i < IK_MAX_CHANNELS && n < max; i++)
		if (p->chans[i].state == PCH_OPEN)
			fds[n++] = (struct pollfd){.fd = p->chans[i].client_fd, .events = POLLIN};
	return n;
}

static int send_welcome(struct ik_proc *p, int fd, int status, unsigned ch)
{
	struct ik_ctl_welcome w;

	ik_dh_welcome(&p->dh, &w, status, ch);
	if (status)
		return ik_ctl_send_welcome(fd, &w, NULL, 0);
	int fds[3] = {p->chans[ch].mem_fd, p->kick_fd, p->chans[ch].done_fd};
	int r = ik_ctl_send_welcome(fd, &w, fds, 3);
	/* As the VM monitor: the recovery spec follows the welcome as a notice (control.h). */
	if (r == 0 && (w.flags & IK_WELCOME_F_RECOVERY))
		r = ik_ctl_send_notice(fd, IK_NOTICE_RECOVERY, p->dh.recovery);
	return r;
}

static void chan_free(struct ik_proc *p, unsigned ch)
{
	struct proc_chan *c = &p->chans[ch];

	ik_door_chan_freed(&p->dh, ch);
	if (c->mem_fd >= 0)
		close(c->mem_fd);
	if (c->done_fd >= 0)
		close(c->done_fd);
	if (c->client_fd >= 0)
		close(c->client_fd);
	*c = (struct proc_chan){.state = PCH_FREE, .client_fd = -1, .mem_fd = -1, .done_fd = -1};
}

static int chan_open(struct ik_proc *p, int client_fd, uid_t uid, unsigned *out)
{
	uint16_t rd, wr;
	int r = ik_door_access(&p->dh, client_fd, uid, &rd, &wr);

	if (r == 0)
		r = ik_door_admit(&p->dh, uid);
	if (r)
		return r;
	for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++) {
		struct proc_chan *c = &p->chans[ch];

		if (c->state != PCH_FREE)
			continue;
		c->mem_fd = memfd_create("ikernel-chan", MFD_CLOEXEC);
		c->done_fd = eventfd(0, EFD_CLOEXEC);
		if (c->mem_fd < 0 || c->done_fd < 0 || ftruncate(c->mem_fd, IK_CHAN_STRIDE) < 0) {
			int r = -errno;
			chan_free(p, ch);
			return r;
		}
		c->client_fd = client_fd;
		c->state = PCH_OPEN;
		ik_door_chan_taken(&p->dh, ch, uid);
		ik_door_grant(p->bootinfo, ch, rd, wr);
		*out = ch;
		return 0;
	}
	return -EBUSY;
}

/* The client left (or is cut off): the driver releases the channel's files. */
static void client_gone(struct ik_proc *p, unsigned ch)
{
	struct proc_chan *c = &p->chans[ch];

	close(c->client_fd);
	c->client_fd = -1;
	c->state = PCH_CLOSING;
	ik_door_chan_draining(&p->dh, ch);
	p->pending_closing |= 1ull << ch;
	ik_proc_wake_driver(p);
}

/* Tell the driver: attention in the event page, then the kick (it may be asleep in ppoll). */
void ik_proc_wake_driver(struct ik_proc *p)
{
	__atomic_or_fetch(&p->events->attention, IK_ATTN_FETCH, __ATOMIC_SEQ_CST);
	ik_proc_kick_driver(p);
}

void ik_proc_kick_driver(struct ik_proc *p)
{
	uint64_t one = 1;

	if (write(p->kick_fd, &one, sizeof(one)) < 0)
		one = 0; /* the counter is saturated: it is awake anyway */
}

/* A fault injection request (control.h): only from root or our own user, and only the guest
 * fault classes (the event page is shared with the driver process; its code is not ours to
 * patch). */
static void handle_inject(struct ik_proc *p, int fd, uid_t uid, struct ik_ctl_inject *req)
{
	char out[sizeof(((struct ik_ctl_notice *)0)->reason)];
	struct ik_inject_spec s;

	req->spec[sizeof(req->spec) - 1] = '\0';
	if (uid != 0 && uid != p->dh.door.owner_uid)
		snprintf(out, sizeof(out), "refused: fault injection needs root or the monitor's user");
	else if (p->ended || !p->dh.ready)
		snprintf(out, sizeof(out), "refused: driver '%s' is not running", p->dh.name);
	else if (ik_inject_parse(req->spec, &s, &p->inject_rng, out, sizeof(out)) == 0) {
		unsigned cls = ik_inject_guest_class(s.cls);

		if (cls) {
			uint64_t arg = ik_inject_guest_prepare(cls, &s, &p->inject_rng, out, sizeof(out));

			/* said before it is armed: the driver may fire it at once (inject_spec.h) */
			ik_dh_log(&p->dh, "ikernel-inject: driver '%s': %s", p->dh.name, out + 4);
			ik_inject_guest_fire(p->events, cls, arg);
			ik_proc_wake_driver(p);
		} else if (!strcmp(s.cls, "flip") || !strcmp(s.cls, "nop") || !strcmp(s.cls, "revert")) {
			snprintf(out, sizeof(out), "refused: code faults (%s) patch a VM's loaded image; at "
				 "isolation=process only the guest fault classes", s.cls);
		} else {
			ik_inject_unknown(s.cls, out, sizeof(out));
		}
	}
	ik_ctl_send_notice(fd, IK_NOTICE_INJECTED, out);
	close(fd);
}

static void handle_hello(struct ik_proc *p, unsigned slot)
{
	int fd = p->dh.door.pending[slot].fd;
	struct ik_ctl_inject req;
	struct ik_ctl_hello hello;
	ssize_t n = recv(fd, &req, sizeof(req), MSG_DONTWAIT);
	unsigned ch = 0;
	int r;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	uid_t uid = ik_door_take(&p->dh.door, slot).uid;
	if (n == (ssize_t)sizeof(req) && req.hello.magic == IK_CTL_MAGIC &&
	    req.hello.reserved[0] == IK_HELLO_INJECT)
		return handle_inject(p, fd, uid, &req);
	memcpy(&hello, &req, n > 0 && (size_t)n < sizeof(hello) ? (size_t)n : sizeof(hello));
	if (n != (ssize_t)sizeof(hello) || hello.magic != IK_CTL_MAGIC) {
		close(fd);
		return;
	}
	if (hello.abi_version != IK_ABI_VERSION)
		r = -EPROTONOSUPPORT;
	else if (!p->dh.ready || p->ended)
		r = -EPIPE;
	else
		r = chan_open(p, fd, uid, &ch);
	if (r) {
		send_welcome(p, fd, r, 0);
		close(fd);
		return;
	}
	if (send_welcome(p, fd, 0, ch) < 0) {
		chan_free(p, ch);
		return;
	}
	p->pending_opened |= 1ull << ch;
	ik_proc_wake_driver(p);
}

static void client_event(struct ik_proc *p, unsigned ch)
{
	struct proc_chan *c = &p->chans[ch];
	struct ik_ctl_notice notice;
	ssize_t n = recv(c->client_fd, &notice, sizeof(notice), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		return client_gone(p, ch);
	if (n == (ssize_t)sizeof(notice) && notice.magic == IK_CTL_MAGIC &&
	    notice.kind == IK_NOTICE_VIOLATION) {
		char why[1200];

		if (ik_door_client_report(&p->dh, ch, notice.reason, sizeof(notice.reason), why,
					  sizeof(why)))
			ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: %s", p->dh.name, why);
		else
			client_gone(p, ch);
	}
	/* anything else from a client is ignored */
}

void ik_proc_server_events(struct ik_proc *p, const struct pollfd *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == p->dh.listen_fd) {
			ik_door_accept(&p->dh);
			continue;
		}
		for (unsigned s = 0; s < IK_DOOR_PENDING_MAX; s++)
			if (p->dh.door.pending[s].fd == fds[i].fd)
				handle_hello(p, s);
		for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++)
			if (p->chans[ch].state == PCH_OPEN && p->chans[ch].client_fd == fds[i].fd)
				client_event(p, ch);
	}
}

enum ik_dh_chan ik_proc_chan_released(struct ik_proc *p, unsigned ch)
{
	int state = p->chans[ch].state;

	if (state == PCH_CLOSING)
		chan_free(p, ch);
	return state == PCH_CLOSING ? IK_DH_CHAN_CLOSING : state == PCH_OPEN ? IK_DH_CHAN_OPEN : IK_DH_CHAN_FREE;
}

void ik_proc_notify_dead(struct ik_proc *p)
{
	const char *why = p->result.reason[0] ? p->result.reason : "driver process ended";

	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		if (p->chans[i].state == PCH_OPEN)
			ik_ctl_send_notice(p->chans[i].client_fd, IK_NOTICE_DEAD, why);
}

void ik_proc_server_close(struct ik_proc *p)
{
	ik_proc_unlisten(p);
	ik_door_close_all(&p->dh.door);
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		chan_free(p, i);
}
