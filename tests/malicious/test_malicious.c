/* SPDX-License-Identifier: MIT */
/*
 * The malicious-driver suite: one attack per run (argv[3] names it; its image is
 * tests/malicious/<name>.img). Each run starts, in one runtime directory,
 *   - an honest driver (nulldev, node null0) and
 *   - the attacker (node "mal", see guest/mal.h: it serves honestly until its client's first
 *     read, then attacks),
 * checks the honest driver, lets a real client (libikernel) trigger the attack, and asserts:
 *   - the attacker's client gets an error (-EIO), never wrong data (its buffer stays
 *     untouched) and never hangs (every wait is bounded; the whole run has a deadline), or,
 *     for attacks the design makes harmless, gets exactly the right data;
 *   - the attacker's monitor ends it (exit status 1) and its log names the attack precisely;
 *   - the honest driver, its monitor and its client are unaffected (before and after).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ikernel/ikernel.h"
#include "iktest.h"

enum action {
	ACT_READ,   /* open "mal", read 16 bytes */
	ACT_POLL,   /* open "mal", poll with a 100 ms timeout */
	ACT_CANCEL, /* a read on another thread, cancelled after 300 ms */
	ACT_TWO,    /* client B (a child process) reads, then client A reads */
	ACT_READ_CPU, /* ACT_READ, and the first read (blocked for seconds) costs little CPU */
	ACT_READ_LOG, /* ACT_READ, then the attacker's log holds at most its output budget */
	ACT_OPEN_CANCEL, /* an open on another thread, cancelled after 300 ms */
};

enum outcome {
	OUT_EIO,    /* the client gets -EIO; the monitor ends the VM (status 1) */
	OUT_OK,     /* harmless by design: right data, the VM keeps running */
	OUT_TOCTOU, /* either the validated right answer, or -EIO with the needles logged */
};

struct attack {
	const char *name;
	enum action act;
	enum outcome out;
	const char *needle[3]; /* the attacker's log contains each (case-insensitive) */
	const char *extra[6];  /* extra `ikernel run` arguments, NULL-terminated */
};

#define CLIENT "client on channel"

