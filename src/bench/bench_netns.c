/* SPDX-License-Identifier: MIT */
/*
 * `ikernel bench net`: the two network namespaces of the bench's own and their TAPs. The
 * namespaces are made with `ip netns` (which keeps them at /run/netns/NAME, where a thread
 * enters them with setns); only names this process made are ever entered or deleted.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_net.h"

#define NET_IP_ARGS 16

int net_ip(bool loud, ...)
{
	const char *argv[NET_IP_ARGS + 2] = {"ip"};
	va_list ap;
	int n = 1, status;

	va_start(ap, loud);
	while (n <= NET_IP_ARGS && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		if (!loud)
			dup2(null, STDERR_FILENO);
		execvp("ip", (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int net_pair_create(struct net_pair *p, unsigned k)
{
	snprintf(p->a, sizeof(p->a), "ikbn%d-%ua", (int)getpid(), k % 100);
	snprintf(p->b, sizeof(p->b), "ikbn%d-%ub", (int)getpid(), k % 100);
	p->made_a = !net_ip(true, "netns", "add", p->a, NULL);
	p->made_b = p->made_a && !net_ip(true, "netns", "add", p->b, NULL);
	if (!p->made_b || net_ip(true, "-n", p->a, "link", "set", "lo", "up", NULL) ||
	    net_ip(true, "-n", p->b, "link", "set", "lo", "up", NULL)) {
		net_pair_delete(p);
		return -1;
	}
	return 0;
}

/* `ip netns pids NS`: a namespace with a process inside outlives its deletion. */
static void kill_inside(const char *ns)
{
	char cmd[96], line[32];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip netns pids %s 2>/dev/null", ns); /* ns: our own name */
	if (!(f = popen(cmd, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		long pid = strtol(line, NULL, 10);
		if (pid > 1 && pid != getpid())
			kill((pid_t)pid, SIGKILL);
	}
	pclose(f);
}

/* `ip netns del`, again while the name stays: a process that is still exiting (the supervisor
 * after `down`, one just killed) can hold the mount a moment longer (EBUSY). */
static void delete_ns(const char *ns)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	for (int i = 0; i < 50; i++) {
		kill_inside(ns);
		if (!net_ip(false, "netns", "del", ns, NULL) || access(path, F_OK))
			return;
		usleep(100000);
	}
	net_ip(true, "netns", "del", ns, NULL); /* says why on stderr */
}

void net_pair_delete(struct net_pair *p)
{
	if (p->made_a)
		delete_ns(p->a);
	if (p->made_b)
		delete_ns(p->b);
	p->made_a = p->made_b = false;
}

int net_enter(const char *ns)
{
	char path[64];
	int fd, r = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0)
		r = -errno;
	close(fd);
	return r;
}

int net_tap_create(const char *ns, const char *name, const char *ip)
{
	char cidr[32];

	snprintf(cidr, sizeof(cidr), "%s/%s", ip ? ip : "", NET_PREFIX);
	if (net_ip(true, "-n", ns, "tuntap", "add", name, "mode", "tap", NULL) ||
	    (ip && net_ip(true, "-n", ns, "addr", "add", cidr, "dev", name, NULL)) ||
	    net_ip(true, "-n", ns, "link", "set", name, "up", NULL))
		return -1;
	return 0;
}

static void *side_main(void *arg)
{
	struct net_side *s = arg;

	if ((s->err = net_enter(s->ns)))
		return NULL;
	return s->fn(s->arg);
}

int net_side_start(pthread_t *t, struct net_side *s)
{
	return -pthread_create(t, NULL, side_main, s);
}

int net_side_run(struct net_side *s)
{
	pthread_t t;
	int r = net_side_start(&t, s);

	if (r)
		return r;
	pthread_join(t, NULL);
	return s->err;
}

struct tap_open {
	const char *name;
	int fd;
};

static void *tap_open_here(void *arg)
{
	struct tap_open *t = arg;
	struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI};
	int fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		t->fd = -errno;
		return NULL;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		t->fd = -errno;
		close(fd);
		return NULL;
	}
	t->fd = fd;
	return NULL;
}

int net_tap_open(const char *ns, const char *name)
{
	struct tap_open t = {name, -EIO};
	struct net_side side = {ns, tap_open_here, &t, 0};
	int r = net_side_run(&side); /* the thread leaves; the fd stays bound to the TAP */

	return r ? r : t.fd;
}

const char *net_missing(void)
{
	static char why[160];

	if (geteuid() != 0)
		return "network namespaces need root";
	if (access("/dev/net/tun", R_OK | W_OK))
		return "/dev/net/tun not available";
	snprintf(why, sizeof(why), "ikbnprobe%d", (int)getpid());
	if (net_ip(false, "netns", "add", why, NULL))
		return "`ip netns add` does not work here (iproute2 missing, or no namespaces)";
	net_ip(false, "netns", "del", why, NULL);
	return NULL;
}
