/* SPDX-License-Identifier: MIT */
/* The host-interface relay: TAP <-> a driver's net_device node (netif_relay.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "domain.h"
#include "drvhost.h"
#include "ikernel/ikernel.h"
#include "ikernel/netif.h"
#include "netif_relay.h"

#define RELAY_IO_MAX 65536u /* bytes per call: one ring data buffer */
/* A write of frames the driver has not taken after this long is a hung transmit path: past
 * Linux's own transmit watchdog (5 s, ndo_tx_timeout), which gets its chance first. A write
 * waits only while the driver's queue is stopped with its carrier on (netif_host.c). */
#define RELAY_TX_DEADLINE_MS 10000u
#define RELAY_WATCH_MS 250u

struct ik_netif_relay {
	char name[IK_IFNAME_MAX];
	char driver[IK_NAME_MAX];
	int tap_fd;
	int quit_fd; /* eventfd: the to-driver thread's poll ends with the relay */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ik_drvhost *dh; /* NULL once stopped: say nothing, touch no driver state */
	bool go, opened, failed;
	int h;    /* the node's libikernel handle, once opened */
	int refs; /* the host's, and one per running thread */

	_Atomic uint64_t write_since_ns; /* a write to the driver outstanding since; 0: none */
	struct ik_netif_link link; /* the last link applied to the TAP */
	bool link_known;
	unsigned vnet_len;   /* the TAP's frames carry a virtio_net_hdr of this size; 0: none */
	_Atomic uint16_t offloads; /* IK_NETIF_OFF_* applied to the TAP (vnet_len only) */
	atomic_uint_fast64_t to_driver, from_driver, dropped;
};

static void relay_put(struct ik_netif_relay *r)
{
	bool last;

	pthread_mutex_lock(&r->lock);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->lock);
	if (!last)
		return;
	if (r->opened)
		ik_close(r->h);
	close(r->tap_fd);
	close(r->quit_fd);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	free(r);
}

/* A line in the driver's log while the relay still belongs to a live driver. */
static void relay_log(struct ik_netif_relay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void relay_log(struct ik_netif_relay *r, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&r->lock);
	if (r->dh)
		ik_dh_log(r->dh, "ikernel: driver '%s' host interface %s: %s", r->driver, r->name, line);
	pthread_mutex_unlock(&r->lock);
}

/* The driver broke the record format: it ends (as a violation), the relay with it. */
static void relay_violation(struct ik_netif_relay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void relay_violation(struct ik_netif_relay *r, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&r->lock);
	if (r->dh)
		ik_dh_violation(r->dh, 0, "host interface %s: %s", r->name, what);
	pthread_mutex_unlock(&r->lock);
}

/* Wait until the driver is ready (go) or the relay is stopped; true to carry on. */
static bool wait_go(struct ik_netif_relay *r)
{
	bool go;

	pthread_mutex_lock(&r->lock);
	while (!r->go && r->dh)
		pthread_cond_wait(&r->cond, &r->lock);
	go = r->dh != NULL;
	pthread_mutex_unlock(&r->lock);
	return go;
}

static bool mac_usable(const uint8_t *m)
{
	static const uint8_t zero[6];

	return memcmp(m, zero, 6) != 0 && !(m[0] & 1); /* not zero, not multicast */
}

/* The TAP's offloads (TUNSETOFFLOAD): what the host's stack may leave to the card, from what
 * the driver says its card does. Only a TAP with a virtio_net_hdr can carry them. */
static void apply_offloads(struct ik_netif_relay *r, uint16_t want)
{
	unsigned tun = 0;

	want &= IK_NETIF_OFF_CSUM | IK_NETIF_OFF_TSO4 | IK_NETIF_OFF_TSO6;
	if (!(want & IK_NETIF_OFF_CSUM))
		want = 0; /* segmentation needs the checksum finished by the card too */
	if (!r->vnet_len || want == atomic_load(&r->offloads))
		return;
	if (want & IK_NETIF_OFF_CSUM)
		tun |= TUN_F_CSUM;
	if (want & IK_NETIF_OFF_TSO4)
		tun |= TUN_F_TSO4;
	if (want & IK_NETIF_OFF_TSO6)
		tun |= TUN_F_TSO6;
	if (ioctl(r->tap_fd, TUNSETOFFLOAD, tun) < 0) {
		relay_log(r, "cannot set the offloads: %s", strerror(errno));
		return;
	}
	atomic_store(&r->offloads, want);
	relay_log(r, "offloads: checksum %s, TCP segmentation %s%s%s", want ? "by the card" : "by the host",
		  want & (IK_NETIF_OFF_TSO4 | IK_NETIF_OFF_TSO6) ? "by the card for" : "by the host",
		  want & IK_NETIF_OFF_TSO4 ? " IPv4" : "", want & IK_NETIF_OFF_TSO6 ? " IPv6" : "");
}

