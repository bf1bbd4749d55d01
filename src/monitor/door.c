/* SPDX-License-Identifier: MIT */
/* The client door (door.h): admission, the hello deadline and client reports, for both levels. */
#include "door.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drvhost.h"
#include "ikernel/names.h"

void ik_door_init(struct ik_door *d)
{
	for (unsigned i = 0; i < IK_DOOR_PENDING_MAX; i++)
		d->pending[i] = (struct ik_door_pending){.fd = -1};
	d->owner_uid = geteuid();
	d->owner_gid = getegid();
	d->busy = 0;
	d->draining = 0;
	ik_budget_init(&d->reports, &(struct ik_budget_cfg)IK_DOOR_REPORT_BUDGET);
}

bool ik_door_privileged(const struct ik_drvhost *dh, uid_t uid)
{
	if (uid == 0 || uid == dh->door.owner_uid)
		return true;
	for (unsigned i = 0; i < dh->ndecls; i++)
		if (dh->decls[i].uid == uid)
			return true;
	return false;
}

/* Of `n` slots, `used` are taken, `mine` by uid and `unprivileged` by users who are not
 * privileged: may uid take one more? */
static bool within_share(const struct ik_drvhost *dh, uid_t uid, unsigned n, unsigned mine,
			 unsigned unprivileged, unsigned used, unsigned per_uid)
{
	if (used >= n)
		return false;
	if (ik_door_privileged(dh, uid))
		return true;
	return mine < per_uid && unprivileged < n - IK_DOOR_RESERVED;
}

static bool peer_uid(int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	*uid = cred.uid;
	return true;
}

void ik_door_accept(struct ik_drvhost *dh)
{
	struct ik_door *d = &dh->door;
	int fd = accept4(dh->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	unsigned mine = 0, unprivileged = 0, used = 0, free_slot = IK_DOOR_PENDING_MAX;
	uid_t uid;

	if (fd < 0)
		return;
	if (!peer_uid(fd, &uid)) {
		close(fd);
		return;
	}
	for (unsigned i = 0; i < IK_DOOR_PENDING_MAX; i++) {
		if (d->pending[i].fd < 0) {
			free_slot = free_slot < i ? free_slot : i;
			continue;
		}
		used++;
		mine += d->pending[i].uid == uid;
		unprivileged += !ik_door_privileged(dh, d->pending[i].uid);
	}
	if (!within_share(dh, uid, IK_DOOR_PENDING_MAX, mine, unprivileged, used,
			  IK_DOOR_PENDING_PER_UID)) {
		close(fd); /* its user has enough half-open connections: drop this one */
		return;
	}
	d->pending[free_slot] = (struct ik_door_pending){.fd = fd, .uid = uid, .since_ns = ik_mono_ns()};
}

struct ik_door_pending ik_door_take(struct ik_door *d, unsigned slot)
{
	struct ik_door_pending p = d->pending[slot];

	d->pending[slot] = (struct ik_door_pending){.fd = -1};
	return p;
}

void ik_door_expire(struct ik_door *d, uint64_t now_ns)
{
	for (unsigned i = 0; i < IK_DOOR_PENDING_MAX; i++) {
		if (d->pending[i].fd >= 0 &&
		    now_ns - d->pending[i].since_ns >= IK_DOOR_HELLO_MS * 1000000ull)
			close(ik_door_take(d, i).fd);
	}
}

bool ik_door_waiting(const struct ik_door *d)
{
	for (unsigned i = 0; i < IK_DOOR_PENDING_MAX; i++)
		if (d->pending[i].fd >= 0)
			return true;
	return false;
}

void ik_door_close_all(struct ik_door *d)
{
	for (unsigned i = 0; i < IK_DOOR_PENDING_MAX; i++)
		if (d->pending[i].fd >= 0)
			close(ik_door_take(d, i).fd);
}

/* Would `uid` be admitted if the channels in `ignored` were free? */
static bool admitted(const struct ik_drvhost *dh, uid_t uid, uint64_t ignored)
{
	uint64_t held = dh->door.busy & ~ignored;
	unsigned mine = 0, unprivileged = 0, used = 0;

	for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++) {
		if (!(held & (1ull << ch)))
			continue;
		used++;
		mine += dh->door.chan_uid[ch] == uid;
		unprivileged += !ik_door_privileged(dh, dh->door.chan_uid[ch]);
	}
	return within_share(dh, uid, IK_MAX_CHANNELS, mine, unprivileged, used, IK_DOOR_CHANS_PER_UID);
}