static const struct attack attacks[] = {
	/* completion ring: the client validates every index and every completion */
	{"cq_tail_forged", ACT_READ, OUT_EIO, {CLIENT, "completion ring tail", "past head"}, {0}},
	{"cq_tail_wrapped", ACT_READ, OUT_EIO, {CLIENT, "completion ring tail", "past head"}, {0}},
	{"cqe_unknown", ACT_READ, OUT_EIO, {CLIENT, "completion for unknown request 0x123456789abc"}, {0}},
	{"cqe_twice", ACT_READ, OUT_EIO, {CLIENT, "second completion for request"}, {0}},
	{"cqe_overlong", ACT_READ, OUT_EIO, {CLIENT, "result 4112", "more bytes than requested"}, {0}},
	{"cqe_bad_errno", ACT_READ, OUT_EIO, {CLIENT, "result -5000", "negative but not an errno"}, {0}},
	{"cqe_other_client", ACT_TWO, OUT_EIO, {CLIENT, "completion for unknown request"}, {0}},
	{"cqe_toctou", ACT_READ, OUT_TOCTOU, {CLIENT, "more bytes than requested"}, {0}},
	{"never_answer_poll", ACT_POLL, OUT_EIO, {CLIENT, "poll request", "not answered within"}, {0}},
	{"never_answer_read", ACT_CANCEL, OUT_EIO, {CLIENT, "not answered within", "cancel"}, {0}},
	{"never_answer_open", ACT_OPEN_CANCEL, OUT_EIO, {CLIENT, "OPEN request", "cancel"}, {0}},
	{"sq_head_forged", ACT_READ, OUT_OK, {0}, {0}},
	{"scribble_shared", ACT_READ, OUT_EIO, {CLIENT, "completion ring tail"}, {0}},
	{"cqe_seq_forged", ACT_READ, OUT_EIO, {CLIENT, "completion ring entry", "has sequence number"}, {0}},
	{"cqe_tail_only", ACT_READ, OUT_OK, {0}, {0}},
	/* hypercalls */
	{"hc_unknown", ACT_READ, OUT_EIO, {"violation", "unknown hypercall 99"}, {0}},
	{"hc_args_outside", ACT_READ, OUT_EIO, {"violation", "hypercall CONSOLE", "arguments at 0x3ff00000"}, {0}},
	{"hc_args_readonly", ACT_READ, OUT_EIO, {"violation", "hypercall WAIT", "arguments at 0x2000 are not in guest-writable RAM"}, {0}},
	{"hc_bad_access", ACT_READ, OUT_EIO, {"violation", "bad hypercall access", "4-byte write"}, {0}},
	{"console_overlong", ACT_READ, OUT_EIO, {"violation", "hypercall CONSOLE", "length 1099511627776 exceeds 4096"}, {0}},
	{"output_flood", ACT_READ_LOG, OUT_OK, {"output flood: over its budget of 16 KiB and 200 lines a second, burst 16 s", "led0: "},
	 {"--device", "parport@0x378", NULL}},
	{"console_flood", ACT_READ, OUT_OK, {"output flood: over its budget", "output flood over:", "lines dropped"}, {0}},
	{"panic_bad_msg", ACT_READ, OUT_EIO, {"violation", "hypercall PANIC", "not readable guest memory"}, {0}},
	{"node_traversal", ACT_READ, OUT_EIO, {"violation", "invalid node name '../../etc/evil'"}, {0}},
	{"node_undeclared", ACT_READ, OUT_EIO, {"violation", "node 'null0' is not declared for this driver (declared: mal)"}, {"--node", "mal", NULL}},
	{"ready_twice", ACT_READ, OUT_EIO, {"violation", "hypercall READY", "called twice"}, {0}},
	{"chan_release_forged", ACT_READ, OUT_EIO, {"violation", "hypercall CHAN_RELEASED", "is not open"}, {0}},
	/* doorbells */
	{"doorbell_bad", ACT_READ, OUT_EIO, {"violation", "bad doorbell access", "4-byte read"}, {0}},
	{"doorbell_flood", ACT_READ, OUT_OK, {"doorbell", "which has no client"}, {0}},
	{"doorbell_storm", ACT_READ_CPU, OUT_OK, {0}, {0}},
	/* memory */
	{"gpa_read_outside", ACT_READ, OUT_EIO, {"crashed", "page fault", "outside guest RAM"}, {0}},
	{"gpa_write_outside", ACT_READ, OUT_EIO, {"0x7ff00000", "outside"}, {0}},
	{"chan_no_client", ACT_READ, OUT_EIO, {"violation", "read of channel", "which has no client"}, {0}},
	{"exec_data", ACT_READ, OUT_EIO, {"crashed", "page fault", "no-execute"}, {0}},
	{"write_code", ACT_READ, OUT_EIO, {"crashed", "page fault", "write to read-only code"}, {0}},
	{"bootinfo_tamper", ACT_READ, OUT_EIO, {"crashed", "page fault", "read-only boot info page"}, {0}},
	{"pagetable_tamper", ACT_READ, OUT_EIO, {"crashed", "page fault", "page tables"}, {0}},
	{"gdt_tamper", ACT_READ, OUT_EIO, {"crashed", "page fault", "GDT page"}, {0}},
	{"memory_exhaust", ACT_READ, OUT_OK, {0}, {"--mem", "16M", NULL}},
	/* ports and device MMIO */
	{"port_outside_grant", ACT_READ, OUT_EIO, {"violation", "port 0x3f8 (1-byte write) is not granted"}, {"--device", "parport@0x378", NULL}},
	{"port_bad_size", ACT_READ, OUT_EIO, {"violation", "bad port access", "8-byte write"}, {"--device", "parport@0x378", NULL}},
	{"mmio_outside_grant", ACT_READ, OUT_EIO, {"violation", "device MMIO 0x61000100", "not granted"}, {0}},
	{"mmio_past_window", ACT_READ, OUT_EIO, {"violation", "device MMIO 0x61001000 (4-byte write) is not granted"}, {"--device", "testdev@0x500", NULL}},
	/* device DMA */
	{"dma_outside_ram", ACT_READ, OUT_EIO, {"violation", "device testdev@0x500: DMA write of 64 bytes to 0x7ff00000 refused", "not the driver's writable RAM"}, {"--device", "testdev@0x500", NULL}},
	{"dma_unmapped", ACT_READ, OUT_EIO, {"violation", "device testdev@0x500: DMA write of 64 bytes to 0x", "is not mapped for DMA by the driver"}, {"--device", "testdev@0x500,dma=strict", NULL}},
	{"dma_no_master", ACT_READ, OUT_EIO, {"violation", "device testdev@pci 00:01.0: DMA write", "bus mastering is off"}, {"--device", "testdev@pci", NULL}},
	{"e1000_ring_outside_ram", ACT_READ, OUT_EIO, {"violation", "device e1000@pci 00:01.0: DMA read of 16 bytes from 0x7ff00000 refused", "not the driver's readable RAM"}, {"--device", "e1000@pci", NULL}},
	{"e1000_ring_unmapped", ACT_READ, OUT_EIO, {"violation", "device e1000@pci 00:01.0: DMA read of 16 bytes from 0x", "is not mapped for DMA by the driver"}, {"--device", "e1000@pci,dma=strict", NULL}},
	/* stalling the vCPU */
	{"stall_cli", ACT_READ, OUT_EIO, {"crashed", "general protection fault"}, {0}},
	{"stall_spin", ACT_READ, OUT_EIO, {"hung", "no progress for 300 ms"}, {"--hang-ms", "300", NULL}},
};

