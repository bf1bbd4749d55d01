/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench net` (issue 12, item 9): the same measurements over different topologies that
 * join two network namespaces of the bench's own, A (10.77.0.1) and B (10.77.0.2):
 *   raw      a TAP in each namespace and a frame copier between them, no driver (the limit)
 *   vm, process, inproc
 *            each card's driver, NE2000 and e1000 (manifests/linux/net/NAME.ini), under
 *            `ikernel up` started in B: its host interface (`netdev`) in A, its card's wire a
 *            TAP in B
 * Traffic goes only between A and B; both are removed at the end, also when a row fails.
 */
#ifndef IKERNEL_BENCH_NET_H
#define IKERNEL_BENCH_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#define NET_IP_A "10.77.0.1"
#define NET_IP_B "10.77.0.2"
#define NET_PREFIX "24"

/* The two namespaces of one topology, named with the pid and the topology's index k,
 * ikbn<pid>-<k>a and ...b (never a namespace the bench did not create). */
struct net_pair {
	char a[24], b[24];
	bool made_a, made_b;
};

/* bench_netns.c */
/* Run `ip ARGS...` (NULL-terminated), its output discarded; 0 or -1 (the command says why on
 * stderr only when `loud`). */
int net_ip(bool loud, ...);
int net_pair_create(struct net_pair *p, unsigned k);
/* Kill (by pid) what is still inside the namespaces, then delete them. Idempotent. */
void net_pair_delete(struct net_pair *p);
/* Move the calling thread into namespace `ns`: 0 or -errno. */
int net_enter(const char *ns);
/* fn(arg) on a thread inside namespace ns (setns moves only that thread); err: entering it. */
struct net_side {
	const char *ns;
	void *(*fn)(void *);
	void *arg;
	int err;
};
int net_side_start(pthread_t *t, struct net_side *s); /* 0 or -errno; join it */
int net_side_run(struct net_side *s);		      /* start, join: 0 or -errno */
/* A persistent TAP `name` in `ns`, up, with address `ip`/24 (ip may be NULL). */
int net_tap_create(const char *ns, const char *name, const char *ip);
/* Attach to TAP `name` inside `ns` (on a short-lived thread that enters it): the fd (O_NONBLOCK)
 * or -errno. */
int net_tap_open(const char *ns, const char *name);
/* Why namespaces cannot be used here (not root, no `ip netns`, no /dev/net/tun), or NULL. */
const char *net_missing(void);

/* bench_netmeasure.c: from A to B, whatever joins them. Each fills its row, or returns -errno
 * with the reason in `why`. */
struct bench_row;
int net_wait_link(const struct net_pair *p, int secs); /* until B answers a ping from A */
#define NET_PING_SMALL 56			       /* ping(8)'s payload */
#define NET_PING_MTU 1472			       /* a 1,514-byte frame each way */
int net_ping(const struct net_pair *p, long n, size_t payload, struct bench_row *row, char *why,
	     size_t len);
/* One TCP transfer of `msecs` (B reads for that long from accepting): its MB/s in *mbs, or
 * -errno with the reason in `why`. */
#define NET_TCP_RUNS_MAX 100
int net_tcp_once(const struct net_pair *p, int msecs, double *mbs, char *why, size_t len);
/* A TCP row from `runs` transfers' MB/s: their median, the note says how many and the range. */
void net_tcp_row(struct bench_row *row, const double *mbs, int runs, int msecs);
int net_frames(const struct net_pair *p, int msecs, struct bench_row *row, char *why, size_t len);

#endif
