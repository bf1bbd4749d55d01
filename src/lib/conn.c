/* SPDX-License-Identifier: MIT */
/* Connection lifetime: the per-process cache (one connection per driver and domain), references,
 * death. */
#include "conn.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drvstate.h"
#include "names.h"
#include "welcome.h"

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ik_conn *cache; /* every connection with refs > 0 */

bool ik_conn_is_dead(struct ik_conn *c)
{
	return __atomic_load_n(&c->dead, __ATOMIC_ACQUIRE) != 0;
}

void ik_conn_ref(struct ik_conn *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
}

static void conn_free(struct ik_conn *c)
{
	ik_conn_release_resources(c);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void ik_conn_put(struct ik_conn *c)
{
	int refs = __atomic_load_n(&c->refs, __ATOMIC_RELAXED);

	/* Not the last reference (the common case: the handle keeps one): drop it without the
	 * cache lock, which only the drop to zero needs. */
	while (refs > 1)
		if (__atomic_compare_exchange_n(&c->refs, &refs, refs - 1, false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			return;
	pthread_mutex_lock(&cache_lock);
	/* Dropping to zero under the cache lock: a lookup never revives a connection at zero. */
	if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0) {
		pthread_mutex_unlock(&cache_lock);
		return;
	}
	for (struct ik_conn **pp = &cache; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	conn_free(c); /* closing the socket detaches us: the guest releases the channel */
}

void ik_conn_kill_locked(struct ik_conn *c, bool notify, const char *fmt, ...)
{
	if (ik_conn_is_dead(c))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	__atomic_store_n(&c->dead, 1, __ATOMIC_RELEASE);
	if (notify) {
		struct ik_ctl_notice n = {.magic = IK_CTL_MAGIC, .kind = IK_NOTICE_VIOLATION};
		snprintf(n.reason, sizeof(n.reason), "%s", c->reason);
		/* Best effort: if the monitor is gone the VM is gone too. */
		(void)!send(c->sock, &n, sizeof(n), MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	pthread_cond_broadcast(&c->cond);
}

void ik_conn_socket_event_locked(struct ik_conn *c)
{
	struct ik_ctl_notice n;

	for (;;) {
		memset(&n, 0, sizeof(n));
		ssize_t got = recv(c->sock, &n, sizeof(n), MSG_DONTWAIT);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (got <= 0) {
			ik_conn_kill_locked(c, false, "driver %s: monitor connection lost", c->driver);
			return;
		}
		if ((size_t)got == sizeof(n) && n.magic == IK_CTL_MAGIC && n.kind == IK_NOTICE_DEAD) {
			n.reason[sizeof(n.reason) - 1] = '\0';
			ik_conn_kill_locked(c, false, "driver %s ended: %s", c->driver, n.reason);
			return;
		}
		/* Anything else from the (trusted) monitor: not for this version; ignore it. */
	}
}

/* Without a call in flight nobody watches the socket: look before reusing a connection. */
static bool conn_alive(struct ik_conn *c)
{
	struct pollfd p = {.fd = c->sock, .events = POLLIN};

	pthread_mutex_lock(&c->lock);
	/* A reaper sleeping in poll() watches the socket itself: never steal its notice. */
	if (!ik_conn_is_dead(c) && !c->reaping && poll(&p, 1, 0) > 0)
		ik_conn_socket_event_locked(c);
	bool alive = !ik_conn_is_dead(c);
	pthread_mutex_unlock(&c->lock);
	return alive;
}

static struct ik_conn *cache_find_locked(const char *key, uint32_t domain)
{
	for (struct ik_conn *c = cache; c; c = c->next)
		if (c->domain == domain && !strcmp(c->key, key) && conn_alive(c)) {
			ik_conn_ref(c);
			return c;
		}
	return NULL;
}

static int conn_new(const char *key, uint32_t domain, struct ik_conn **out)
{
	struct ik_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return -ENOMEM;
	c->sock = c->kick_fd = c->done_fd = -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	snprintf(c->key, sizeof(c->key), "%s", key);
	c->domain = domain;
	int err = ik_conn_handshake(c, key);
	if (err) {
		conn_free(c);
		return err;
	}
	ik_down_clear(key); /* reached again: whatever episode of its downtime we knew is over */
	c->refs = 1;
	*out = c;
	return 0;
}

/*
 * A monitor answers -EAGAIN when the only channels it could give us are still being released
 * by its driver (their clients have just left; the driver's release functions are running):
 * ask again, backing off from 1 ms, for up to IK_OPEN_DRAIN_WAIT_MS, without the cache lock
 * (other threads' opens go on meanwhile, and one of them may connect for us). A driver whose
 * channels are all held answers -EBUSY at once, and so do we when the release takes longer.
 */
#define IK_OPEN_DRAIN_WAIT_MS     2000u
#define IK_OPEN_DRAIN_STEP_MAX_MS 32u

static int conn_find_or_new(const char *key, uint32_t domain, struct ik_conn **out)
{
	unsigned waited = 0, step = 1;

	for (;;) {
		pthread_mutex_lock(&cache_lock);
		struct ik_conn *c = cache_find_locked(key, domain);
		int err = 0;
		if (c == NULL && (err = conn_new(key, domain, &c)) == 0) {
			c->next = cache; /* a new one: into the cache */
			cache = c;
		}
		pthread_mutex_unlock(&cache_lock);
		if (err != -EAGAIN) {
			*out = c;
			return err;
		}
		if (waited >= IK_OPEN_DRAIN_WAIT_MS)
			return -EBUSY;
		usleep(step * 1000u);
		waited += step;
		step = step * 2 > IK_OPEN_DRAIN_STEP_MAX_MS ? IK_OPEN_DRAIN_STEP_MAX_MS : step * 2;
	}
}

int ik_conn_get(const char *name, uint32_t domain, struct ik_conn **out, uint16_t *node)
{
	char path[PATH_MAX], key[PATH_MAX];
	int err = ik_node_path(name, path, sizeof(path));

	if (err)
		return err;
	/* nodes/N is a link to D.sock: the resolved path names the driver. */
	if (realpath(path, key) == NULL) {
		struct stat st;
		if (errno != ENOENT && errno != ENOTDIR)
			return -errno;
		/* A link left behind by a monitor that is gone names a node with no driver. */
		return lstat(path, &st) == 0 ? -ENXIO : -ENOENT;
	}

	struct ik_conn *c;
	err = conn_find_or_new(key, domain, &c);
	if (err)
		return err;

	int id = ik_welcome_node(&c->welcome, name);
	if (id < 0) {
		ik_conn_put(c);
		return -ENOENT;
	}
	*node = (uint16_t)id;
	*out = c;
	return 0;
}