static const char *ikernel_bin, *build_root;
static char rtdir[256];
static pid_t honest_pid, mal_pid;
static char honest_log[300], mal_log[300];

static void on_deadline(int sig)
{
	static const char msg[] = "test deadline passed: something hangs\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	if (honest_pid > 0)
		kill(honest_pid, SIGKILL);
	if (mal_pid > 0)
		kill(mal_pid, SIGKILL);
	_exit(1);
}

/* `ikernel run build/IMG --name NAME EXTRA...` with its output in `log`; waits for the node.
 * A generous hang deadline (2 s): a loaded test machine must not turn a busy attacker into a
 * "hang"; the stall test sets its own. */
static pid_t spawn(const char *img, const char *name, const char *node, const char *const *extra,
		   const char *log)
{
	char path[512];
	const char *argv[16] = {ikernel_bin, "run", path, "--name", name, "--hang-ms", "2000"};
	int n = 7;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", build_root, img);
	for (; extra && *extra && n < 14; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	pid = iktest_spawn_logged(argv, log);
	return iktest_wait_node(&pid, rtdir, node, log, 10000) == 0 ? pid : -1;
}

/* The honest driver works: a 4 KiB write/read round trip of fresh bytes through null0. */
static void honest_check(const char *when)
{
	static unsigned seed = 1;
	uint8_t out[4096], in[4096];
	int h = ik_open("null0", O_RDWR);

	CHECK(h >= 0, "%s: honest open failed: %d", when, h);
	if (h < 0)
		return;
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + seed * 13);
	seed++;
	memset(in, 0, sizeof(in));
	CHECK(ik_write(h, out, sizeof(out)) == (ssize_t)sizeof(out), "%s: honest write", when);
	CHECK(ik_lseek(h, 0, SEEK_SET) == 0, "%s: honest lseek", when);
	CHECK(ik_read(h, in, sizeof(in)) == (ssize_t)sizeof(in), "%s: honest read", when);
	CHECK(memcmp(in, out, sizeof(in)) == 0, "%s: honest data differs", when);
	CHECK(ik_close(h) == 0, "%s: honest close", when);
}

static uint8_t pattern(uint64_t pos, uint64_t i)
{
	return (uint8_t)('a' + (pos + i) % 26);
}

static bool untouched(const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != 0xee)
			return false;
	return true;
}

static bool right_data(const uint8_t *buf, uint64_t pos, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != pattern(pos, i))
			return false;
	return untouched(buf + n, 16);
}

