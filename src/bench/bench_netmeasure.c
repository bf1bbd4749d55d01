/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench net`: what is measured from namespace A to namespace B, whatever joins them
 * (bench_net.c's topologies). Each side is a thread that entered its namespace (setns on a
 * thread moves only that thread), so no program is spawned per sample:
 *   ping round trip  ICMP echo from A (raw socket) answered by B's kernel, one at a time (56
 *                    bytes as ping(8); 1,472 for MTU-size frames both ways)
 *   TCP              a sender in A, a receiver in B reading for a fixed time from the
 *                    connection: MB/s received; repeated, the median
 *   frames/s         minimum-size UDP datagrams from A as fast as it can send for a while: the
 *                    frames B received per second (what the path delivers, not what was sent)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "bench_net.h"

#define NET_TCP_PORT 5201
#define NET_UDP_PORT 5202
#define NET_PING_WAIT 1000 /* ms for one echo reply */
#define NET_PING_MAX   NET_PING_MTU
#define NET_CHUNK 65536
#define NET_TIMEOUT_MS 60000

static struct sockaddr_in addr_of(const char *ip, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

/* ---- ping --------------------------------------------------------------------------------- */

struct ping_job {
	long n, lost;
	size_t payload;
	uint64_t *s;
	int err;
};

static uint16_t icmp_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Wait for the echo reply (id, seq): 0, or -ETIMEDOUT. */
static int ping_reply(int fd, uint16_t id, uint16_t seq)
{
	uint64_t give_up = bench_now_ns() + NET_PING_WAIT * 1000000ull;
	uint8_t buf[1500];
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	while (bench_now_ns() < give_up) {
		if (poll(&pfd, 1, (int)((give_up - bench_now_ns()) / 1000000 + 1)) <= 0)
			continue;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(struct iphdr))
			continue;
		size_t hl = (size_t)(buf[0] & 0xf) * 4;
		if ((size_t)n < hl + sizeof(struct icmphdr))
			continue;
		struct icmphdr ic;
		memcpy(&ic, buf + hl, sizeof(ic));
		if (ic.type == ICMP_ECHOREPLY && ntohs(ic.un.echo.id) == id &&
		    ntohs(ic.un.echo.sequence) == seq)
			return 0;
	}
	return -ETIMEDOUT;
}

static void *ping_a(void *arg)
{
	struct ping_job *j = arg;
	struct sockaddr_in dst = addr_of(NET_IP_B, 0);
	uint8_t pkt[sizeof(struct icmphdr) + NET_PING_MAX] = {0};
	size_t len = sizeof(struct icmphdr) + j->payload;
	uint16_t id = (uint16_t)getpid();
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	long done = 0;

	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		j->err = -errno;
		goto out;
	}
	for (uint16_t seq = 1; done < j->n && seq != 0; seq++) {
		struct icmphdr ic = {.type = ICMP_ECHO};
		ic.un.echo.id = htons(id);
		ic.un.echo.sequence = htons(seq);
		memcpy(pkt, &ic, sizeof(ic));
		((struct icmphdr *)pkt)->checksum = 0;
		uint16_t sum = icmp_sum(pkt, len);
		memcpy(pkt + offsetof(struct icmphdr, checksum), &sum, sizeof(sum));
		uint64_t t0 = bench_now_ns();
		if (send(fd, pkt, len, 0) < 0 || ping_reply(fd, id, seq)) {
			j->lost++;
			if (j->lost > j->n / 10 + 3) { /* not a path that works */
				j->err = -ETIMEDOUT;
				break;
			}
			continue;
		}
		j->s[done++] = bench_now_ns() - t0;
	}
	j->n = done;
out:
	if (fd >= 0)
		close(fd);
	return NULL;
}

int net_ping(const struct net_pair *p, long n, size_t payload, struct bench_row *row, char *why,
	     size_t len)
{
	struct ping_job j = {.n = n,
			     .payload = payload < NET_PING_MAX ? payload : NET_PING_MAX,
			     .s = calloc((size_t)n, sizeof(uint64_t))};
	struct net_side a = {p->a, ping_a, &j, 0};
	int r;

	if (!j.s)
		return -ENOMEM;
	if (!(r = net_side_run(&a)))
		r = j.err;
	if (!r && j.n > 0) {
		bench_latency(row, j.s, j.n);
		row->size = (uint32_t)j.payload;
		if (j.lost)
			snprintf(row->note, sizeof(row->note), "%ld of %ld echoes lost", j.lost,
				 j.n + j.lost);
	} else {
		snprintf(why, len, "ping %s -> %s: %s (%ld lost)", p->a, NET_IP_B,
			 strerror(-r ? -r : EIO), j.lost);
		r = r ? r : -EIO;
	}
	free(j.s);
	return r;
}

int net_wait_link(const struct net_pair *p, int secs)
{
	struct bench_row scratch = {0};
	char why[128];

	for (int i = 0; i < secs; i++)
		if (!net_ping(p, 1, NET_PING_SMALL, &scratch, why, sizeof(why)))
			return 0;
	return -ETIMEDOUT;
}

/* ---- TCP ---------------------------------------------------------------------------------- */

/* One transfer: A sends as fast as it can; B reads for `msecs` from accepting the connection
 * and counts what it got (slow start included, as an application sees it), then B stops and
 * the main thread shuts A's socket down. Timed by the receiver, so a transfer lasts the same
 * whatever the path's speed: a fixed size (16 MiB once) took 80 ms at the TAP limit, too short
 * to average out a scheduler hiccup, and 20 s through the NE2000 in a VM. */
struct tcp_job {
	int msecs;
	size_t got;
	int lfd;	 /* B's listening socket, made before A connects */
	int afd;	 /* A's socket: shut down by the main thread when B is done */
	uint64_t t0, t1; /* B accepted, B stopped reading */
	int err_a, err_b;
	int b_done; /* B stopped: A's error after this is the expected end */
};

static void *tcp_b(void *arg)
{
	struct tcp_job *j = arg;
	struct pollfd pfd = {.fd = j->lfd, .events = POLLIN};
	char *buf = malloc(NET_CHUNK);
	int c = -1;

	if (!buf || poll(&pfd, 1, NET_TIMEOUT_MS) != 1 || (c = accept(j->lfd, NULL, NULL)) < 0) {
		j->err_b = buf ? -ETIMEDOUT : -ENOMEM;
		goto out;
	}
	j->t0 = bench_now_ns();
	uint64_t end = j->t0 + (uint64_t)j->msecs * 1000000ull;
	pfd.fd = c;
	for (uint64_t now = j->t0; now < end; now = bench_now_ns()) {
		int wait = (int)((end - now) / 1000000u) + 1;
		int r = poll(&pfd, 1, wait);
		if (r < 0) {
			j->err_b = -errno;
			break;
		}
		if (r == 0)
			continue;
		ssize_t n = read(c, buf, NET_CHUNK);
		if (n <= 0) {
			j->err_b = n < 0 ? -errno : -EPIPE; /* A stopped before B's time was up */
			break;
		}
		j->got += (size_t)n;
	}
	j->t1 = bench_now_ns();
out:
	__atomic_store_n(&j->b_done, 1, __ATOMIC_RELEASE);
	if (c >= 0)
		close(c);
	free(buf);
	return NULL;
}

static void *tcp_a(void *arg)
{
	struct tcp_job *j = arg;
	struct sockaddr_in dst = addr_of(NET_IP_B, NET_TCP_PORT);
	char *buf = malloc(NET_CHUNK);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	__atomic_store_n(&j->afd, fd, __ATOMIC_RELEASE);
	if (!buf || fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		j->err_a = !buf ? -ENOMEM : -errno;
		shutdown(j->lfd, SHUT_RDWR); /* B waits for a connection that will not come */
		goto out;
	}
	for (size_t i = 0; i < NET_CHUNK; i++)
		buf[i] = (char)(i * 131);
	for (;;) {
		ssize_t n = send(fd, buf, NET_CHUNK, MSG_NOSIGNAL);
		if (n <= 0) {
			if (!__atomic_load_n(&j->b_done, __ATOMIC_ACQUIRE))
				j->err_a = n < 0 ? -errno : -EPIPE;
			break;
		}
	}
out:
	free(buf);
	return NULL; /* the main thread closes fd, after it shut it down */
}

/* B's listening socket, made on a thread inside B before A may connect. */
static void *tcp_listen_b(void *arg)
{
	struct tcp_job *j = arg;
	struct sockaddr_in me = addr_of(NET_IP_B, NET_TCP_PORT);
	int one = 1;

	j->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (j->lfd < 0 || setsockopt(j->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(j->lfd, (struct sockaddr *)&me, sizeof(me)) || listen(j->lfd, 1))
		j->err_b = -errno;
	return NULL;
}

int net_tcp_once(const struct net_pair *p, int msecs, double *mbs, char *why, size_t len)
{
	struct tcp_job j = {.msecs = msecs, .lfd = -1, .afd = -1};
	struct net_side l = {p->b, tcp_listen_b, &j, 0}, b = {p->b, tcp_b, &j, 0},
			a = {p->a, tcp_a, &j, 0};
	pthread_t tb, ta;
	int r, afd;

	if ((r = net_side_run(&l)) < 0 && !l.err)
		return r;
	if (l.err || j.err_b) {
		r = l.err ? l.err : j.err_b;
		snprintf(why, len, "TCP: listening in %s: %s", p->b, strerror(-r));
		goto out;
	}
	if ((r = net_side_start(&tb, &b)))
		goto out;
	if ((r = net_side_start(&ta, &a))) {
		shutdown(j.lfd, SHUT_RDWR);
		pthread_join(tb, NULL);
		goto out;
	}
	pthread_join(tb, NULL); /* B's time is up (or it failed) */
	shutdown(j.lfd, SHUT_RDWR);
	/* A may still be in connect or send: shutting its socket down ends either */
	afd = __atomic_load_n(&j.afd, __ATOMIC_ACQUIRE);
	if (afd >= 0)
		shutdown(afd, SHUT_RDWR);
	pthread_join(ta, NULL);
	if (j.afd >= 0)
		close(j.afd);
	r = a.err ? a.err : j.err_a ? j.err_a : b.err ? b.err : j.err_b;
	if (!r && j.got > 0 && j.t1 > j.t0) {
		*mbs = (double)j.got * 1e3 / (double)(j.t1 - j.t0);
	} else {
		snprintf(why, len, "TCP %s -> %s: %s (%zu bytes in %d ms)", p->a, p->b,
			 strerror(r ? -r : EIO), j.got, msecs);
		r = r ? r : -EIO;
	}
out:
	if (j.lfd >= 0)
		close(j.lfd);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void net_tcp_row(struct bench_row *row, const double *mbs, int runs, int msecs)
{
	double v[NET_TCP_RUNS_MAX], med;

	if (runs < 1 || runs > NET_TCP_RUNS_MAX)
		return;
	memcpy(v, mbs, (size_t)runs * sizeof(v[0]));
	qsort(v, (size_t)runs, sizeof(v[0]), cmp_double);
	med = runs % 2 ? v[runs / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2;
	row->value = med;
	row->bytes_s = med * 1e6;
	snprintf(row->unit, sizeof(row->unit), "MB/s");
	if (runs > 1)
		snprintf(row->note, sizeof(row->note),
			 "median of %d x %g s; min-max %.3f-%.3f MB/s", runs, msecs / 1e3, v[0],
			 v[runs - 1]);
	else
		snprintf(row->note, sizeof(row->note), "one transfer of %g s", msecs / 1e3);
}

/* ---- frames/s ----------------------------------------------------------------------------- */

struct udp_job {
	int msecs;
	int rfd;
	volatile int sending; /* A still sends */
	uint64_t sent, got, first, last;
	int err_a, err_b;
};

static void *udp_bind_b(void *arg)
{
	struct udp_job *j = arg;
	struct sockaddr_in me = addr_of(NET_IP_B, NET_UDP_PORT);
	int big = 4 << 20;

	j->rfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (j->rfd < 0 || bind(j->rfd, (struct sockaddr *)&me, sizeof(me)))
		j->err_b = -errno;
	else
		setsockopt(j->rfd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	return NULL;
}

static void *udp_b(void *arg)
{
	struct udp_job *j = arg;
	struct pollfd pfd = {.fd = j->rfd, .events = POLLIN};
	char buf[64];

	/* Until A is done and nothing more arrived for 200 ms. */
	for (;;) {
		int n = poll(&pfd, 1, 200);
		if (n <= 0) {
			if (!__atomic_load_n(&j->sending, __ATOMIC_ACQUIRE))
				break;
			continue;
		}
		while (recv(j->rfd, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
			j->last = bench_now_ns();
			if (!j->got++)
				j->first = j->last;
		}
	}
	return NULL;
}

static void *udp_a(void *arg)
{
	struct udp_job *j = arg;
	struct sockaddr_in dst = addr_of(NET_IP_B, NET_UDP_PORT);
	char payload[18] = "ikernel-bench-net"; /* 14 + 20 + 8 + 18 = 60: a minimum frame */
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		j->err_a = -errno;
		goto out;
	}
	uint64_t end = bench_now_ns() + (uint64_t)j->msecs * 1000000ull;
	while (bench_now_ns() < end)
		for (int i = 0; i < 64; i++)
			if (send(fd, payload, sizeof(payload), MSG_DONTWAIT) > 0)
				j->sent++;
out:
	__atomic_store_n(&j->sending, 0, __ATOMIC_RELEASE);
	if (fd >= 0)
		close(fd);
	return NULL;
}

int net_frames(const struct net_pair *p, int msecs, struct bench_row *row, char *why, size_t len)
{
	struct udp_job j = {.msecs = msecs, .rfd = -1, .sending = 1};
	struct net_side l = {p->b, udp_bind_b, &j, 0}, b = {p->b, udp_b, &j, 0},
			a = {p->a, udp_a, &j, 0};
	pthread_t tb, ta;
	int r;

	if ((r = net_side_run(&l)) < 0 && !l.err)
		return r;
	if ((r = l.err ? l.err : j.err_b) || (r = net_side_start(&tb, &b)))
		goto out;
	if ((r = net_side_start(&ta, &a))) {
		__atomic_store_n(&j.sending, 0, __ATOMIC_RELEASE);
		pthread_join(tb, NULL);
		goto out;
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	r = a.err ? a.err : j.err_a ? j.err_a : b.err;
	if (!r && j.got > 1 && j.last > j.first) {
		row->ops_s = (double)(j.got - 1) * 1e9 / (double)(j.last - j.first);
		row->value = row->ops_s;
		snprintf(row->unit, sizeof(row->unit), "frames/s");
		row->size = 60;
		snprintf(row->note, sizeof(row->note), "%llu of %llu sent delivered",
			 (unsigned long long)j.got, (unsigned long long)j.sent);
		r = 0;
	} else {
		r = r ? r : -EIO;
	}
out:
	if (r)
		snprintf(why, len, "UDP frames %s -> %s: %s (%llu received)", p->a, p->b,
			 strerror(-r), (unsigned long long)j.got);
	if (j.rfd >= 0)
		close(j.rfd);
	return r;
}
