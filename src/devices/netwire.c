/* SPDX-License-Identifier: MIT */
/*
 * The wire of an emulated network card (netwire.h): none, an existing TAP interface, a Unix
 * SOCK_SEQPACKET cable between two cards, or a pcap capture file.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "devmodel.h"
#include "netwire.h"
#include "tap.h"

#define PCAP_MAGIC         0xa1b2c3d4u
#define PCAP_LINKTYPE_ETH  1u

/* A TAP has one holder: the card of a driver's previous run may still hold it for a moment
 * while its monitor tears down (a supervisor starts the replacement as soon as the old driver
 * is gone, before that monitor has exited). Busy is waited out that long, not failed. */
#define TAP_BUSY_WAIT_MS 2000
#define TAP_BUSY_STEP_MS 20

static int open_tap(struct ik_netwire *w, const char *name, char *err, size_t errlen)
{
	const struct timespec step = {0, TAP_BUSY_STEP_MS * 1000000l};
	char why[320];
	int fd = ik_tap_open(name, NULL, 0, why, sizeof(why));

	for (int waited = 0; fd == -EBUSY && waited < TAP_BUSY_WAIT_MS; waited += TAP_BUSY_STEP_MS) {
		nanosleep(&step, NULL);
		fd = ik_tap_open(name, NULL, 0, why, sizeof(why));
	}
	if (fd == -EBUSY)
		snprintf(why, sizeof(why), "the TAP interface is held by another process (still after "
			 "%d ms): one card per TAP", TAP_BUSY_WAIT_MS);
	if (fd < 0) {
		snprintf(err, errlen, "wire tap:%s: %s", name, why);
		return fd;
	}
	w->fd = fd;
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		int r = -errno;

		snprintf(err, errlen, "wire tap:%s: %s", name, strerror(-r));
		return r;
	}
	return 0;
}

static int unix_address(struct sockaddr_un *sa, const char *path, char *err, size_t errlen)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (!path[0] || strlen(path) >= sizeof(sa->sun_path)) {
		snprintf(err, errlen, "wire socket:%s: expected a path of 1 to %zu bytes", path,
			 sizeof(sa->sun_path) - 1);
		return -EINVAL;
	}
	memcpy(sa->sun_path, path, strlen(path));
	return 0;
}

/* The other end of a cable is another card of ours: a socket of our own user (or root's).
 * Whoever else can reach PATH (a permissive umask or directory, a squatted listener) would
 * otherwise read every frame the driver sends and write any frame into its ring. */
static bool peer_is_ours(const struct ik_netwire *w, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof(cred))
		return false;
	return cred.uid == w->owner_uid || cred.uid == 0;
}

/* Connect to the card listening on PATH, or become the listener when nobody is there yet. */
static int open_socket(struct ik_netwire *w, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int s, r;

	if ((r = unix_address(&sa, path, err, errlen)))
		return r;
	w->owner_uid = (uint32_t)geteuid();
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0) {
		r = -errno;
		snprintf(err, errlen, "wire socket:%s: %s", path, strerror(-r));
		return r;
	}
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		if (!peer_is_ours(w, s)) {
			close(s);
			snprintf(err, errlen, "wire socket:%s: the listener belongs to another user "
				 "(uid %u may not be this card's cable)", path, (unsigned)geteuid());
			return -EPERM;
		}
		w->fd = s;
		return 0;
	}
	if (errno != ENOENT) {
		r = -errno;
		close(s);
		snprintf(err, errlen, "wire socket:%s: cannot connect: %s%s", path, strerror(-r),
			 r == -ECONNREFUSED ? " (a stale socket: nobody listens; remove it)" : "");
		return r;
	}
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0) {
		r = -errno;
		close(s);
		snprintf(err, errlen, "wire socket:%s: cannot listen: %s", path, strerror(-r));
		return r;
	}
	w->listen_fd = s;
	snprintf(w->path, sizeof(w->path), "%s", path);
	return 0;
}

static int open_pcap(struct ik_netwire *w, const char *file, char *err, size_t errlen)
{
	const uint32_t hdr[6] = {PCAP_MAGIC, 2u | 4u << 16, 0, 0, IK_NETWIRE_FRAME_MAX,
				 PCAP_LINKTYPE_ETH};
	struct stat st;
	int r;

	/* O_NONBLOCK: a FIFO put at FILE (with no reader) must not hang the monitor in open();
	 * anything but a regular file (a FIFO, a device) is refused. */
	w->fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		r = -errno;
		snprintf(err, errlen, "wire pcap:%s: cannot create: %s", file, strerror(-r));
		return r;
	}
	if (fstat(w->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "wire pcap:%s: not a regular file", file);
		return -EINVAL;
	}
	if (write(w->fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr)) {
		snprintf(err, errlen, "wire pcap:%s: cannot write the header", file);
		return -EIO;
	}
	w->pcap_room = IK_NETWIRE_PCAP_MAX - sizeof(hdr);
	return 0;
}