/* One read of 16 bytes at the handle's position; checks per outcome. Returns the result. */
static ssize_t read_and_check(int h, enum outcome out, uint64_t pos, const char *what)
{
	uint8_t buf[32];
	ssize_t r;

	memset(buf, 0xee, sizeof(buf));
	r = ik_read(h, buf, 16);
	if (out == OUT_EIO || (out == OUT_TOCTOU && r < 0)) {
		CHECK(r == -EIO, "%s: read returned %zd, expected -EIO", what, r);
		CHECK(untouched(buf, sizeof(buf)), "%s: the failed read wrote into the buffer", what);
	} else {
		CHECK(r == 16, "%s: read returned %zd, expected 16", what, r);
		CHECK(right_data(buf, pos, 16), "%s: wrong data", what);
	}
	return r;
}

/* Open the attacker's node and read twice. Returns true when the first read failed. */
static bool act_read(const struct attack *a)
{
	int h = ik_open("mal", O_RDWR);

	CHECK(h >= 0, "open of the attacker's node failed: %d", h);
	if (h < 0)
		return false;
	ssize_t r = read_and_check(h, a->out, 0, "first read");
	/* Later calls: -EIO at once on a dead connection; the right data otherwise. */
	read_and_check(h, r < 0 ? OUT_EIO : a->out, r < 0 ? 0 : 16, "second read");
	ik_close(h);
	return r < 0;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A read the attacker holds for 3 s while ringing our doorbell: the right data, and the
 * whole client process (every thread) spent at most 5 % of that time on the CPU. Unbounded
 * wake-ups (each a poll return, a futile reap and a 20 us spin) cost ~40 % of a core.
 */
static void act_read_cpu(void)
{
	int h = ik_open("mal", O_RDWR);

	CHECK(h >= 0, "open of the attacker's node failed: %d", h);
	if (h < 0)
		return;
	double cpu0 = cpu_s(), wall0 = wall_s();
	read_and_check(h, OUT_OK, 0, "first read (held by the storm)");
	double cpu = cpu_s() - cpu0, wall = wall_s() - wall0;
	fprintf(stderr, "read held %.2f s by the doorbell storm: client CPU %.3f s (%.1f %%)\n", wall,
		cpu, 100 * cpu / wall);
	CHECK(wall >= 2.5, "the storm should hold the read for 3 s (held %.2f s)", wall);
	CHECK(cpu <= 0.05 * wall, "spurious doorbells cost the blocked client %.3f s of CPU in %.2f s "
	      "(more than 5 %%)", cpu, wall);
	read_and_check(h, OUT_OK, 16, "second read");
	ik_close(h);
}

/*
 * The attacker floods for 5 s what it can make its host write (newline-only console writes,
 * LED changes) under the default budget (16K,200,16s): its monitor's log may hold the budget
 * (256 KiB and 3200 lines of burst, then 16 KiB and 200 lines a second since the monitor
 * started) and the host's own few lines (ready, the flood notes at most twice a second, the
 * end report). Unbudgeted, the newlines alone are megabytes a second.
 */
static double mal_started;

static void act_read_log(void)
{
	struct stat st;
	char *log;
	unsigned lines = 0;

	act_read(&(struct attack){.out = OUT_OK});
	iktest_stop(&mal_pid); /* the end report: the dropped count */
	double t = wall_s() - mal_started;
	double max_bytes = 16 * 16384 + 16384 * t + 2048 + 400 * t;
	double max_lines = 16 * 200 + 200 * t + 20 + 4 * t;
	log = read_file(mal_log);
	for (const char *p = log; *p; p++)
		lines += *p == '\n';
	CHECK(stat(mal_log, &st) == 0, "no log %s", mal_log);
	fprintf(stderr, "attacker's log after %.2f s: %lld bytes, %u lines (budget: %.0f, %.0f)\n", t,
		(long long)st.st_size, lines, max_bytes, max_lines);
	CHECK(t >= 5, "the flood lasts 5 s (the run took %.2f s)", t);
	CHECK(st.st_size <= max_bytes, "%lld bytes in the log, over the budget's %.0f",
	      (long long)st.st_size, max_bytes);
	CHECK(lines <= max_lines, "%u lines in the log, over the budget's %.0f", lines, max_lines);
	CHECK(strstr(log, "output budget: ") && strstr(log, "dropped in this run"),
	      "the end report does not give the dropped count");
	free(log);
}

static void act_poll(void)
{
	int h = ik_open("mal", O_RDWR);

	CHECK(h >= 0, "open of the attacker's node failed: %d", h);
	if (h < 0)
		return;
	int r = ik_poll(h, POLLIN, 100);
	CHECK(r == -EIO, "poll returned %d, expected -EIO", r);
	CHECK(ik_poll(h, POLLIN, 0) == -EIO, "a later poll must fail at once");
	ik_close(h);
}

struct cancel_arg {
	struct ik_cancel_token *tok;
	int h;
	ssize_t result;
	uint8_t buf[32];
};

static void *cancel_reader(void *p)
{
	struct cancel_arg *ca = p;

	ik_cancel_arm(ca->tok);
	ca->result = ik_read(ca->h, ca->buf, 16);
	ik_cancel_arm(NULL);
	return NULL;
}

static void act_cancel(void)
{
	struct cancel_arg ca = {.tok = ik_cancel_token_new()};
	pthread_t t;

	ca.h = ik_open("mal", O_RDWR);
	CHECK(ca.h >= 0 && ca.tok, "open of the attacker's node failed: %d", ca.h);
	if (ca.h < 0 || !ca.tok)
		return;
	memset(ca.buf, 0xee, sizeof(ca.buf));
	pthread_create(&t, NULL, cancel_reader, &ca);
	sleep_ms(300);
	ik_cancel(ca.tok); /* the attacker never answers the cancel either */
	pthread_join(t, NULL);
	CHECK(ca.result == -EIO, "cancelled read returned %zd, expected -EIO", ca.result);
	CHECK(untouched(ca.buf, sizeof(ca.buf)), "the failed read wrote into the buffer");
	ik_close(ca.h);
	ik_cancel_token_free(ca.tok);
}

struct open_arg {
	struct ik_cancel_token *tok;
	int h;
};

static void *cancel_opener(void *p)
{
	struct open_arg *oa = p;

	ik_cancel_arm(oa->tok);
	oa->h = ik_open("mal", O_RDWR);
	ik_cancel_arm(NULL);
	return NULL;
}

/* An open the driver never answers ends like a read: cancelled, then -EIO when the driver
 * ignores the cancellation too. */
static void act_open_cancel(void)
{
	struct open_arg oa = {.tok = ik_cancel_token_new(), .h = 1};
	pthread_t t;

	CHECK(oa.tok, "out of memory");
	if (!oa.tok)
		return;
	pthread_create(&t, NULL, cancel_opener, &oa);
	sleep_ms(300);
	ik_cancel(oa.tok);
	pthread_join(t, NULL);
	CHECK(oa.h == -EIO, "cancelled open returned %d, expected -EIO", oa.h);
	if (oa.h >= 0)
		ik_close(oa.h);
	ik_cancel_token_free(oa.tok);
}

/* Client B in a child process (one connection per driver per process): its read must fail. */
static pid_t client_b(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		uint8_t buf[32];
		int h = ik_open("mal", O_RDWR);

		if (h < 0)
			_exit(2);
		memset(buf, 0xee, sizeof(buf));
		ssize_t r = ik_read(h, buf, 16);
		_exit(r == -EIO && untouched(buf, sizeof(buf)) ? 0 : 3);
	}
	return pid;
}

