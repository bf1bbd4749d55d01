/* SPDX-License-Identifier: MIT */
/*
 * Whether a driver is coming back (src/lib/drvstate.c): the supervisor's drivers.state file,
 * read only from a live supervisor; down episodes; and what ik_open says for a node without a
 * driver: ENXIO (a link left behind, a monitor refusing with -EPIPE, nobody listening, a node a
 * live supervisor declares) against ENOENT (nothing known about the name).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "drvstate.h"
#include "ikernel/control.h"
#include "ikernel/ikernel.h"

static const char good[] = "ikernel-drivers 1 4310\n"
			   "led running 1 led0\n"
			   "nulldev failed 3 null0,null1\n"
			   "crashtest restarting 2 crash0\n"
			   "odd someday 0 odd0\n";

static void test_parse(void **state)
{
	struct ik_drvstate st;
	pid_t pid = 0;

	(void)state;
	assert_int_equal(ik_drvstate_parse(good, "led", false, &pid, &st), 0);
	assert_int_equal(pid, 4310);
	assert_int_equal(st.kind, IK_DS_UP);
	assert_string_equal(st.word, "running");
	assert_int_equal(st.ready_runs, 1);
	assert_int_equal(ik_drvstate_parse(good, "nulldev", false, &pid, &st), 0);
	assert_int_equal(st.kind, IK_DS_DOWN);
	assert_int_equal(st.ready_runs, 3);
	/* by node, anywhere in the list; a name is not a node */
	assert_int_equal(ik_drvstate_parse(good, "null1", true, &pid, &st), 0);
	assert_string_equal(st.word, "failed");
	assert_int_equal(ik_drvstate_parse(good, "null", true, &pid, &st), -ENOENT);
	assert_int_equal(ik_drvstate_parse(good, "led", true, &pid, &st), -ENOENT);
	assert_int_equal(ik_drvstate_parse(good, "crash0", true, &pid, &st), 0);
	assert_int_equal(st.kind, IK_DS_UP);
	/* a word this version does not know says nothing */
	assert_int_equal(ik_drvstate_parse(good, "odd", false, &pid, &st), 0);
	assert_int_equal(st.kind, IK_DS_UNKNOWN);
	assert_int_equal(ik_drvstate_parse(good, "nosuch", false, &pid, &st), -ENOENT);
	assert_int_equal(st.kind, IK_DS_UNKNOWN);
	/* not such a file */
	assert_int_equal(ik_drvstate_parse("", "led", false, &pid, &st), -EPROTO);
	assert_int_equal(ik_drvstate_parse("ikernel-drivers 2 1\nled failed 1 led0\n", "led", false,
					   &pid, &st), -EPROTO);
	assert_int_equal(ik_drvstate_parse("ikernel-drivers 1\nled failed 1 led0\n", "led", false,
					   &pid, &st), -EPROTO);
	assert_int_equal(ik_drvstate_parse("ikernel-drivers 1 0\nled failed 1 led0\n", "led", false,
					   &pid, &st), -EPROTO);
	assert_int_equal(ik_drvstate_parse("led failed 1 led0\n", "led", false, &pid, &st), -EPROTO);
	/* no final newline, a short line */
	assert_int_equal(ik_drvstate_parse("ikernel-drivers 1 7\nx\nled stopped 4 led0", "led", false,
					   &pid, &st), 0);
	assert_int_equal(st.kind, IK_DS_DOWN);
}

static void test_episodes(void **state)
{
	struct ik_drvstate up = {.kind = IK_DS_UP, .ready_runs = 1};
	const uint64_t ms = 1000000ull;

	(void)state;
	/* one wait per episode, whoever asks and whenever */
	assert_int_equal(ik_down_deadline("/rt/a.sock", 100, NULL, 5 * ms), 105 * ms);
	assert_int_equal(ik_down_deadline("/rt/a.sock", 100, NULL, 50 * ms), 105 * ms);
	assert_int_equal(ik_down_deadline("/rt/a.sock", 100, &up, 200 * ms), 105 * ms);
	/* other drivers have their own */
	assert_int_equal(ik_down_deadline("/rt/b.sock", 100, &up, 200 * ms), 300 * ms);
	/* the supervisor says the driver has been ready since: a new episode */
	up.ready_runs = 2;
	assert_int_equal(ik_down_deadline("/rt/a.sock", 100, &up, 400 * ms), 500 * ms);
	assert_int_equal(ik_down_deadline("/rt/a.sock", 100, &up, 450 * ms), 500 * ms);
	/* reached again: over */
	ik_down_clear("/rt/a.sock");
	assert_int_equal(ik_down_deadline("/rt/a.sock", 100, &up, 900 * ms), 1000 * ms);
	ik_down_clear("/rt/a.sock");
	ik_down_clear("/rt/b.sock");
	ik_down_clear("/rt/never.sock");
}

/* ---- a runtime directory of our own ---------------------------------------------------- */

static char rt[64];