/*
 * A TAP wire's transmit queue. Ownership: slots [head, tail) belong to the writer thread, the
 * others to the sender (the card, under its device lock); both indices are free-running and
 * change under `lock` only, the frames are copied outside it by their owner. The writer takes
 * everything queued, writes it, then gives the slots back; it sleeps only on an empty queue.
 * The sender wakes a sleeping writer once per burst (ik_netwire_flush at the end of the card's
 * transmit work), or when the queue is half full: a wake per frame made the writer preempt
 * the driver's vCPU on every frame (12,000 times a second under TCP, each a reload of the
 * vCPU's state).
 */
struct txq_slot {
	uint16_t len;
	uint8_t frame[IK_NETWIRE_FRAME_MAX];
};

struct ik_netwire_txq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t writer;
	unsigned head, tail;
	bool quit, sleeping;
	int fd;
	uint64_t sent, dropped; /* the writer's, under lock */
	struct txq_slot slot[IK_NETWIRE_TXQ];
};

static void *txq_writer(void *arg)
{
	struct ik_netwire_txq *q = arg;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->head == q->tail && !q->quit) {
			q->sleeping = true;
			pthread_cond_wait(&q->cond, &q->lock);
			q->sleeping = false;
		}
		if (q->head == q->tail)
			break; /* quit, and everything queued went out */
		unsigned head = q->head, tail = q->tail, sent = 0;

		pthread_mutex_unlock(&q->lock);
		for (unsigned i = head; i != tail; i++) {
			const struct txq_slot *f = &q->slot[i % IK_NETWIRE_TXQ];

			if (write(q->fd, f->frame, f->len) == (ssize_t)f->len)
				sent++;
		}
		pthread_mutex_lock(&q->lock);
		q->sent += sent;
		q->dropped += (tail - head) - sent;
		q->head = tail;
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* The TAP's queue and writer (before the sandbox: the monitor's devices are made then). */
static int txq_start(struct ik_netwire *w, char *err, size_t errlen)
{
	struct ik_netwire_txq *q = calloc(1, sizeof(*q));
	int r;

	if (!q) {
		snprintf(err, errlen, "wire: out of memory for the transmit queue");
		return -ENOMEM;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	q->fd = w->fd;
	if ((r = pthread_create(&q->writer, NULL, txq_writer, q))) {
		snprintf(err, errlen, "wire: cannot start its writer thread: %s", strerror(r));
		pthread_mutex_destroy(&q->lock);
		pthread_cond_destroy(&q->cond);
		free(q);
		return -r;
	}
	w->txq = q;
	return 0;
}

/* Stop the writer once what is queued went out; fold its counts into the wire's. */
static void txq_stop(struct ik_netwire *w)
{
	struct ik_netwire_txq *q = w->txq;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->quit = true;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->writer, NULL);
	w->sent += q->sent;
	w->dropped += q->dropped;
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
	w->txq = NULL;
}