static void act_two(void)
{
	pid_t b = client_b();
	int st = -1;

	sleep_ms(300); /* B's read is in flight: the attacker serves B first */
	act_read(&(struct attack){.out = OUT_EIO});
	for (int waited = 0; waited < 10000 && st == -1; waited += 5) {
		int s;
		if (waitpid(b, &s, WNOHANG) == b)
			st = s;
		else
			sleep_ms(5);
	}
	if (st == -1) {
		kill(b, SIGKILL);
		waitpid(b, NULL, 0);
	}
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "client B: status 0x%x (2: open failed, 3: read did not fail cleanly, -1: hung)", st);
}

static void check_log(const char *log, const struct attack *a)
{
	for (int i = 0; i < 3; i++)
		CHECK(!a->needle[i] || strcasestr(log, a->needle[i]),
		      "the attacker's log does not contain \"%s\"; log:\n%s", a->needle[i], log);
}

static void check_attacker_end(const struct attack *a, bool client_saw_error)
{
	if (a->out == OUT_EIO || (a->out == OUT_TOCTOU && client_saw_error)) {
		int st = iktest_wait_exit(&mal_pid, 5000);
		CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
		      "the attacker's monitor must end with status 1 (got 0x%x)", st);
	} else {
		CHECK(iktest_wait_exit(&mal_pid, 0) == -1, "the attacker's VM ended although the attack is harmless");
	}
	/* the TOCTOU attack that lost the race left nothing to report */
	if (a->out != OUT_TOCTOU || client_saw_error) {
		char *log = read_file(mal_log);
		check_log(log, a);
		free(log);
	}
}