int ik_door_admit(const struct ik_drvhost *dh, uid_t uid)
{
	if (admitted(dh, uid, 0))
		return 0;
	return admitted(dh, uid, dh->door.draining) ? -EAGAIN : -EBUSY;
}

void ik_door_chan_taken(struct ik_drvhost *dh, unsigned ch, uid_t uid)
{
	dh->door.chan_uid[ch] = uid;
	dh->door.busy |= 1ull << ch;
	dh->door.draining &= ~(1ull << ch);
}

void ik_door_chan_draining(struct ik_drvhost *dh, unsigned ch)
{
	if (dh->door.busy & (1ull << ch))
		dh->door.draining |= 1ull << ch;
}

void ik_door_chan_freed(struct ik_drvhost *dh, unsigned ch)
{
	dh->door.busy &= ~(1ull << ch);
	dh->door.draining &= ~(1ull << ch);
}

bool ik_door_client_report(struct ik_drvhost *dh, unsigned ch, const char *reason, size_t len,
			   char *out, size_t outlen)
{
	uid_t uid = dh->door.chan_uid[ch];
	char clean[4 * 256 + 1];

	ik_sanitize(clean, sizeof(clean), reason, strnlen(reason, len));
	if (ik_door_privileged(dh, uid)) {
		snprintf(out, outlen, "client on channel %u reports: %s", ch, clean);
		return true;
	}
	/* Not believed: any user may connect and say anything. Only its own channel ends, and
	 * what it makes us log is budgeted (door.h). */
	char line[sizeof(clean) + 256];
	int n = snprintf(line, sizeof(line), "ikernel: driver '%s': client on channel %u (uid %u) "
			 "reports: %s; not confirmed (uid %u may not end the driver): only its "
			 "channel is closed", dh->name, ch, (unsigned)uid, clean, (unsigned)uid);
	enum ik_budget_say say;
	uint64_t flood;

	if (ik_budget_admit(&dh->door.reports, n > 0 ? (size_t)n + IK_BUDGET_LINE_COST : 0,
			    ik_mono_ns(), &say, &flood))
		ik_dh_log(dh, "%s", line);
	if (say == IK_BUDGET_SAY_START || say == IK_BUDGET_SAY_SO_FAR)
		ik_dh_log(dh, "ikernel: driver '%s': unconfirmed client reports over their log budget: "
			      "%llu dropped so far", dh->name, (unsigned long long)flood);
	else if (say == IK_BUDGET_SAY_OVER)
		ik_dh_log(dh, "ikernel: driver '%s': unconfirmed client reports back within their log "
			      "budget; %llu were dropped", dh->name, (unsigned long long)flood);
	return false;
}

/* ---- who may open which node ------------------------------------------------------------ */

#define IK_DOOR_GROUPS_MAX 256u

/* The peer's gid and supplementary groups: their count, or -1. More than fit are cut (a
 * user in more than IK_DOOR_GROUPS_MAX groups may lose a group grant, never gain one). */
static int peer_groups(int fd, gid_t *groups, unsigned max)
{
	struct ucred cred;
	socklen_t len = sizeof(cred), glen = (socklen_t)(max - 1) * sizeof(gid_t);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -1;
	groups[0] = cred.gid;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups + 1, &glen) < 0)
		glen = 0; /* ERANGE (too many) or an old kernel: the primary group only */
	return 1 + (int)(glen / sizeof(gid_t));
}