static void txq_send(struct ik_netwire *w, const uint8_t *frame, size_t len)
{
	struct ik_netwire_txq *q = w->txq;
	struct txq_slot *f;

	pthread_mutex_lock(&q->lock);
	if (q->tail - q->head == IK_NETWIRE_TXQ) {
		pthread_mutex_unlock(&q->lock);
		w->dropped++; /* the wire is busy: as a full TAP queue drops */
		return;
	}
	f = &q->slot[q->tail % IK_NETWIRE_TXQ];
	pthread_mutex_unlock(&q->lock);
	/* the slot at tail is the sender's until tail moves past it */
	memcpy(f->frame, frame, len);
	f->len = (uint16_t)len;
	pthread_mutex_lock(&q->lock);
	q->tail++;
	if (q->sleeping && q->tail - q->head >= IK_NETWIRE_TXQ / 2)
		pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void ik_netwire_flush(struct ik_netwire *w)
{
	struct ik_netwire_txq *q = w->txq;

	if (!q)
		return; /* the other wires send at once */
	pthread_mutex_lock(&q->lock);
	if (q->sleeping && q->tail != q->head)
		pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

int ik_netwire_open(struct ik_netwire *w, const char *spec, char *err, size_t errlen)
{
	int r = 0;

	memset(w, 0, sizeof(*w));
	w->fd = w->listen_fd = -1;
	if (!strcmp(spec, "none"))
		return 0;
	if (!strncmp(spec, "tap:", 4)) {
		w->kind = IK_WIRE_TAP;
		r = open_tap(w, spec + 4, err, errlen);
		if (!r)
			r = txq_start(w, err, errlen);
	} else if (!strncmp(spec, "socket:", 7)) {
		w->kind = IK_WIRE_SOCKET;
		r = open_socket(w, spec + 7, err, errlen);
	} else if (!strncmp(spec, "pcap:", 5)) {
		w->kind = IK_WIRE_PCAP;
		r = open_pcap(w, spec + 5, err, errlen);
	} else {
		snprintf(err, errlen,
			 "unknown wire '%s' (expected none, tap:NAME, socket:PATH or pcap:FILE)", spec);
		r = -EINVAL;
	}
	if (r)
		ik_netwire_close(w);
	return r;
}

void ik_netwire_close(struct ik_netwire *w)
{
	txq_stop(w); /* before its descriptor goes */
	if (w->fd >= 0)
		close(w->fd);
	if (w->listen_fd >= 0) {
		close(w->listen_fd);
		if (w->path[0])
			unlink(w->path);
	}
	w->fd = w->listen_fd = -1;
	w->path[0] = '\0';
}

static void pcap_record(struct ik_netwire *w, const uint8_t *frame, size_t len)
{
	struct timespec ts;
	uint32_t rec[4];

	if (sizeof(rec) + len > w->pcap_room) { /* the capture is full (IK_NETWIRE_PCAP_MAX) */
		w->dropped++;
		return;
	}
	w->pcap_room -= sizeof(rec) + len;
	clock_gettime(CLOCK_REALTIME, &ts);
	rec[0] = (uint32_t)ts.tv_sec;
	rec[1] = (uint32_t)(ts.tv_nsec / 1000);
	rec[2] = rec[3] = (uint32_t)len;
	if (write(w->fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec) ||
	    write(w->fd, frame, len) != (ssize_t)len)
		w->dropped++;
	else
		w->sent++;
}

void ik_netwire_send(struct ik_netwire *w, const uint8_t *frame, size_t len)
{
	ssize_t n;

	if (len > IK_NETWIRE_FRAME_MAX || w->fd < 0) {
		w->dropped++;
		return;
	}
	if (w->kind == IK_WIRE_PCAP) {
		pcap_record(w, frame, len);
		return;
	}
	if (w->txq) {
		txq_send(w, frame, len);
		return;
	}
	if (w->kind == IK_WIRE_SOCKET)
		n = send(w->fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	else
		n = write(w->fd, frame, len);
	if (n == (ssize_t)len)
		w->sent++;
	else
		w->dropped++;
}

int ik_netwire_poll_fd(const struct ik_netwire *w)
{
	if (w->kind == IK_WIRE_PCAP)
		return -1;
	return w->fd >= 0 ? w->fd : w->listen_fd;
}

/* The listener's peer arrived: it becomes the cable (one peer at a time), if it is ours. */
static ssize_t accept_peer(struct ik_netwire *w)
{
	int s = accept4(w->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (s < 0)
		return errno == EAGAIN || errno == EINTR || errno == ECONNABORTED ? 0 : -errno;
	if (!peer_is_ours(w, s)) { /* not a card of ours: hung up on, the cable stays free */
		close(s);
		w->refused++;
		return 0;
	}
	w->fd = s;
	return 0;
}

ssize_t ik_netwire_recv(struct ik_netwire *w, uint8_t *buf)
{
	uint8_t big[IK_NETWIRE_FRAME_MAX + 1];
	ssize_t n;

	if (w->kind == IK_WIRE_SOCKET && w->fd < 0 && w->listen_fd >= 0)
		return accept_peer(w);
	if (w->fd < 0 || w->kind == IK_WIRE_PCAP)
		return 0;
	if (w->kind == IK_WIRE_SOCKET)
		n = recv(w->fd, big, sizeof(big), MSG_DONTWAIT);
	else
		n = read(w->fd, big, sizeof(big));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0 && w->kind == IK_WIRE_SOCKET) { /* the peer hung up: unplugged */
		close(w->fd);
		w->fd = -1;
		return 0;
	}
	if ((size_t)n > IK_NETWIRE_FRAME_MAX) {
		w->dropped++;
		return 0;
	}
	memcpy(buf, big, (size_t)n);
	return n;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned v[6];
	char tail;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
				      &v[4], &v[5], &tail) != 6)
		return -EINVAL;
	for (unsigned i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return (mac[0] & 1) ? -EINVAL : 0; /* a station address is not multicast */
}

int ik_netwire_card_open(struct ik_device *dev, struct ik_netwire *w, const uint8_t *def_mac,
			 uint8_t *mac)
{
	char text[32], wire[IK_NETWIRE_SPEC_MAX + 8], err[160];
	int r;

	memcpy(mac, def_mac, 6);
	mac[5] = (uint8_t)(mac[5] + dev->index);
	r = ik_dev_opt(dev, "mac", text, sizeof(text));
	if (r == 0 && parse_mac(text, mac))
		return ik_dev_fail(dev, "option mac=%s: expected a unicast XX:XX:XX:XX:XX:XX", text);
	if (r && r != -ENOENT)
		return ik_dev_fail(dev, "option mac: value too long");
	r = ik_dev_opt(dev, "wire", wire, sizeof(wire));
	if (r == -ENOENT)
		snprintf(wire, sizeof(wire), "none");
	else if (r)
		return ik_dev_fail(dev, "option wire: value too long (at most %zu bytes)",
				   sizeof(wire) - 1);
	if ((r = ik_netwire_open(w, wire, err, sizeof(err))))
		return ik_dev_fail(dev, "%s", err);
	return 0;
}
