/* SPDX-License-Identifier: MIT */
/* The supervisor's published driver states, and this process's down episodes (drvstate.h). */
#include "drvstate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"

#define IK_DRVSTATE_MAX (64u * 1024u) /* 32 drivers of 16 nodes take ~20 KiB */

static enum ik_drvstate_kind kind_of(const char *word)
{
	static const char *const up[] = {"starting", "running", "restarting", "stalled"};
	static const char *const down[] = {"stopping", "stopped", "crashed", "failed"};

	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++)
		if (!strcmp(word, up[i]))
			return IK_DS_UP;
	for (size_t i = 0; i < sizeof(down) / sizeof(down[0]); i++)
		if (!strcmp(word, down[i]))
			return IK_DS_DOWN;
	return IK_DS_UNKNOWN;
}

/* Is `name` one of the comma-separated `list`? */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

int ik_drvstate_parse(const char *text, const char *name, bool by_node, pid_t *pid,
		      struct ik_drvstate *out)
{
	char line[1024], magic[32], word[32], drv[64], nodes[768];
	unsigned long long ready;
	long long spid;
	int version;
	bool first = true;

	*out = (struct ik_drvstate){.kind = IK_DS_UNKNOWN};
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(line)) {
			if (first)
				return -EPROTO;
			p += len + (nl != NULL);
			continue; /* not one of ours: skip it */
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl != NULL);
		if (first) {
			char extra;
			if (sscanf(line, "%31s %d %lld %c", magic, &version, &spid, &extra) != 3 ||
			    strcmp(magic, IK_DRVSTATE_MAGIC) || version != IK_DRVSTATE_VERSION ||
			    spid <= 0 || spid > INT_MAX)
				return -EPROTO;
			*pid = (pid_t)spid;
			first = false;
			continue;
		}
		nodes[0] = '\0';
		int n = sscanf(line, "%63s %31s %llu %767s", drv, word, &ready, nodes);
		if (n < 3)
			continue;
		if (by_node ? !in_list(nodes, name) : strcmp(drv, name) != 0)
			continue;
		out->kind = kind_of(word);
		snprintf(out->word, sizeof(out->word), "%s", word);
		out->ready_runs = ready;
		return 0;
	}
	return first ? -EPROTO : -ENOENT;
}

static bool supervisor_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

void ik_drvstate_get(const char *name, bool by_node, struct ik_drvstate *out)
{
	char path[PATH_MAX];
	pid_t pid = 0;

	*out = (struct ik_drvstate){.kind = IK_DS_UNKNOWN};
	if (ik_runtime_path(IK_DRVSTATE_FILE, path, sizeof(path)))
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	char *buf = malloc(IK_DRVSTATE_MAX + 1);
	size_t len = 0;
	while (buf && len < IK_DRVSTATE_MAX) {
		ssize_t n = read(fd, buf + len, IK_DRVSTATE_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!buf)
		return;
	buf[len] = '\0';
	struct ik_drvstate st;
	if (ik_drvstate_parse(buf, name, by_node, &pid, &st) == 0 && supervisor_alive(pid))
		*out = st;
	free(buf);
}

/* ---- down episodes ------------------------------------------------------------------------ */

struct ik_down {
	char key[PATH_MAX];
	uint64_t since_ns;
	uint64_t ready_runs;
	bool runs_known;
	struct ik_down *next;
};

static pthread_mutex_t down_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ik_down *downs;
static unsigned ndowns; /* atomic: lets ik_down_clear skip the lock when there are none */

uint64_t ik_down_deadline(const char *key, uint32_t wait_ms, const struct ik_drvstate *st,
			  uint64_t now_ns)
{
	bool known = st && st->kind != IK_DS_UNKNOWN;
	struct ik_down *d;

	pthread_mutex_lock(&down_lock);
	for (d = downs; d; d = d->next)
		if (!strcmp(d->key, key))
			break;
	if (!d && (d = calloc(1, sizeof(*d)))) {
		snprintf(d->key, sizeof(d->key), "%s", key);
		d->since_ns = now_ns;
		d->next = downs;
		downs = d;
		__atomic_add_fetch(&ndowns, 1, __ATOMIC_RELAXED);
	}
	uint64_t since = now_ns;
	if (d) {
		/* Ready again since this episode began (and down again): a new episode. */
		if (known && d->runs_known && st->ready_runs != d->ready_runs)
			d->since_ns = now_ns;
		if (known) {
			d->ready_runs = st->ready_runs;
			d->runs_known = true;
		}
		since = d->since_ns;
	}
	pthread_mutex_unlock(&down_lock);
	return since + (uint64_t)wait_ms * 1000000ull;
}

void ik_down_clear(const char *key)
{
	if (__atomic_load_n(&ndowns, __ATOMIC_RELAXED) == 0)
		return;
	pthread_mutex_lock(&down_lock);
	for (struct ik_down **pp = &downs; *pp; pp = &(*pp)->next) {
		if (!strcmp((*pp)->key, key)) {
			struct ik_down *d = *pp;
			*pp = d->next;
			free(d);
			__atomic_sub_fetch(&ndowns, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	pthread_mutex_unlock(&down_lock);
}
