/* SPDX-License-Identifier: MIT */
/*
 * The runtime directory ($IKERNEL_RUNTIME_DIR, default /run/ikernel):
 *   supervisor.lock   flock()ed while a supervisor runs (one per directory)
 *   supervisor.pid
 *   control.sock      the control socket
 *   dev/              the FUSE mount: the device files
 *   logs/NAME.log     each driver's log (NAME.log.1: the older half; none under systemd, where
 *                     the logs go to the journal: logbuf.h)
 *   NAME.sock, nodes/ the monitors' rendezvous (control.h)
 *   drivers.state     each driver's state, for libikernel (src/lib/drvstate.h)
 * A supervisor that was killed leaves its FUSE mount behind ("Transport endpoint is not
 * connected"): the next one detaches it before mounting.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drvstate.h"
#include "super.h"

static int lock_fd = -1;

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Is `path` a mount point according to /proc/self/mountinfo (field 5)? */
static bool is_mountpoint(const char *path)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[PATH_MAX];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && !strcmp(mnt, path))
			found = true;
	fclose(f);
	return found;
}

int rtdir_clean_stale_mount(const char *path)
{
	struct stat st;
	bool stale = stat(path, &st) < 0 && errno == ENOTCONN;

	if (!stale && !is_mountpoint(path))
		return 0;
	if (umount2(path, MNT_DETACH) < 0) {
		int e = errno;
		super_msg("cannot unmount the stale mount at %s: %s", path, strerror(e));
		return -e;
	}
	super_msg("removed a stale device-file mount at %s (left by a supervisor that was killed)",
		  path);
	return 0;
}

void rtdir_supervisor_pid(char *pid, size_t len)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(pid, len, "?");
	snprintf(path, sizeof(path), "%s/supervisor.pid", super.runtime_dir);
	if (!(f = fopen(path, "re")))
		return;
	if (!fgets(pid, (int)len, f))
		snprintf(pid, len, "?");
	pid[strcspn(pid, "\n")] = '\0';
	fclose(f);
}

static int take_lock(char *err, size_t errlen)
{
	char path[PATH_MAX + 32], pid[32] = "?";

	snprintf(path, sizeof(path), "%s/supervisor.lock", super.runtime_dir);
	lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	if (flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
		rtdir_supervisor_pid(pid, sizeof(pid));
		snprintf(err, errlen, "a supervisor is already running for %s (pid %s); 'ikernel down' "
			 "stops it", super.runtime_dir, pid);
		close(lock_fd);
		lock_fd = -1;
		return -EBUSY;
	}
	snprintf(path, sizeof(path), "%s/supervisor.pid", super.runtime_dir);
	FILE *f = fopen(path, "we");
	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
	return 0;
}

int rtdir_prepare(char *err, size_t errlen)
{
	int r = mkdir_p(super.runtime_dir, 0755);

	if (r) {
		snprintf(err, errlen, "cannot create the runtime directory %s: %s", super.runtime_dir,
			 strerror(-r));
		return r;
	}
	if ((r = take_lock(err, errlen)))
		return r;
	snprintf(super.dev_dir, sizeof(super.dev_dir), "%s/dev", super.runtime_dir);
	snprintf(super.log_dir, sizeof(super.log_dir), "%s/logs", super.runtime_dir);
	rtdir_clean_stale_mount(super.dev_dir);
	if ((r = mkdir_p(super.dev_dir, 0755)) || (r = mkdir_p(super.log_dir, 0755))) {
		snprintf(err, errlen, "cannot create %s or %s: %s", super.dev_dir, super.log_dir,
			 strerror(-r));
		return r;
	}
	return 0;
}

/* The state word clients see: a stop on the way to `ikernel restart` is a restart. */
static const char *published_state(const struct drv *d)
{
	if (d->state == DRV_STOPPING && d->restart_after_stop && !super.shutting_down)
		return "restarting";
	return drv_state_name(d->state);
}

void rtdir_publish_state(void)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 40];
	static char text[SUPER_MAX_DRIVERS * (IK_NAME_MAX + 48 + IKM_MAX_NODES * IK_NAME_MAX) + 64];
	size_t used = 0;

	if (lock_fd < 0)
		return; /* not our runtime directory (the bench's front end) */
#define PUT(...) do { \
		int n_ = snprintf(text + used, sizeof(text) - used, __VA_ARGS__); \
		if (n_ > 0) used = used + (size_t)n_ < sizeof(text) ? used + (size_t)n_ : sizeof(text) - 1; \
	} while (0)
	PUT("%s %d %d\n", IK_DRVSTATE_MAGIC, IK_DRVSTATE_VERSION, (int)getpid());
	for (unsigned i = 0; i < super.ndrivers; i++) {
		const struct drv *d = &super.drivers[i];
		PUT("%s %s %u ", d->m.name, published_state(d), d->ready_runs);
		for (unsigned n = 0; n < d->m.nnodes; n++)
			PUT("%s%s", n ? "," : "", d->m.nodes[n].name);
		PUT("\n");
	}
#undef PUT
	snprintf(path, sizeof(path), "%s/%s", super.runtime_dir, IK_DRVSTATE_FILE);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		super_msg("cannot write %s: %s", tmp, strerror(errno));
		return;
	}
	fchmod(fd, 0644); /* whatever the umask: every client reads it */
	bool ok = write(fd, text, used) == (ssize_t)used;
	close(fd);
	/* Replaced as a whole: a reader sees the old state or the new one, never half of each. */
	if (!ok || rename(tmp, path) < 0) {
		super_msg("cannot publish the driver states in %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

void rtdir_cleanup(void)
{
	char path[PATH_MAX + 32];

	if (lock_fd < 0)
		return; /* not ours: another supervisor's files stay */
	snprintf(path, sizeof(path), "%s/%s", super.runtime_dir, IK_DRVSTATE_FILE);
	unlink(path); /* nothing is coming back: clients of the drivers waited no longer anyway */
	snprintf(path, sizeof(path), "%s/supervisor.pid", super.runtime_dir);
	unlink(path);
	rmdir(super.dev_dir); /* only if empty: never anything else's */
	snprintf(path, sizeof(path), "%s/supervisor.lock", super.runtime_dir);
	unlink(path);
	close(lock_fd);
	lock_fd = -1;
}

/* Remove links of d's nodes that point to d's socket, and the socket, once its monitor is gone
 * (a killed monitor cannot clean up; a live one is never touched: d has no pid then). */
void rtdir_remove_driver_links(const struct drv *d)
{
	char sock[PATH_MAX + 64], link[PATH_MAX + 64], target[PATH_MAX], want[IK_NAME_MAX + 16];

	if (d->pid > 0)
		return;
	snprintf(want, sizeof(want), "../%s.sock", d->m.name);
	for (unsigned i = 0; i < d->m.nnodes; i++) {
		snprintf(link, sizeof(link), "%s/nodes/%s", super.runtime_dir, d->m.nodes[i].name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, want))
			unlink(link);
	}
	snprintf(sock, sizeof(sock), "%s/%s.sock", super.runtime_dir, d->m.name);
	unlink(sock);
}
