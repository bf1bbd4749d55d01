/* SPDX-License-Identifier: MIT */
/*
 * The rendezvous in the runtime directory (control.h), the driver-host core's for both
 * isolation levels: <dir>/<driver>.sock (mode 0666) and the node links
 * <dir>/nodes/<node> -> ../<driver>.sock. A socket file whose monitor still answers is live
 * and never taken over (nor a link to one); a stale one (connection refused) is replaced. At
 * the end only our own socket file (same device and inode) and the links that point to it are
 * removed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "drvhost.h"

static int sock_path(struct ik_drvhost *dh, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int n = snprintf(dh->sock_path, sizeof(dh->sock_path), "%s/%s.sock", dh->runtime_dir,
			 dh->name);

	if (n < 0 || (size_t)n >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path %s/%s.sock is too long (at most %zu bytes)",
			 dh->runtime_dir, dh->name, sizeof(sun.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* 1: a monitor answers on path; 0: absent or stale. */
static int socket_live(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, r;

	if (strlen(path) >= sizeof(sun.sun_path))
		return 0;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	return r == 0;
}

int ik_rdv_check_free(struct ik_drvhost *dh, char *err, size_t errlen)
{
	int r = sock_path(dh, err, errlen);

	if (r)
		return r;
	if (socket_live(dh->sock_path)) {
		snprintf(err, errlen, "driver '%s' is already served by another monitor (%s)", dh->name,
			 dh->sock_path);
		return -EADDRINUSE;
	}
	return 0;
}

static int make_dir(const char *path, char *err, size_t errlen)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot create directory %s: %s", tmp, strerror(errno));
	return -errno;
}

static int link_node(struct ik_drvhost *dh, struct ik_dh_node *node, char *err, size_t errlen);

int ik_rdv_listen(struct ik_drvhost *dh, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char nodes[4096 + 8];
	struct stat st;
	int r, fd;

	snprintf(nodes, sizeof(nodes), "%s/nodes", dh->runtime_dir);
	if ((r = make_dir(dh->runtime_dir, err, errlen)) || (r = make_dir(nodes, err, errlen)))
		return r;
	if ((r = ik_rdv_check_free(dh, err, errlen)))
		return r;
	unlink(dh->sock_path); /* stale */
	memcpy(sun.sun_path, dh->sock_path, strlen(dh->sock_path) + 1); /* fits: sock_path() */
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(dh->sock_path, 0666) < 0 || listen(fd, 64) < 0 || stat(dh->sock_path, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", dh->sock_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	dh->sock_created = true;
	dh->sock_dev = st.st_dev;
	dh->sock_ino = st.st_ino;
	dh->listen_fd = fd;
	for (unsigned i = 0; !r && i < dh->nnodes; i++)
		r = link_node(dh, &dh->nodes[i], err, errlen);
	return r;
}

static void link_paths(struct ik_drvhost *dh, const struct ik_dh_node *node, char *link, size_t linklen,
		       char *target, size_t targetlen)
{
	snprintf(link, linklen, "%s/nodes/%s", dh->runtime_dir, node->name);
	snprintf(target, targetlen, "../%s.sock", dh->name);
}

static int link_node(struct ik_drvhost *dh, struct ik_dh_node *node, char *err, size_t errlen)
{
	char link[4096 + IK_NAME_MAX + 8], target[IK_NAME_MAX + 16], old[PATH_MAX];
	ssize_t n;

	link_paths(dh, node, link, sizeof(link), target, sizeof(target));
	n = readlink(link, old, sizeof(old) - 1);
	if (n >= 0) {
		old[n] = '\0';
		if (strcmp(old, target) != 0 && socket_live(link)) {
			snprintf(err, errlen, "node '%s' is already served by another driver (%s -> %s)",
				 node->name, link, old);
			return -EADDRINUSE;
		}
		unlink(link);
	} else if (errno == EINVAL) {
		snprintf(err, errlen, "%s exists and is not a symbolic link", link);
		return -EEXIST;
	}
	if (symlink(target, link) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", link, strerror(errno));
		return -errno;
	}
	node->linked = true;
	return 0;
}

void ik_rdv_remove(struct ik_drvhost *dh)
{
	char link[4096 + IK_NAME_MAX + 8], target[IK_NAME_MAX + 16], old[PATH_MAX];
	struct stat st;

	for (unsigned i = 0; i < dh->nnodes; i++) {
		struct ik_dh_node *node = &dh->nodes[i];
		ssize_t n;

		if (!node->linked)
			continue;
		link_paths(dh, node, link, sizeof(link), target, sizeof(target));
		n = readlink(link, old, sizeof(old) - 1);
		if (n >= 0) {
			old[n] = '\0';
			if (!strcmp(old, target))
				unlink(link);
		}
		node->linked = false;
	}
	if (dh->sock_created && stat(dh->sock_path, &st) == 0 && st.st_dev == dh->sock_dev &&
	    st.st_ino == dh->sock_ino)
		unlink(dh->sock_path);
	dh->sock_created = false;
}
