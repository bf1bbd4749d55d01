/* SPDX-License-Identifier: MIT */
/*
 * The rendezvous in the runtime directory (control.h): <dir>/<driver>.sock and the node links
 * <dir>/nodes/<node> -> ../<driver>.sock. A socket file whose monitor still answers is live
 * and never taken over; a stale one (connection refused) is replaced.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vm_internal.h"

static int sock_path(struct ik_vm *vm, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int n = snprintf(vm->sock_path, sizeof(vm->sock_path), "%s/%s.sock", vm->runtime_dir,
			 vm->name);

	if (n < 0 || (size_t)n >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path %s/%s.sock is too long (at most %zu bytes)",
			 vm->runtime_dir, vm->name, sizeof(sun.sun_path) - 1);
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
	ik_copy_str(sun.sun_path, sizeof(sun.sun_path), path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	return r == 0;
}

int ik_rdv_check_free(struct ik_vm *vm, char *err, size_t errlen)
{
	int r = sock_path(vm, err, errlen);

	if (r)
		return r;
	if (socket_live(vm->sock_path)) {
		snprintf(err, errlen, "driver '%s' is already served by another monitor (%s)", vm->name,
			 vm->sock_path);
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

int ik_rdv_listen(struct ik_vm *vm, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char nodes[4096 + 8];
	struct stat st;
	int r, fd;

	snprintf(nodes, sizeof(nodes), "%s/nodes", vm->runtime_dir);
	if ((r = make_dir(vm->runtime_dir, err, errlen)) || (r = make_dir(nodes, err, errlen)))
		return r;
	if ((r = ik_rdv_check_free(vm, err, errlen)))
		return r;
	unlink(vm->sock_path); /* stale */
	ik_copy_str(sun.sun_path, sizeof(sun.sun_path), vm->sock_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(vm->sock_path, 0666) < 0 || listen(fd, 16) < 0 || stat(vm->sock_path, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", vm->sock_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	vm->sock_created = true;
	vm->sock_dev = st.st_dev;
	vm->sock_ino = st.st_ino;
	vm->listen_fd = fd;
	return 0;
}

static void link_paths(struct ik_vm *vm, const struct ik_node *node, char *link, size_t linklen,
		       char *target, size_t targetlen)
{
	snprintf(link, linklen, "%s/nodes/%s", vm->runtime_dir, node->name);
	snprintf(target, targetlen, "../%s.sock", vm->name);
}

int ik_rdv_link_node(struct ik_vm *vm, struct ik_node *node, char *err, size_t errlen)
{
	char link[4096 + IK_NAME_MAX + 8], target[IK_NAME_MAX + 16], old[PATH_MAX];
	ssize_t n;

	link_paths(vm, node, link, sizeof(link), target, sizeof(target));
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

void ik_rdv_remove(struct ik_vm *vm)
{
	char link[4096 + IK_NAME_MAX + 8], target[IK_NAME_MAX + 16], old[PATH_MAX];
	struct stat st;

	for (unsigned i = 0; i < vm->nnodes; i++) {
		struct ik_node *node = &vm->nodes[i];
		ssize_t n;

		if (!node->linked)
			continue;
		link_paths(vm, node, link, sizeof(link), target, sizeof(target));
		n = readlink(link, old, sizeof(old) - 1);
		if (n >= 0) {
			old[n] = '\0';
			if (!strcmp(old, target))
				unlink(link);
		}
		node->linked = false;
	}
	if (vm->sock_created && stat(vm->sock_path, &st) == 0 && st.st_dev == vm->sock_dev &&
	    st.st_ino == vm->sock_ino)
		unlink(vm->sock_path);
	vm->sock_created = false;
}
