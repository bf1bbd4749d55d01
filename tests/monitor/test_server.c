/* SPDX-License-Identifier: MIT */
/*
 * The monitor's client server, end to end with a tiny guest (guest/serve.c): rendezvous files,
 * handshake and fds, the data path through the channel memory and the doorbell, detach and
 * channel release, -EBUSY past IK_MAX_CHANNELS, client-reported violations, IK_NOTICE_DEAD,
 * refusal of a live name, replacement of a stale socket, ik_vm_stop.
 * Plain asserts with messages; exits 77 without /dev/kvm.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ikernel/control.h"
#include "ikernel/ring.h"
#include "iktest.h"
#include "monitor.h"

#define REQUIRE(cond)                                                                             \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
			exit(1);                                                                \
		}                                                                               \
	} while (0)

static char runtime_dir[64];

struct runner {
	struct ik_vm *vm;
	struct ik_vm_result res;
	pthread_t thread;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	ik_vm_run(r->vm, &r->res);
	return NULL;
}

static int create(struct ik_vm **vm, const char *image, const char *params, bool serve, char *err)
{
	struct ik_vm_config cfg = {
		.image_path = image, .name = "mon-serve", .params = params, .serve = serve,
		.runtime_dir = runtime_dir, .spin_ns = (uint64_t)-1, .vcpu_cpu = -1,
	};

	return ik_vm_create(&cfg, vm, err, 512);
}

static void start(struct runner *r, const char *params, bool serve)
{
	char err[512];
	int rc = create(&r->vm, MON_SERVE_IMG, params, serve, err);

	if (rc)
		fprintf(stderr, "create: %s\n", err);
	REQUIRE(rc == 0);
	REQUIRE(pthread_create(&r->thread, NULL, run_thread, r) == 0);
	REQUIRE(ik_vm_wait_ready(r->vm, 5000) == 0);
	REQUIRE(ik_vm_boot_ns(r->vm) > 0);
}

struct client {
	int sock, mem_fd, kick_fd, done_fd;
	struct ik_ctl_welcome w;
	uint8_t *mem;
};

/* Connect through the node link and do the handshake. Returns the welcome status. */
static int client_connect(struct client *c)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct ik_ctl_hello hello = {.magic = IK_CTL_MAGIC, .abi_version = IK_ABI_VERSION};
	char cbuf[CMSG_SPACE(3 * sizeof(int))];
	struct iovec iov = {.iov_base = &c->w, .iov_len = sizeof(c->w)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	int fds[3];

	memset(c, 0, sizeof(*c));
	c->mem_fd = c->kick_fd = c->done_fd = -1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/nodes/mon-node", runtime_dir);
	c->sock = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	REQUIRE(c->sock >= 0);
	REQUIRE(connect(c->sock, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	REQUIRE(send(c->sock, &hello, sizeof(hello), 0) == sizeof(hello));
	REQUIRE(recvmsg(c->sock, &msg, 0) == sizeof(c->w));
	REQUIRE(c->w.magic == IK_CTL_MAGIC);
	if (c->w.status != 0)
		return c->w.status;
	cm = CMSG_FIRSTHDR(&msg);
	REQUIRE(cm && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len == CMSG_LEN(sizeof(fds)));
	memcpy(fds, CMSG_DATA(cm), sizeof(fds));
	c->mem_fd = fds[0];
	c->kick_fd = fds[1];
	c->done_fd = fds[2];
	REQUIRE(ik_geometry_valid(&c->w.geometry));
	c->mem = mmap(NULL, c->w.geometry.size, PROT_READ | PROT_WRITE, MAP_SHARED, c->mem_fd, 0);
	REQUIRE(c->mem != MAP_FAILED);
	return 0;
}

static void client_close(struct client *c)
{
	if (c->mem)
		munmap(c->mem, c->w.geometry.size);
	if (c->mem_fd >= 0) {
		close(c->mem_fd);
		close(c->kick_fd);
		close(c->done_fd);
	}
	close(c->sock);
}

/* The data path: value in, value + 1 out, doorbell -> done eventfd. */
static void client_ping(struct client *c, uint32_t v)
{
	struct pollfd pfd = {.fd = c->done_fd, .events = POLLIN};
	uint64_t n, one = 1;

	__atomic_store_n((uint32_t *)(c->mem + 0x1000), v, __ATOMIC_RELEASE);
	REQUIRE(write(c->kick_fd, &one, sizeof(one)) == sizeof(one));
	REQUIRE(poll(&pfd, 1, 5000) == 1);
	REQUIRE(read(c->done_fd, &n, sizeof(n)) == sizeof(n));
	REQUIRE(__atomic_load_n((uint32_t *)(c->mem + 0x1004), __ATOMIC_ACQUIRE) == v + 1);
}

static bool path_exists(const char *suffix)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", runtime_dir, suffix);
	return lstat(path, &st) == 0;
}

static void test_handshake_and_detach(void)
{
	struct runner r = {0};
	struct client c;
	struct ik_vm *other;
	char err[512], link[256], path[512];
	ssize_t n;

	start(&r, "x", true);
	REQUIRE(path_exists("mon-serve.sock"));
	snprintf(path, sizeof(path), "%s/nodes/mon-node", runtime_dir);
	n = readlink(path, link, sizeof(link) - 1);
	REQUIRE(n > 0);
	link[n] = '\0';
	REQUIRE(!strcmp(link, "../mon-serve.sock"));
	/* a second monitor for the same live name is refused */
	REQUIRE(create(&other, MON_SERVE_IMG, NULL, true, err) == -EADDRINUSE);
	REQUIRE(strstr(err, "already served"));

	REQUIRE(client_connect(&c) == 0);
	REQUIRE(c.w.chan == 0 && c.w.node_count == 1 && !strcmp(c.w.nodes[0].name, "mon-node"));
	REQUIRE(c.w.nodes[0].minor == 7 && !strcmp(c.w.driver, "mon-serve"));
	client_ping(&c, 0x1234);
	client_close(&c); /* detach: the guest releases channel 0 and exits ("x") */
	REQUIRE(pthread_join(r.thread, NULL) == 0);
	REQUIRE(r.res.end == IK_END_EXIT && r.res.exit_code == 0);
	ik_vm_destroy(r.vm);
	REQUIRE(!path_exists("mon-serve.sock"));
	REQUIRE(!path_exists("nodes/mon-node"));
	printf("ok: handshake, data path, detach, rendezvous cleanup\n");
}

static void test_busy_violation_dead(void)
{
	static struct client c[IK_MAX_CHANNELS + 1];
	struct ik_ctl_notice notice = {.magic = IK_CTL_MAGIC, .kind = IK_NOTICE_VIOLATION};
	struct runner r = {0};

	start(&r, NULL, true);
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++) {
		REQUIRE(client_connect(&c[i]) == 0);
		REQUIRE(c[i].w.chan == i);
	}
	REQUIRE(client_connect(&c[IK_MAX_CHANNELS]) == -EBUSY);
	close(c[IK_MAX_CHANNELS].sock);
	client_ping(&c[IK_MAX_CHANNELS - 1], 41);
	/* a detached channel is reused once the guest released it */
	client_close(&c[3]);
	for (int tries = 0; tries < 500; tries++) {
		if (client_connect(&c[3]) == 0)
			break;
		close(c[3].sock);
		usleep(10000);
	}
	REQUIRE(c[3].w.chan == 3);
	client_ping(&c[3], 99);

	snprintf(notice.reason, sizeof(notice.reason), "cq_tail jumped\nby 1000");
	REQUIRE(send(c[0].sock, &notice, sizeof(notice), 0) == sizeof(notice));
	REQUIRE(pthread_join(r.thread, NULL) == 0);
	REQUIRE(r.res.end == IK_END_VIOLATION);
	REQUIRE(strstr(r.res.reason, "client on channel 0 reports: cq_tail jumped\\x0aby 1000"));
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++) {
		struct ik_ctl_notice dead;

		REQUIRE(recv(c[i].sock, &dead, sizeof(dead), 0) == sizeof(dead));
		REQUIRE(dead.magic == IK_CTL_MAGIC && dead.kind == IK_NOTICE_DEAD);
		REQUIRE(strstr(dead.reason, "mon-serve"));
		client_close(&c[i]);
	}
	ik_vm_destroy(r.vm);
	printf("ok: -EBUSY, channel reuse, client violation, IK_NOTICE_DEAD\n");
}

