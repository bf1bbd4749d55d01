/* SPDX-License-Identifier: MIT */
/* Opening a TAP interface, in the caller's network namespace or another one (tap.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tap.h"

int ik_tap_name_valid(const char *name)
{
	size_t n = name ? strnlen(name, IFNAMSIZ) : 0;

	if (n == 0 || n >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

static int tap_open_here(const char *name, unsigned flags, char *err, size_t errlen)
{
	struct ifreq ifr = {0};
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	int r;

	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot open /dev/net/tun: %s", strerror(-r));
		return r;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | ((flags & IK_TAP_VNET_HDR) ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		r = -errno;
		snprintf(err, errlen,
			 "cannot create or attach TAP interface %s: %s (creating one needs "
			 "CAP_NET_ADMIN; attaching one needs its owner: ip tuntap add %s mode tap user UID)",
			 name, strerror(-r), name);
		close(fd);
		return r;
	}
	return fd;
}

struct tap_in_ns {
	const char *name, *netns;
	unsigned flags;
	char *err;
	size_t errlen;
	int result;
};

/* On a thread of its own: setns() moves only the calling thread into the namespace, and the
 * TAP is created in the namespace of the thread that creates it. */
static void *tap_in_ns_thread(void *arg)
{
	struct tap_in_ns *t = arg;
	char path[256];
	int nsfd;

	if (strchr(t->netns, '/'))
		snprintf(path, sizeof(path), "%s", t->netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", t->netns);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		t->result = -errno;
		snprintf(t->err, t->errlen, "network namespace %s: cannot open %s: %s", t->netns, path,
			 strerror(errno));
		return NULL;
	}
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		t->result = -errno;
		snprintf(t->err, t->errlen, "network namespace %s: cannot enter it: %s", t->netns,
			 strerror(errno));
		close(nsfd);
		return NULL;
	}
	close(nsfd);
	t->result = tap_open_here(t->name, t->flags, t->err, t->errlen);
	return NULL;
}

int ik_tap_open(const char *name, const char *netns, unsigned flags, char *err, size_t errlen)
{
	struct tap_in_ns t = {name, netns, flags, err, errlen, -EINVAL};
	pthread_t th;
	int r;

	if (!ik_tap_name_valid(name)) {
		snprintf(err, errlen, "expected an interface name of 1 to %d bytes of [A-Za-z0-9_.-], "
			 "not '%.40s'", IFNAMSIZ - 1, name ? name : "");
		return -EINVAL;
	}
	if (!netns || !*netns)
		return tap_open_here(name, flags, err, errlen);
	if ((r = pthread_create(&th, NULL, tap_in_ns_thread, &t))) {
		snprintf(err, errlen, "cannot start a thread: %s", strerror(r));
		return -r;
	}
	pthread_join(th, NULL);
	return t.result;
}