/* The driver's link, applied to the TAP: its MAC address (so the host's stack addresses frames
 * to the card) and its carrier. */
static void apply_link(struct ik_netif_relay *r, const struct ik_netif_link *l)
{
	struct ifreq ifr = {0};
	int carrier = l->carrier ? 1 : 0;

	if (!r->link_known || memcmp(r->link.mac, l->mac, 6)) {
		if (!mac_usable(l->mac)) {
			relay_log(r, "the driver's MAC address %02x:%02x:%02x:%02x:%02x:%02x is not a "
				  "unicast address; the interface keeps its own",
				  l->mac[0], l->mac[1], l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
		} else {
			ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
			memcpy(ifr.ifr_hwaddr.sa_data, l->mac, 6);
			if (ioctl(r->tap_fd, SIOCSIFHWADDR, &ifr) < 0)
				relay_log(r, "cannot set the MAC address: %s", strerror(errno));
		}
	}
	if ((!r->link_known || r->link.carrier != l->carrier) &&
	    ioctl(r->tap_fd, TUNSETCARRIER, &carrier) < 0)
		relay_log(r, "cannot set the carrier: %s", strerror(errno));
	apply_offloads(r, l->offloads);
	if (!r->link_known || memcmp(&r->link, l, sizeof(*l)))
		relay_log(r, "MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u, carrier %s",
			  l->mac[0], l->mac[1], l->mac[2], l->mac[3], l->mac[4], l->mac[5], l->mtu,
			  l->carrier ? "on" : "off");
	r->link = *l;
	r->link_known = true;
}

/* Why record `rec` at byte `off` of a read of n bytes is not one the driver may send, or NULL. */
static const char *bad_record(const struct ik_netif_rec *rec, size_t off, size_t n, char *why,
			      size_t whylen)
{
	if (rec->flags)
		snprintf(why, whylen, "record at byte %zu: reserved flags 0x%x set", off, rec->flags);
	else if (ik_netif_rec_size(rec->len) > n - off)
		snprintf(why, whylen, "record at byte %zu: %u bytes run past the read (%zu left)", off,
			 ik_netif_rec_size(rec->len), n - off);
	else if (rec->type == IK_NETIF_FRAME && (rec->len < 14 || rec->len > IK_NETIF_FRAME_MAX))
		snprintf(why, whylen, "record at byte %zu: a frame of %u bytes (14 to %u)", off,
			 rec->len, IK_NETIF_FRAME_MAX);
	else if (rec->type == IK_NETIF_LINK && rec->len != sizeof(struct ik_netif_link))
		snprintf(why, whylen, "record at byte %zu: a link record of %u bytes (%zu)", off,
			 rec->len, sizeof(struct ik_netif_link));
	else if (rec->type != IK_NETIF_FRAME && rec->type != IK_NETIF_LINK)
		snprintf(why, whylen, "record at byte %zu: unknown type %u", off, rec->type);
	else
		return NULL;
	return why;
}

int ik_netif_records_check(const uint8_t *buf, size_t n, char *why, size_t whylen)
{
	for (size_t off = 0; off < n;) {
		struct ik_netif_rec rec;

		if (n - off < sizeof(rec)) {
			snprintf(why, whylen, "record at byte %zu: a header cut short (%zu bytes left)",
				 off, n - off);
			return -EPROTO;
		}
		memcpy(&rec, buf + off, sizeof(rec));
		if (bad_record(&rec, off, n, why, whylen))
			return -EPROTO;
		off += ik_netif_rec_size(rec.len);
	}
	return 0;
}

/* One frame from the driver to the TAP (after a zero virtio_net_hdr when the TAP has one: the
 * host checks its checksums). A TAP that is down refuses frames (EIO): dropped, as a wire
 * would. true when it went. */
static bool tap_write_frame(struct ik_netif_relay *r, const uint8_t *frame, size_t len)
{
	uint8_t out[sizeof(struct virtio_net_hdr_v1) + IK_NETIF_FRAME_MAX];
	size_t hl = r->vnet_len;

	if (!hl)
		return write(r->tap_fd, frame, len) == (ssize_t)len;
	memset(out, 0, hl);
	memcpy(out + hl, frame, len); /* len <= IK_NETIF_FRAME_MAX: checked with the record */
	return write(r->tap_fd, out, hl + len) == (ssize_t)(hl + len);
}

/* The records one read returned: all checked first (hostile: nothing of a read that breaks
 * the format reaches the TAP), then the frames written and the link applied. false when the
 * driver broke the format (it is being ended). */
static bool from_driver_records(struct ik_netif_relay *r, const uint8_t *buf, size_t n)
{
	char why[160];

	if (ik_netif_records_check(buf, n, why, sizeof(why))) {
		relay_violation(r, "%s", why);
		return false;
	}
	for (size_t off = 0; off < n;) {
		struct ik_netif_rec rec;

		memcpy(&rec, buf + off, sizeof(rec));
		const uint8_t *payload = buf + off + sizeof(rec);
		if (rec.type == IK_NETIF_FRAME) {
			if (tap_write_frame(r, payload, rec.len))
				atomic_fetch_add(&r->from_driver, 1);
			else
				atomic_fetch_add(&r->dropped, 1);
		} else {
			struct ik_netif_link l;

			memcpy(&l, payload, sizeof(l));
			apply_link(r, &l);
		}
		off += ik_netif_rec_size(rec.len);
	}
	return true;
}

static void *from_driver_main(void *arg)
{
	struct ik_netif_relay *r = arg;
	uint8_t *buf = malloc(RELAY_IO_MAX);
	int h;

	if (buf && wait_go(r)) {
		h = ik_open_plain(r->name, O_RDWR, 0);
		pthread_mutex_lock(&r->lock);
		r->opened = h >= 0;
		r->failed = h < 0;
		r->h = h;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
		if (h < 0)
			relay_log(r, "cannot open the driver's node: %s", strerror(-h));
		for (ssize_t n; h >= 0 && (n = ik_read(h, buf, RELAY_IO_MAX)) != 0;) {
			if (n < 0) {
				if (n == -EINTR || n == -EAGAIN)
					continue;
				relay_log(r, "reading from the driver: %s", strerror((int)-n));
				break;
			}
			if (!from_driver_records(r, buf, (size_t)n))
				break;
		}
	}
	free(buf);
	relay_put(r);
	return NULL;
}

/* The to-driver thread's frame from the TAP: read once, put into a batch when it fits. */
struct tap_frame {
	uint8_t *buf; /* vnet_len + IK_NETIF_GSO_FRAME_MAX bytes */
	size_t len;   /* 0: none held */
};

/* What the host's stack left to the card for this frame (the TAP's virtio_net_hdr), as our
 * offload header: 1 when there is some, 0 when none, -1 when the frame cannot go to this
 * driver (an offload it does not offer or we do not know: dropped, the host's TCP resends). */
static int frame_offload(struct ik_netif_relay *r, const uint8_t *vh, size_t flen,
			 struct ik_netif_offload *o)
{
	struct virtio_net_hdr h;
	uint16_t off = atomic_load(&r->offloads);

	memcpy(&h, vh, sizeof(h));
	*o = (struct ik_netif_offload){0};
	if (!(h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && h.gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return flen <= IK_NETIF_FRAME_MAX ? 0 : -1;
	if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		o->flags = IK_NETIF_OFL_CSUM;
		o->csum_start = h.csum_start;
		o->csum_offset = h.csum_offset;
	}
	switch (h.gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return flen <= IK_NETIF_FRAME_MAX ? 1 : -1;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		if (!(off & IK_NETIF_OFF_TSO4))
			return -1;
		o->gso_type = IK_NETIF_GSO_TCPV4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		if (!(off & IK_NETIF_OFF_TSO6))
			return -1;
		o->gso_type = IK_NETIF_GSO_TCPV6;
		break;
	default:
		return -1; /* UDP fragmentation, ECN: never offered */
	}
	o->gso_size = h.gso_size;
	return o->flags ? 1 : -1; /* segmentation always leaves the checksum to the card */
}

/* The held frame as a record at out (room bytes): its size, 0 when it does not fit (it stays
 * held), or the frame is dropped (not one this driver takes) and counted: then f->len is 0. */
static size_t put_tap_frame(struct ik_netif_relay *r, struct tap_frame *f, uint8_t *out,
			    size_t room)
{
	size_t hl = r->vnet_len, flen = f->len - hl;
	struct ik_netif_offload o;
	int has = 0;

	if (f->len < hl + 14 || (hl && (has = frame_offload(r, f->buf, flen, &o)) < 0) ||
	    (!hl && flen > IK_NETIF_FRAME_MAX)) {
		atomic_fetch_add(&r->dropped, 1); /* not a frame a card takes: as Linux drops it */
		f->len = 0;
		return 0;
	}
	struct ik_netif_rec rec = {.len = (uint16_t)(flen + (has ? sizeof(o) : 0)),
				   .type = IK_NETIF_FRAME,
				   .flags = has ? IK_NETIF_REC_OFFLOAD : 0};
	uint32_t size = ik_netif_rec_size(rec.len);

	if (size > room)
		return 0;
	memcpy(out, &rec, sizeof(rec));
	if (has)
		memcpy(out + sizeof(rec), &o, sizeof(o));
	memcpy(out + sizeof(rec) + (has ? sizeof(o) : 0), f->buf + hl, flen);
	memset(out + sizeof(rec) + rec.len, 0, size - sizeof(rec) - rec.len);
	f->len = 0;
	atomic_fetch_add(&r->to_driver, 1);
	return size;
}

/* Frames waiting on the TAP, as records in buf (without blocking); bytes used. A frame that
 * does not fit stays held in f for the next batch. */
static size_t take_tap_frames(struct ik_netif_relay *r, struct tap_frame *f, uint8_t *buf,
			      size_t room)
{
	size_t used = 0;

	for (;;) {
		if (!f->len) {
			ssize_t n = read(r->tap_fd, f->buf, r->vnet_len + IK_NETIF_GSO_FRAME_MAX);

			if (n <= 0)
				break; /* EAGAIN: no more now */
			f->len = (size_t)n;
		}
		size_t put = put_tap_frame(r, f, buf + used, room - used);
		if (f->len)
			break; /* held: the batch is full */
		used += put;
	}
	return used;
}

/* Write all of buf to the node (a write may take fewer records than given). false on an
 * error of the driver's. */
static bool write_all(struct ik_netif_relay *r, int h, const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		atomic_store(&r->write_since_ns, ik_mono_ns());
		ssize_t n = ik_write(h, buf + off, len - off);

		atomic_store(&r->write_since_ns, 0);
		if (n == -EINTR)
			continue;
		if (n <= 0 || (size_t)n > len - off) {
			relay_log(r, "writing to the driver: %s", n < 0 ? strerror((int)-n) : "no progress");
			return false;
		}
		off += (size_t)n;
	}
	return true;
}

static void *to_driver_main(void *arg)
{
	struct ik_netif_relay *r = arg;
	uint8_t *buf = malloc(RELAY_IO_MAX);
	struct tap_frame f = {malloc(r->vnet_len + IK_NETIF_GSO_FRAME_MAX), 0};
	int h = -1;

	if (buf && f.buf && wait_go(r)) {
		pthread_mutex_lock(&r->lock);
		while (!r->opened && !r->failed && r->dh)
			pthread_cond_wait(&r->cond, &r->lock);
		h = r->opened ? r->h : -1;
		pthread_mutex_unlock(&r->lock);
	}
	while (h >= 0) {
		struct pollfd p[2] = {{.fd = r->tap_fd, .events = POLLIN}, {.fd = r->quit_fd, .events = POLLIN}};

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN)) {
			if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
				/* The interface was removed under us (its namespace deleted): nothing
				 * will come; the frames from the driver are dropped from now on. */
				relay_log(r, "the TAP is gone (poll: 0x%x); no more frames to the driver",
					  (unsigned)p[0].revents);
				break;
			}
			continue;
		}
		/* Until the TAP has nothing left (a held frame is sent in the next batch). */
		for (size_t n; (n = take_tap_frames(r, &f, buf, RELAY_IO_MAX)) != 0;)
			if (!write_all(r, h, buf, n)) {
				h = -1;
				break;
			}
	}
	free(f.buf);
	free(buf);
	relay_put(r);
	return NULL;
}