static void test_stale_socket_and_stop(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct runner r = {0};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	/* a socket file nobody listens on any more */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/mon-serve.sock", runtime_dir);
	REQUIRE(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	close(fd);
	start(&r, NULL, true);
	ik_vm_stop(r.vm);
	REQUIRE(pthread_join(r.thread, NULL) == 0);
	REQUIRE(r.res.end == IK_END_STOPPED);
	ik_vm_destroy(r.vm);
	REQUIRE(!path_exists("mon-serve.sock"));
	printf("ok: stale socket replaced, ik_vm_stop\n");
}

static void test_bad_config(void)
{
	const char *devs[] = {"testdev", "parport@0x502"};
	struct ik_vm_config cfg = {.image_path = MON_HELLO_IMG, .spin_ns = (uint64_t)-1,
				   .vcpu_cpu = -1, .mem_size = 3 << 20};
	struct ik_vm *vm;
	char err[512];

	REQUIRE(ik_vm_create(&cfg, &vm, err, sizeof(err)) == -EINVAL);
	REQUIRE(strstr(err, "multiple of 2 MiB"));
	cfg.mem_size = 0;
	cfg.devices = devs;
	cfg.ndevices = 2;
	REQUIRE(ik_vm_create(&cfg, &vm, err, sizeof(err)) == -EBUSY);
	REQUIRE(strstr(err, "overlaps"));
	cfg.ndevices = 0;
	cfg.image_path = "/nonexistent/x.img";
	REQUIRE(ik_vm_create(&cfg, &vm, err, sizeof(err)) < 0);
	REQUIRE(strstr(err, "image x.img: cannot open"));
	printf("ok: configuration errors\n");
}

int main(void)
{
	TEST_REQUIRE_KVM();
	snprintf(runtime_dir, sizeof(runtime_dir), "/tmp/ikmon-test-XXXXXX");
	REQUIRE(mkdtemp(runtime_dir));
	test_bad_config();
	test_handshake_and_detach();
	test_busy_violation_dead();
	test_stale_socket_and_stop();
	rmdir(strcat(strcpy((char[300]){0}, runtime_dir), "/nodes"));
	rmdir(runtime_dir);
	return 0;
}