static const struct attack *find(const char *name)
{
	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
		if (!strcmp(attacks[i].name, name))
			return &attacks[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct attack *a = argc == 4 ? find(argv[3]) : NULL;
	char img[300];

	if (!a) {
		fprintf(stderr, "usage: %s IKERNEL BUILD_ROOT ATTACK\n", argv[0]);
		return 2;
	}
	ikernel_bin = argv[1];
	build_root = argv[2];
	TEST_REQUIRE_KVM();
	signal(SIGALRM, on_deadline);
	alarm(120); /* console_flood takes ~26 s under ASan alone, over 60 s on a loaded host */
	snprintf(rtdir, sizeof(rtdir), "/tmp/ikernel-mal-XXXXXX");
	if (!mkdtemp(rtdir))
		return 1;
	setenv("IKERNEL_RUNTIME_DIR", rtdir, 1);
	snprintf(honest_log, sizeof(honest_log), "%s.honest.log", rtdir);
	snprintf(mal_log, sizeof(mal_log), "%s.%s.log", rtdir, a->name);
	snprintf(img, sizeof(img), "tests/malicious/%s.img", a->name);

	honest_pid = spawn("drivers/nulldev.img", "nulldev", "null0", NULL, honest_log);
	mal_started = wall_s();
	mal_pid = honest_pid > 0 ? spawn(img, "mal", "mal", a->extra, mal_log) : -1;
	if (honest_pid <= 0 || mal_pid <= 0) {
		on_deadline(0);
		return 1;
	}
	honest_check("before the attack");

	bool client_saw_error = false;
	switch (a->act) {
	case ACT_READ:
		client_saw_error = act_read(a);
		break;
	case ACT_POLL:
		act_poll();
		break;
	case ACT_CANCEL:
		act_cancel();
		break;
	case ACT_TWO:
		act_two();
		break;
	case ACT_READ_CPU:
		act_read_cpu();
		break;
	case ACT_READ_LOG:
		act_read_log();
		break;
	case ACT_OPEN_CANCEL:
		act_open_cancel();
		break;
	}
	if (a->out == OUT_TOCTOU)
		fprintf(stderr, "toctou: the client %s\n",
			client_saw_error ? "caught the flipped result (-EIO)" : "read the valid result");
	check_attacker_end(a, client_saw_error);

	honest_check("after the attack");
	CHECK(iktest_wait_exit(&honest_pid, 0) == -1, "the honest driver's monitor ended");
	char *hlog = read_file(honest_log);
	CHECK(!strcasestr(hlog, "violation") && !strcasestr(hlog, "crashed"),
	      "the honest driver's log reports trouble:\n%s", hlog);
	free(hlog);

	iktest_stop(&mal_pid);
	iktest_stop(&honest_pid);
	char *mlog = read_file(mal_log);
	printf("--- attacker's monitor log (%s) ---\n%.4000s\n", mal_log, mlog);
	free(mlog);
	if (iktest_failures == 0) {
		char cmd[1024];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s'", rtdir, honest_log, mal_log);
		(void)!system(cmd);
	} else {
		fprintf(stderr, "logs kept: %s %s\n", honest_log, mal_log);
	}
	printf("%s: %s\n", a->name, iktest_failures ? "FAILED" : "contained");
	return iktest_failures ? 1 : 0;
}