/* The transmit deadline: a write the driver leaves unanswered past RELAY_TX_DEADLINE_MS ends
 * it as hung (the supervisor's policy restarts it), as a request the driver ignores would. */
static void *watch_main(void *arg)
{
	struct ik_netif_relay *r = arg;
	const struct timespec tick = {0, RELAY_WATCH_MS * 1000000l};

	for (;;) {
		nanosleep(&tick, NULL);
		uint64_t since = atomic_load(&r->write_since_ns);
		pthread_mutex_lock(&r->lock);
		bool live = r->dh != NULL;
		if (live && since && ik_mono_ns() - since > RELAY_TX_DEADLINE_MS * 1000000ull) {
			ik_dh_hung(r->dh, "host interface %s: frames written to it not taken for %u ms "
				   "(its transmit path does not move)", r->name, RELAY_TX_DEADLINE_MS);
			live = false;
		}
		pthread_mutex_unlock(&r->lock);
		if (!live)
			break;
	}
	relay_put(r);
	return NULL;
}

/* How the TAP's frames come (before the sandbox): with a virtio_net_hdr when it was made with
 * IFF_VNET_HDR (the supervisor's are; a descriptor `ikernel run --netdev NAME,fd=N` was given
 * may not be), its size set to ours, and no offload until the driver says what its card does
 * (a TAP held across a restart keeps the previous driver's). 0, or -errno with why in err. */