static void write_file(const char *leaf, const char *text)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", rt, leaf);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void rm(const char *leaf)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", rt, leaf);
	unlink(path);
}

static void link_node(const char *node, const char *target)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/nodes/%s", rt, node);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	char path[128];

	(void)state;
	snprintf(rt, sizeof(rt), "/tmp/ikdrvstate.XXXXXX");
	if (!mkdtemp(rt))
		return -1;
	snprintf(path, sizeof(path), "%s/nodes", rt);
	mkdir(path, 0755);
	setenv(IK_RUNTIME_DIR_ENV, rt, 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rt);
	return system(cmd) == 0 ? 0 : -1;
}

static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid; /* reaped: no such process (until the pid is reused) */
}

static void test_state_from_live_supervisor_only(void **state)
{
	char text[256];
	struct ik_drvstate st;

	(void)state;
	ik_drvstate_get("led", false, &st);
	assert_int_equal(st.kind, IK_DS_UNKNOWN); /* no file */
	snprintf(text, sizeof(text), "ikernel-drivers 1 %d\nled failed 2 led0\n", (int)getpid());
	write_file("drivers.state", text);
	ik_drvstate_get("led", false, &st);
	assert_int_equal(st.kind, IK_DS_DOWN);
	ik_drvstate_get("led0", true, &st);
	assert_int_equal(st.kind, IK_DS_DOWN);
	snprintf(text, sizeof(text), "ikernel-drivers 1 %d\nled failed 2 led0\n", (int)dead_pid());
	write_file("drivers.state", text);
	ik_drvstate_get("led", false, &st);
	assert_int_equal(st.kind, IK_DS_UNKNOWN); /* left by a supervisor that is gone */
	rm("drivers.state");
}

static void test_open_enxio_or_enoent(void **state)
{
	char text[256];

	(void)state;
	/* Nothing known about the name. */
	assert_int_equal(ik_open("led0", O_RDWR), -ENOENT);
	/* A live supervisor declares it: its driver is just not there. */
	snprintf(text, sizeof(text), "ikernel-drivers 1 %d\nled failed 2 led0\n", (int)getpid());
	write_file("drivers.state", text);
	assert_int_equal(ik_open("led0", O_RDWR), -ENXIO);
	assert_int_equal(ik_open("led1", O_RDWR), -ENOENT);
	/* ... also while it restarts */
	snprintf(text, sizeof(text), "ikernel-drivers 1 %d\nled restarting 2 led0\n", (int)getpid());
	write_file("drivers.state", text);
	assert_int_equal(ik_open("led0", O_RDWR), -ENXIO);
	rm("drivers.state");
	/* A link left behind by a monitor that is gone. */
	link_node("led0", "../led.sock");
	assert_int_equal(ik_open("led0", O_RDWR), -ENXIO);
	/* A socket nobody listens on any more. */
	char path[128];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(path, sizeof(path), "%s/led.sock", rt);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/led.sock", rt);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(ik_open("led0", O_RDWR), -ENXIO);
	unlink(path);
	rm("nodes/led0");
}

/* A monitor that answers every hello with a refusal (welcome status). */
struct refuser {
	int listen_fd;
	int status;
	int count;
};

static void *refuse_loop(void *arg)
{
	struct refuser *r = arg;

	for (int i = 0; i < r->count; i++) {
		int fd = accept(r->listen_fd, NULL, NULL);
		if (fd < 0)
			break;
		struct ik_ctl_hello hello;
		if (recv(fd, &hello, sizeof(hello), 0) == (ssize_t)sizeof(hello)) {
			struct ik_ctl_welcome w = {.magic = IK_CTL_MAGIC, .status = r->status,
						   .abi_version = IK_ABI_VERSION};
			(void)!send(fd, &w, sizeof(w), MSG_NOSIGNAL);
		}
		close(fd);
	}
	return NULL;
}

static int refused_open(int status)
{
	char path[128];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct refuser r = {.status = status, .count = 1};
	pthread_t t;

	snprintf(path, sizeof(path), "%s/led.sock", rt);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/led.sock", rt);
	r.listen_fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_int_equal(bind(r.listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(r.listen_fd, 4), 0);
	link_node("led0", "../led.sock");
	pthread_create(&t, NULL, refuse_loop, &r);
	int h = ik_open("led0", O_RDWR);
	pthread_join(t, NULL);
	close(r.listen_fd);
	unlink(path);
	rm("nodes/led0");
	return h;
}

static void test_open_refused(void **state)
{
	(void)state;
	/* The monitor's "not ready yet / ended" refusal is ENXIO, never EPIPE. */
	assert_int_equal(refused_open(-EPIPE), -ENXIO);
	/* Other refusals say what they are. */
	assert_int_equal(refused_open(-EBUSY), -EBUSY);
	assert_int_equal(refused_open(-EPROTONOSUPPORT), -EPROTONOSUPPORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_episodes),
		cmocka_unit_test(test_state_from_live_supervisor_only),
		cmocka_unit_test(test_open_enxio_or_enoent),
		cmocka_unit_test(test_open_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
