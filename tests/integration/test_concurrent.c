/* SPDX-License-Identifier: MIT */
/*
 * Several libikernel clients (separate processes, each with its own channel) calling one driver
 * at the same time. argv[3] names the driver (nulldev or led), argv[4] the number of clients.
 *
 * nulldev: each client owns one slice of the 64 KiB buffer and writes, reads back and compares
 * its own pattern, with NOP ioctls in between. led: each client sets and reads patterns (the
 * value is shared, so only its range is checked), polls for the others' changes (pollers sleep
 * in the driver and are woken together), writes the text interface, and closes and reopens its
 * file now and then (a new channel, and a closer thread in the guest for the old one). Every call must
 * succeed, every byte must be the client's own, and afterwards the same monitor must still be
 * running with no BUG, crash or panic in its log: with two clients the guest scheduler once
 * crashed led 5-12 times in 10 s (a stale run-queue link).
 *
 * With 16 clients all 16 channels are in use, and a client's reopen (or a late client's first
 * open) may come while a channel just closed is still being released by the guest's closer:
 * the monitor then answers -EAGAIN and libikernel asks again (conn.c), so every open here must
 * succeed with no retry of the test's own (an ASan run once lost client 11's first open).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iktest.h"
#include "ikernel/ikernel.h"
#include "led/led_ioctl.h"
#include "nulldev/nulldev_ioctl.h"

#define MAX_CLIENTS 16

static void fail(int client, const char *what, long got)
{
	fprintf(stderr, "FAIL client %d: %s (got %ld%s%s)\n", client, what, got,
		got < 0 ? ", " : "", got < 0 ? strerror((int)-got) : "");
	exit(1);
}

static void nulldev_client(int id, int nclients, int iterations)
{
	size_t slice = NULLDEV_SIZE / (size_t)nclients;
	off_t at = (off_t)id * (off_t)slice;
	unsigned char out[4096], in[4096];
	size_t n = slice < sizeof(out) ? slice : sizeof(out);
	int h = ik_open("null0", O_RDWR);

	if (h < 0)
		fail(id, "ik_open null0", h);
	for (int i = 0; i < iterations; i++) {
		size_t len = 1 + (size_t)(i * 37 + id) % n;
		long r;

		for (size_t k = 0; k < len; k++)
			out[k] = (unsigned char)(id * 29 + i * 7 + k);
		if ((r = ik_lseek(h, at, SEEK_SET)) != at)
			fail(id, "lseek before write", r);
		if ((r = ik_write(h, out, len)) != (long)len)
			fail(id, "write", r);
		if ((r = ik_ioctl(h, NULLDEV_NOP, NULL)) != 0)
			fail(id, "NOP ioctl", r);
		if ((r = ik_lseek(h, at, SEEK_SET)) != at)
			fail(id, "lseek before read", r);
		if ((r = ik_read(h, in, len)) != (long)len)
			fail(id, "read", r);
		if (memcmp(in, out, len) != 0)
			fail(id, "read back another client's bytes", i);
		if (i % 100 == 99) { /* a new channel now and then, as in led_client */
			if ((r = ik_close(h)) != 0)
				fail(id, "close", r);
			if ((h = ik_open("null0", O_RDWR)) < 0)
				fail(id, "ik_open null0 again", h);
		}
	}
	if (ik_close(h) != 0)
		fail(id, "close", -1);
}

static void led_client(int id, int iterations)
{
	int h = ik_open("led0", O_RDWR);
	char text[16], back[16];

	if (h < 0)
		fail(id, "ik_open led0", h);
	for (int i = 0; i < iterations; i++) {
		unsigned v = (unsigned)(id * 17 + i) & 0xff, got = 0x1000;
		long r;

		if ((r = ik_ioctl(h, LED_SET, &v)) != 0)
			fail(id, "LED_SET", r);
		if ((r = ik_ioctl(h, LED_GET, &got)) != 0 || got > 0xff)
			fail(id, "LED_GET", r ? r : (long)got);
		/* wait (briefly) for another client's change: pollers sleep in the driver and
		 * are woken together by the next LED_SET */
		if ((r = ik_poll(h, POLLIN, 2)) < 0)
			fail(id, "poll", r);
		if (r & POLLIN) {
			if ((r = ik_lseek(h, 0, SEEK_SET)) < 0 || (r = ik_read(h, back, sizeof(back) - 1)) <= 0)
				fail(id, "read after poll", r);
		}
		if (i % 25 == 24) { /* churn: the last handle's close ends the channel (a closer
				      * thread in the guest), the open makes a new one */
			if ((r = ik_close(h)) != 0)
				fail(id, "close", r);
			if ((h = ik_open("led0", O_RDWR)) < 0)
				fail(id, "ik_open led0 again", h);
		}
		if (i % 8 == 0) {
			int len = snprintf(text, sizeof(text), "0x%02x\n", v);

			if ((r = ik_lseek(h, 0, SEEK_SET)) < 0 || (r = ik_write(h, text, (size_t)len)) != len)
				fail(id, "write text", r);
			if ((r = ik_lseek(h, 0, SEEK_SET)) < 0 || (r = ik_read(h, back, sizeof(back) - 1)) <= 0)
				fail(id, "read text", r);
		}
	}
	if (ik_close(h) != 0)
		fail(id, "close", -1);
}