static int tap_frames_format(struct ik_netif_relay *r, char *err, size_t errlen)
{
	struct ifreq ifr = {0};
	int size = sizeof(struct virtio_net_hdr);

	if (ioctl(r->tap_fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_VNET_HDR))
		return 0; /* plain frames */
	if (ioctl(r->tap_fd, TUNSETVNETHDRSZ, &size) < 0 || ioctl(r->tap_fd, TUNSETOFFLOAD, 0) < 0) {
		int e = errno;

		snprintf(err, errlen, "host interface %s: cannot set up the TAP's virtio_net_hdr: %s",
			 r->name, strerror(e));
		return -e;
	}
	r->vnet_len = (unsigned)size;
	return 0;
}

int ik_netif_relay_start(struct ik_netif_relay **out, struct ik_drvhost *dh, const char *name,
			 int tap_fd, char *err, size_t errlen)
{
	struct ik_netif_relay *r = calloc(1, sizeof(*r));
	void *(*const mains[])(void *) = {from_driver_main, to_driver_main, watch_main};
	pthread_t th;
	int e;

	*out = NULL;
	if (!r) {
		close(tap_fd);
		snprintf(err, errlen, "host interface %s: out of memory", name);
		return -ENOMEM;
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->driver, sizeof(r->driver), "%s", dh->name);
	r->tap_fd = tap_fd;
	r->dh = dh;
	r->h = -1;
	r->refs = 1;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->quit_fd = eventfd(0, EFD_CLOEXEC);
	/* Ours alone from now on: the sandbox closes inherited descriptors, and the to-driver
	 * thread must never block in a read. */
	if (r->quit_fd < 0 || fcntl(tap_fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(tap_fd, F_SETFL, fcntl(tap_fd, F_GETFL) | O_NONBLOCK) < 0) {
		e = errno;
		snprintf(err, errlen, "host interface %s: descriptor %d: %s", name, tap_fd, strerror(e));
		if (r->quit_fd < 0)
			r->quit_fd = eventfd(0, EFD_CLOEXEC); /* relay_put closes one */
		relay_put(r);
		return -e;
	}
	if ((e = tap_frames_format(r, err, errlen))) {
		relay_put(r);
		return e;
	}
	for (unsigned i = 0; i < sizeof(mains) / sizeof(mains[0]); i++) {
		r->refs++;
		e = pthread_create(&th, NULL, mains[i], r);
		if (e) {
			r->refs--;
			snprintf(err, errlen, "host interface %s: cannot start a thread: %s", name, strerror(e));
			ik_netif_relay_stop(r);
			return -e;
		}
		pthread_detach(th);
	}
	*out = r;
	return 0;
}

void ik_netif_relay_go(struct ik_netif_relay *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->go = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

void ik_netif_relay_stop(struct ik_netif_relay *r)
{
	uint64_t one = 1;

	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	if (r->dh && r->opened)
		ik_dh_log(r->dh, "ikernel: driver '%s' host interface %s: %llu frames to the driver, "
			  "%llu from it, %llu dropped (too long for a card, or the TAP down)", r->driver,
			  r->name, (unsigned long long)atomic_load(&r->to_driver),
			  (unsigned long long)atomic_load(&r->from_driver),
			  (unsigned long long)atomic_load(&r->dropped));
	r->dh = NULL;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	if (write(r->quit_fd, &one, sizeof(one)) < 0) {
		/* an eventfd write fails only when its counter would overflow: already signalled */
	}
	relay_put(r);
}
