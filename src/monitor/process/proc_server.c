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
	for (unsigned i = 0; i < PROC_MAX_PENDING && n < max; i++)
		if (p->pending_fds[i] >= 0)
			fds[n++] = (struct pollfd){.fd = p->pending_fds[i], .events = POLLIN};
	for (unsigned i = 0; i < IK_MAX_CHANNELS && n < max; i++)
		if (p->chans[i].state == PCH_OPEN)
			fds[n++] = (struct pollfd){.fd = p->chans[i].client_fd, .events = POLLIN};
	return n;
}

static void accept_client(struct ik_proc *p)
{
	int fd = accept4(p->dh.listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (unsigned i = 0; i < PROC_MAX_PENDING; i++) {
		if (p->pending_fds[i] < 0) {
			p->pending_fds[i] = fd;
			return;
		}
	}
	close(fd);
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

static void chan_free(struct proc_chan *c)
{
	if (c->mem_fd >= 0)
		close(c->mem_fd);
	if (c->done_fd >= 0)
		close(c->done_fd);
	if (c->client_fd >= 0)
		close(c->client_fd);
	*c = (struct proc_chan){.state = PCH_FREE, .client_fd = -1, .mem_fd = -1, .done_fd = -1};
}

static int chan_open(struct ik_proc *p, int client_fd, unsigned *out)
{
	for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++) {
		struct proc_chan *c = &p->chans[ch];

		if (c->state != PCH_FREE)
			continue;
		c->mem_fd = memfd_create("ikernel-chan", MFD_CLOEXEC);
		c->done_fd = eventfd(0, EFD_CLOEXEC);
		if (c->mem_fd < 0 || c->done_fd < 0 || ftruncate(c->mem_fd, IK_CHAN_STRIDE) < 0) {
			int r = -errno;
			chan_free(c);
			return r;
		}
		c->client_fd = client_fd;
		c->state = PCH_OPEN;
		*out = ch;
		return 0;
	}
	return -EBUSY;
}

/* Tell the driver: attention in the event page, then the kick (it may be asleep in ppoll). */
void ik_proc_wake_driver(struct ik_proc *p)
{
	uint64_t one = 1;

	__atomic_or_fetch(&p->events->attention, 1u, __ATOMIC_SEQ_CST);
	if (write(p->kick_fd, &one, sizeof(one)) < 0)
		one = 0; /* the counter is saturated: it is awake anyway */
}

static void handle_hello(struct ik_proc *p, unsigned slot)
{
	int fd = p->pending_fds[slot];
	struct ik_ctl_hello hello;
	ssize_t n = recv(fd, &hello, sizeof(hello), MSG_DONTWAIT);
	unsigned ch = 0;
	int r;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	p->pending_fds[slot] = -1;
	if (n != (ssize_t)sizeof(hello) || hello.magic != IK_CTL_MAGIC) {
		close(fd);
		return;
	}
	if (hello.abi_version != IK_ABI_VERSION)
		r = -EPROTONOSUPPORT;
	else if (!p->dh.ready || p->ended)
		r = -EPIPE;
	else
		r = chan_open(p, fd, &ch);
	if (r) {
		send_welcome(p, fd, r, 0);
		close(fd);
		return;
	}
	if (send_welcome(p, fd, 0, ch) < 0) {
		chan_free(&p->chans[ch]);
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
	if (n > 0) {
		if (n == (ssize_t)sizeof(notice) && notice.magic == IK_CTL_MAGIC &&
		    notice.kind == IK_NOTICE_VIOLATION) {
			char why[4 * sizeof(notice.reason)];

			ik_sanitize(why, sizeof(why), notice.reason,
				    strnlen(notice.reason, sizeof(notice.reason)));
			ik_proc_end(p, IK_END_VIOLATION, "driver '%s' violation: client on channel %u reports: %s",
				    p->dh.name, ch, why);
		}
		return;
	}
	close(c->client_fd);
	c->client_fd = -1;
	c->state = PCH_CLOSING;
	p->pending_closing |= 1ull << ch;
	ik_proc_wake_driver(p);
}

void ik_proc_server_events(struct ik_proc *p, const struct pollfd *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == p->dh.listen_fd) {
			accept_client(p);
			continue;
		}
		for (unsigned s = 0; s < PROC_MAX_PENDING; s++)
			if (p->pending_fds[s] == fds[i].fd)
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
		chan_free(&p->chans[ch]);
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
	for (unsigned i = 0; i < PROC_MAX_PENDING; i++) {
		if (p->pending_fds[i] >= 0)
			close(p->pending_fds[i]);
		p->pending_fds[i] = -1;
	}
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		chan_free(&p->chans[i]);
}
