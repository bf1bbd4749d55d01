/* SPDX-License-Identifier: MIT */
/* The client door (door.h): admission, the hello deadline and client reports, for both levels. */
#include "door.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drvhost.h"

void ik_door_init(struct ik_door *d)
{
	for (unsigned i = 0; i < IK_DOOR_PENDING_MAX; i++)
		d->pending[i] = (struct ik_door_pending){.fd = -1};
	d->owner_uid = geteuid();
	d->busy = 0;
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

int ik_door_admit(const struct ik_drvhost *dh, uid_t uid)
{
	uint64_t busy = dh->door.busy;
	unsigned mine = 0, unprivileged = 0, used = 0;

	for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++) {
		if (!(busy & (1ull << ch)))
			continue;
		used++;
		mine += dh->door.chan_uid[ch] == uid;
		unprivileged += !ik_door_privileged(dh, dh->door.chan_uid[ch]);
	}
	return within_share(dh, uid, IK_MAX_CHANNELS, mine, unprivileged, used, IK_DOOR_CHANS_PER_UID)
		       ? 0
		       : -EBUSY;
}

void ik_door_chan_taken(struct ik_drvhost *dh, unsigned ch, uid_t uid)
{
	dh->door.chan_uid[ch] = uid;
	dh->door.busy |= 1ull << ch;
}

void ik_door_chan_freed(struct ik_drvhost *dh, unsigned ch)
{
	dh->door.busy &= ~(1ull << ch);
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
	/* Not believed: any user may connect and say anything. Only its own channel ends. */
	ik_dh_log(dh, "ikernel: driver '%s': client on channel %u (uid %u) reports: %s; not confirmed "
		      "(uid %u may not end the driver): only its channel is closed",
		  dh->name, ch, (unsigned)uid, clean, (unsigned)uid);
	return false;
}