/* nulldev-threads: N threads of one process share one channel (as the FUSE front end's
 * workers do), 64 KiB writes and null calls, with the driver's --hang-ms at 100: the guest must
 * keep coming round to its scheduler while the ring stays busy (guest/runtime/stub.c takes at
 * most IK_STUB_TAKE_BUDGET requests per channel and pass). */
static int shared_handle;

static void *nop_thread(void *arg)
{
	long id = (long)arg;

	static unsigned char buf[MAX_CLIENTS][NULLDEV_SIZE];

	for (int i = 0; i < 2000; i++) {
		long r = ik_pwrite(shared_handle, buf[id], NULLDEV_SIZE, 0);

		if (r != NULLDEV_SIZE)
			fail((int)id, "64 KiB write on the shared channel", r);
		if ((r = ik_ioctl(shared_handle, NULLDEV_NOP, NULL)) != 0)
			fail((int)id, "NOP ioctl on the shared channel", r);
	}
	return NULL;
}

static void threads_client(int nthreads)
{
	pthread_t t[MAX_CLIENTS];

	if ((shared_handle = ik_open("null0", O_RDWR)) < 0)
		fail(0, "ik_open null0", shared_handle);
	for (long i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, nop_thread, (void *)i))
			fail((int)i, "pthread_create", -1);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	ik_close(shared_handle);
}

int main(int argc, char **argv)
{
	struct monitor m;
	pid_t kids[MAX_CLIENTS];
	int nclients, failures = 0;
	bool led;
	char *log;

	if (argc < 5) {
		fprintf(stderr, "usage: %s IKERNEL BUILD_ROOT nulldev|led|nulldev-threads NCLIENTS\n",
			argv[0]);
		return 2;
	}
	TEST_REQUIRE_KVM();
	harness_init(argc, argv);
	test_deadline(150);
	led = strcmp(argv[3], "led") == 0;
	nclients = atoi(argv[4]);
	if (nclients < 1 || nclients > MAX_CLIENTS)
		return 2;
	static const char *const parport[] = {"--device", "parport@0x378", NULL};
	static const char *const short_hang[] = {"--hang-ms", "100", NULL};
	bool threads = strcmp(argv[3], "nulldev-threads") == 0;

	if (start_monitor(&m, led ? "drivers/led.img" : "drivers/nulldev.img",
			  led ? "led" : "nulldev", led ? "led0" : "null0",
			  led ? parport : threads ? short_hang : NULL) != 0)
		return 1;
	if (threads) { /* one process, nclients threads on one channel */
		kids[0] = fork();
		if (kids[0] == 0) {
			threads_client(nclients);
			_exit(0);
		}
		nclients = 1;
	}
	for (int i = 0; i < nclients && !threads; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			if (led)
				led_client(i, 400);
			else
				nulldev_client(i, nclients, 3000);
			_exit(0);
		}
	}
	for (int i = 0; i < nclients; i++) {
		int st;

		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "FAIL client %d ended with status %#x\n", i, st);
			failures++;
		}
	}
	if (waitpid(m.pid, NULL, WNOHANG) != 0) {
		fprintf(stderr, "FAIL the %s monitor ended while its clients ran\n", argv[3]);
		failures++;
	}
	log = read_log(&m);
	if (log && (strstr(log, "BUG") || strstr(log, "crash") || strstr(log, "panic") ||
		    strstr(log, "hung") || strstr(log, "violation"))) {
		fprintf(stderr, "FAIL the driver's log reports a fault\n");
		failures++;
	}
	if (WEXITSTATUS(stop_monitor(&m)) != 0) {
		fprintf(stderr, "FAIL the %s monitor did not exit cleanly\n", argv[3]);
		failures++;
	}
	if (failures) {
		free(log);
		log = read_log(&m);
		fprintf(stderr, "the monitor's log:\n%s\n", log ? log : "(none)");
	}
	free(log);
	cleanup_monitor(&m);
	if (failures == 0)
		printf("%s concurrent %s clients: all calls and bytes right, driver never crashed\n",
		       argv[4], argv[3]);
	return failures ? 1 : 0;
}