static bool in_groups(gid_t gid, const gid_t *groups, int n)
{
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* The rwx bits of `mode` that apply to this user, as generic_permission() picks them. */
static unsigned dac_bits(const struct ik_dh_node *node, uid_t uid, const gid_t *groups, int n)
{
	if (uid == node->uid)
		return (node->mode >> 6) & 7;
	if (in_groups(node->gid, groups, n))
		return (node->mode >> 3) & 7;
	return node->mode & 7;
}

int ik_door_access(const struct ik_drvhost *dh, int fd, uid_t uid, uint16_t *rd, uint16_t *wr)
{
	gid_t groups[IK_DOOR_GROUPS_MAX];
	int n = uid == 0 ? 0 : peer_groups(fd, groups, IK_DOOR_GROUPS_MAX);

	*rd = *wr = 0;
	if (n < 0)
		return -EACCES;
	for (unsigned i = 0; i < dh->nnodes; i++) {
		const struct ik_dh_node *node = &dh->nodes[i];
		unsigned bits = uid == 0 ? 6 : dac_bits(node, uid, groups, n);

		if (bits & 4)
			*rd |= (uint16_t)(1u << node->node);
		if (bits & 2)
			*wr |= (uint16_t)(1u << node->node);
	}
	return *rd | *wr ? 0 : -EACCES;
}

void ik_door_grant(struct ik_bootinfo *bi, unsigned ch, uint16_t rd, uint16_t wr)
{
	__atomic_store_n(&bi->chan_read[ch], rd, __ATOMIC_RELAXED);
	/* released before the channel is announced (the caller's atomic OR of pending_opened) */
	__atomic_store_n(&bi->chan_write[ch], wr, __ATOMIC_RELEASE);
}

/* ---- declarations ------------------------------------------------------------------------ */

static int parse_u32(const char *v, int base, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long n;

	if (!*v || *v == '-' || *v == '+')
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, base);
	if (errno || *end || n > max)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

static int decl_key(struct ik_node_decl *d, const char *kv, char *err, size_t errlen)
{
	const char *v = strchr(kv, '=');
	size_t klen = v ? (size_t)(v - kv) : strlen(kv);
	int r = -EINVAL;

	if (v && klen == 3 && !strncmp(kv, "uid", 3))
		r = parse_u32(v + 1, 10, UINT32_MAX - 1, &d->uid);
	else if (v && klen == 3 && !strncmp(kv, "gid", 3))
		r = parse_u32(v + 1, 10, UINT32_MAX - 1, &d->gid);
	else if (v && klen == 4 && !strncmp(kv, "mode", 4))
		r = parse_u32(v + 1, 8, 0777, &d->mode);
	if (r)
		snprintf(err, errlen, "bad node option '%.64s' (uid=N, gid=N or mode=0NNN)", kv);
	return r;
}

int ik_node_decl_parse(const char *spec, struct ik_node_decl *d, char *err, size_t errlen)
{
	char buf[256], *save = NULL, *tok, *eq;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "node declaration '%.64s...' is too long", spec);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	*d = (struct ik_node_decl){.uid = geteuid(), .gid = getegid(), .mode = IK_NODE_MODE_DEFAULT};
	tok = strtok_r(buf, ",", &save);
	eq = tok ? strchr(tok, '=') : NULL;
	if (eq)
		*eq = '\0';
	if (!tok || !ik_name_valid(tok) || (eq && !ik_name_valid(eq + 1))) {
		snprintf(err, errlen, "bad node '%.64s': NAME[=HOST] with names of " IK_NAME_RULE, spec,
			 IK_NAME_MAX - 1);
		return -EINVAL;
	}
	snprintf(d->name, sizeof(d->name), "%s", tok);
	snprintf(d->host, sizeof(d->host), "%s", eq ? eq + 1 : tok);
	while ((tok = strtok_r(NULL, ",", &save)))
		if (decl_key(d, tok, err, errlen))
			return -EINVAL;
	return 0;
}
