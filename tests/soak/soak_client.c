/* SPDX-License-Identifier: MIT */
/*
 * soak-client: one checking client of the soak (tools/soak.py; docs/RELIABILITY.md, "Soak").
 *
 *   soak-client --via lib|file --driver D --role R [--slot I --slots N] --dev DIR
 *               --seconds S --deadline-ms MS --out FILE [--seed N] [--think-us U]
 *
 * Runs calls on one driver's node for S seconds, through libikernel (--via lib: ik_open and
 * friends, the node reached through $IKERNEL_RUNTIME_DIR/nodes) or through the supervisor's
 * device files (--via file: open/pread/pwrite/ioctl on DIR/NODE), and checks every answer:
 *
 *   nulldev  region   slot I of N owns bytes [I*64K/N, (I+1)*64K/N): random writes read back,
 *                     the whole region read back against a shadow, NULLDEV_NOP
 *   led      writer   sets patterns (write: hex, decimal or binary text; LED_SET) whose high
 *                     nibble is the complement of the low one, reads them back (read, LED_GET)
 *            reader   read and LED_GET: a well-formed pattern of that set, or 0 (a restarted
 *                     driver before the writer's state is replayed); poll for the writer's
 *                     changes (up to 20 ms: POLLIN or a timeout)
 *   nvram    writer   the only writer (the driver allows one): random writes in bytes 62..113
 *                     read back; bytes 34..61 hold a fixed pattern (tools/soak.py writes it)
 *            reader   reads the fixed bytes (now and then all 114): the pattern must be there
 *   wdt      owner    the watchdog node (single open): timeouts set and read back, keepalive
 *                     by write and ioctl, status 0, identity; magic close at the end
 *            reader   the temperature node: one byte, 40
 *   crashtest prober  an unknown ioctl: ENOTTY
 *
 * A call that fails (e.g. EIO after the driver VM died, for a driver without transparent
 * recovery) is counted by errno; the client then closes its file, opens it again (one "open"
 * call, retried until the driver is back) and puts its state back (a writer writes its region
 * or pattern again). A writer also reopens now and then on its own. Every call's latency goes
 * into a log2 histogram (8 buckets per octave) and is checked against the deadline.
 *
 * Once a second and at the end the client writes its figures as one JSON object to FILE
 * (write + rename): calls, errors by errno, wrong bytes (with the first few described),
 * calls over the deadline, max latency, histogram. Exit status 0 (the figures say the rest),
 * 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ikernel/ikernel.h"
#include "led/led_ioctl.h"
#include "nulldev/nulldev_ioctl.h"

#define HIST_BUCKETS (64 * 8)
#define MAX_NOTES 5
#define NVRAM_SIZE 114
#define NVRAM_STATIC_LO 34 /* bytes 34..61: a fixed pattern, written by tools/soak.py */
#define NVRAM_STATIC_HI 62
#define NVRAM_DYN_LO 62 /* bytes 62..113: the writer's own */
#define WDT_TEMP 40
#define CRASHTEST_UNKNOWN _IO('C', 0x7f)
#define REOPEN_GIVE_UP_NS (60ull * 1000000000ull)

/* ---- I/O: libikernel or the device files ------------------------------------------------- */

struct io {
	const char *kind;
	long (*open)(const char *node, int flags);
	void (*close)(long h);
	long (*pread)(long h, void *buf, size_t n, off_t pos);
	long (*pwrite)(long h, const void *buf, size_t n, off_t pos);
	long (*read)(long h, void *buf, size_t n);
	long (*write)(long h, const void *buf, size_t n);
	long (*ioctl)(long h, unsigned long cmd, void *arg);
	long (*poll)(long h, short events, int timeout_ms); /* revents */
};

static long lib_open(const char *node, int flags)
{
	return ik_open(node, flags);
}
static void lib_close(long h)
{
	ik_close((int)h);
}
static long lib_pread(long h, void *buf, size_t n, off_t pos)
{
	return ik_pread((int)h, buf, n, pos);
}
static long lib_pwrite(long h, const void *buf, size_t n, off_t pos)
{
	return ik_pwrite((int)h, buf, n, pos);
}
static long lib_read(long h, void *buf, size_t n)
{
	return ik_read((int)h, buf, n);
}
static long lib_write(long h, const void *buf, size_t n)
{
	return ik_write((int)h, buf, n);
}
static long lib_ioctl(long h, unsigned long cmd, void *arg)
{
	return ik_ioctl((int)h, cmd, arg);
}
static long lib_poll(long h, short events, int timeout_ms)
{
	return ik_poll((int)h, events, timeout_ms);
}

static const char *dev_dir;

static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}
static long file_open(const char *node, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dev_dir, node);
	return sys_ret(open(path, flags | O_CLOEXEC));
}
static void file_close(long h)
{
	close((int)h);
}
static long file_pread(long h, void *buf, size_t n, off_t pos)
{
	return sys_ret(pread((int)h, buf, n, pos));
}
static long file_pwrite(long h, const void *buf, size_t n, off_t pos)
{
	return sys_ret(pwrite((int)h, buf, n, pos));
}
static long file_read(long h, void *buf, size_t n)
{
	return sys_ret(read((int)h, buf, n));
}
static long file_write(long h, const void *buf, size_t n)
{
	return sys_ret(write((int)h, buf, n));
}
static long file_ioctl(long h, unsigned long cmd, void *arg)
{
	return sys_ret(ioctl((int)h, cmd, arg));
}
static long file_poll(long h, short events, int timeout_ms)
{
	struct pollfd p = {.fd = (int)h, .events = events};
	int r = poll(&p, 1, timeout_ms);

	return r < 0 ? -errno : p.revents;
}

static const struct io io_lib = {"c-lib",   lib_open,  lib_close, lib_pread, lib_pwrite,
				 lib_read,  lib_write, lib_ioctl, lib_poll};
static const struct io io_file = {"c-file",   file_open,  file_close, file_pread, file_pwrite,
				  file_read, file_write, file_ioctl, file_poll};
static const struct io *io;

/* ---- figures ------------------------------------------------------------------------------- */

static struct {
	const char *name, *driver, *role, *out;
	uint64_t calls, bad, over_deadline, max_ns, reopens, open_retries;
	uint64_t errors[4096];
	uint64_t hist[HIST_BUCKETS];
	char notes[MAX_NOTES][200];
	unsigned nnotes;
} st;

static uint64_t deadline_ns;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static volatile sig_atomic_t stop;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	if (st.nnotes >= MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(st.notes[st.nnotes++], sizeof(st.notes[0]), fmt, ap);
	va_end(ap);
}

static void record(const char *what, uint64_t ns)
{
	int b = ns ? (int)floor(log2((double)ns) * 8.0) : 0;

	if (b < 0)
		b = 0;
	if (b >= HIST_BUCKETS)
		b = HIST_BUCKETS - 1;
	st.hist[b]++;
	st.calls++;
	if (ns > st.max_ns)
		st.max_ns = ns;
	if (ns > deadline_ns) {
		st.over_deadline++;
		note("%s took %.1f ms (deadline %.0f ms)", what, (double)ns / 1e6,
		     (double)deadline_ns / 1e6);
	}
}

/* One call: its latency recorded; a negative result other than `expect` counted by errno. */
#define CALL_EXPECT(what, expect, expr)                                                           \
	({                                                                                        \
		uint64_t t0_ = now_ns();                                                          \
		long r_ = (expr);                                                                 \
		record(what, now_ns() - t0_);                                                     \
		if (r_ < 0 && r_ != -(long)(expect) && -r_ < 4096)                                \
			st.errors[-r_]++;                                                         \
		r_;                                                                               \
	})
#define CALL(what, expr) CALL_EXPECT(what, 0, expr)

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

static void snapshot(bool done)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", st.out);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "{\"name\": ");
	json_str(f, st.name);
	fprintf(f, ", \"kind\": \"%s\", \"driver\": \"%s\", \"role\": \"%s\", \"pid\": %d", io->kind,
		st.driver, st.role, (int)getpid());
	fprintf(f, ", \"calls\": %llu, \"bad\": %llu, \"over_deadline\": %llu, \"max_ns\": %llu",
		(unsigned long long)st.calls, (unsigned long long)st.bad,
		(unsigned long long)st.over_deadline, (unsigned long long)st.max_ns);
	fprintf(f, ", \"reopens\": %llu, \"open_retries\": %llu, \"done\": %s, \"errors\": {",
		(unsigned long long)st.reopens, (unsigned long long)st.open_retries,
		done ? "true" : "false");
	bool first = true;
	for (int e = 0; e < 4096; e++) {
		if (!st.errors[e])
			continue;
		const char *n = strerrorname_np(e);
		char num[16];

		if (!n) {
			snprintf(num, sizeof(num), "E%d", e);
			n = num;
		}
		fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", n, (unsigned long long)st.errors[e]);
		first = false;
	}
	fprintf(f, "}, \"hist\": {");
	first = true;
	for (int b = 0; b < HIST_BUCKETS; b++) {
		if (!st.hist[b])
			continue;
		fprintf(f, "%s\"%d\": %llu", first ? "" : ", ", b, (unsigned long long)st.hist[b]);
		first = false;
	}
	fprintf(f, "}, \"notes\": [");
	for (unsigned i = 0; i < st.nnotes; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_str(f, st.notes[i]);
	}
	fprintf(f, "]}\n");
	if (fclose(f) == 0)
		rename(tmp, st.out);
}

/* ---- the open file, reopened after an error ------------------------------------------------- */

static long h = -1;
static bool writer; /* led, nvram: the writer; wdt: the watchdog node's owner */
static const char *node;
static int open_flags;
static bool need_resync;

static void drop(void)
{
	if (h >= 0)
		io->close(h);
	h = -1;
}

/* Close the file on purpose (the watchdog's owner stops the card first: magic close). */
static void retire(void)
{
	if (h >= 0 && writer && !strcmp(st.driver, "wdt"))
		CALL("write", io->write(h, "V", 1));
	drop();
}

/* Open the node, retrying while its driver restarts; one call as far as the figures go. */
static bool reopen(void)
{
	uint64_t t0 = now_ns();
	long r;

	drop();
	for (;;) {
		r = io->open(node, open_flags);
		if (r >= 0 || stop || now_ns() - t0 > REOPEN_GIVE_UP_NS)
			break;
		st.open_retries++;
		usleep(1000);
	}
	record("open", now_ns() - t0);
	if (r < 0) {
		if (-r < 4096)
			st.errors[-r]++;
		return false;
	}
	h = r;
	st.reopens++;
	need_resync = true;
	return true;
}

/* A failed call: the file may belong to a dead driver; open it again before the next step. */
static void failed(void)
{
	drop();
}

static unsigned compare(const char *what, const uint8_t *got, const uint8_t *want, size_t n,
			size_t base)
{
	unsigned bad = 0;

	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i]) {
			if (!bad)
				note("%s: byte %zu is %#x, expected %#x", what, base + i, got[i],
				     want[i]);
			bad++;
		}
	st.bad += bad;
	return bad;
}

/* ---- nulldev ------------------------------------------------------------------------------- */

static uint8_t shadow[NULLDEV_SIZE];
static size_t region_lo, region_hi;

static void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* Write [lo, hi) of the shadow to the device (a fresh record of it for recovery, too). */
static bool write_back(size_t lo, size_t hi)
{
	long r = CALL("write", io->pwrite(h, shadow + lo, hi - lo, (off_t)lo));

	if (r < 0) {
		failed();
		return false;
	}
	if ((size_t)r != hi - lo) {
		note("write of %zu bytes at %zu wrote %ld", hi - lo, lo, r);
		st.bad += hi - lo - (size_t)r;
		return false;
	}
	return true;
}

static bool check_range(const char *what, size_t lo, size_t hi)
{
	uint8_t buf[NULLDEV_SIZE];
	long r = CALL("read", io->pread(h, buf, hi - lo, (off_t)lo));

	if (r < 0) {
		failed();
		return false;
	}
	if ((size_t)r != hi - lo) {
		note("%s: read of %zu bytes at %zu gave %ld", what, hi - lo, lo, r);
		st.bad += hi - lo;
		return false;
	}
	compare(what, buf, shadow + lo, hi - lo, lo);
	return true;
}

static void step_nulldev(void)
{
	size_t len = region_hi - region_lo;

	if (need_resync) {
		if (!write_back(region_lo, region_hi))
			return;
		need_resync = false;
	}
	unsigned r = rnd_below(10);
	if (r < 6) {
		size_t n = 1 + rnd_below((unsigned)(len < 4096 ? len : 4096));
		size_t pos = region_lo + rnd_below((unsigned)(len - n + 1));

		fill_random(shadow + pos, n);
		if (!write_back(pos, pos + n)) {
			need_resync = true; /* written or not: the whole region again */
			return;
		}
		check_range("nulldev read-back", pos, pos + n);
	} else if (r < 8) {
		check_range("nulldev region", region_lo, region_hi);
	} else {
		long v = CALL("ioctl", io->ioctl(h, NULLDEV_NOP, NULL));

		if (v < 0)
			failed();
		else if (v != 0)
			note("NULLDEV_NOP returned %ld", v), st.bad++;
	}
}

/* ---- led ----------------------------------------------------------------------------------- */

static unsigned led_pattern; /* the writer's */

static bool led_valid(unsigned v)
{
	return v == 0 || (v < 256 && ((v >> 4) ^ (v & 15)) == 15);
}

static bool led_set(void)
{
	char text[16];
	long r;

	if (rnd_below(2)) {
		unsigned v = led_pattern;

		r = CALL("ioctl", io->ioctl(h, LED_SET, &v));
	} else {
		switch (rnd_below(3)) {
		case 0:
			snprintf(text, sizeof(text), "0x%02X\n", led_pattern);
			break;
		case 1:
			snprintf(text, sizeof(text), "%u", led_pattern);
			break;
		default:
			for (int i = 0; i < 8; i++)
				text[i] = (char)('0' + ((led_pattern >> (7 - i)) & 1));
			text[8] = '\n';
			text[9] = 0;
		}
		r = CALL("write", io->pwrite(h, text, strlen(text), 0));
		if (r >= 0 && (size_t)r != strlen(text)) {
			note("led write of %zu bytes returned %ld", strlen(text), r);
			st.bad++;
		}
	}
	if (r < 0)
		failed();
	return r >= 0;
}

static void led_check(bool check_own)
{
	char text[17] = {0}, want[16];
	unsigned v = 0;
	long r = CALL("read", io->pread(h, text, 16, 0));

	if (r < 0) {
		failed();
		return;
	}
	if (r != 5 || sscanf(text, "0x%2x\n", &v) != 1) {
		note("led read gave %ld bytes '%.16s'", r, text);
		st.bad++;
	} else {
		snprintf(want, sizeof(want), "0x%02x\n", v);
		if (strcmp(text, want) || (check_own ? v != led_pattern : !led_valid(v))) {
			note("led read '%.5s' (writer's pattern %#x)", text, led_pattern);
			st.bad++;
		}
	}
	v = 0xdead;
	r = CALL("ioctl", io->ioctl(h, LED_GET, &v));
	if (r < 0) {
		failed();
		return;
	}
	if (check_own ? v != led_pattern : !led_valid(v)) {
		note("LED_GET gave %#x (writer's pattern %#x)", v, led_pattern);
		st.bad++;
	}
}

static void step_led(void)
{
	if (!writer && rnd_below(3) == 0) {
		/* Wait briefly for the writer's next change: pollers sleep in the driver (its wait
		 * queue), and a change wakes them all at once. POLLIN or a timeout, nothing else. */
		long r = CALL("poll", io->poll(h, POLLIN, (int)rnd_below(20)));

		if (r < 0 || (r & (POLLERR | POLLHUP | POLLNVAL)))
			failed();
		else if (r & ~(long)(POLLIN | POLLRDNORM))
			note("led poll for POLLIN gave %#lx", r), st.bad++;
		return;
	}
	if (!writer) {
		led_check(false);
		return;
	}
	if (need_resync || rnd_below(2)) {
		unsigned n = rnd_below(16);

		led_pattern = ((~n & 15) << 4) | n;
		if (!led_set()) {
			need_resync = true;
			return;
		}
		need_resync = false;
	}
	led_check(true);
}

/* ---- nvram --------------------------------------------------------------------------------- */

static uint8_t nvram_static(size_t i)
{
	return (uint8_t)(i * 37 + 11);
}

static void step_nvram(void)
{
	uint8_t buf[NVRAM_SIZE], want[NVRAM_SIZE];
	long r;

	for (size_t i = NVRAM_STATIC_LO; i < NVRAM_STATIC_HI; i++)
		shadow[i] = nvram_static(i);
	if (writer && need_resync) {
		if (!write_back(NVRAM_DYN_LO, NVRAM_SIZE))
			return;
		need_resync = false;
	}
	if (writer && rnd_below(2)) {
		size_t n = 1 + rnd_below(16);
		size_t pos = NVRAM_DYN_LO + rnd_below((unsigned)(NVRAM_SIZE - NVRAM_DYN_LO - n + 1));

		fill_random(shadow + pos, n);
		if (!write_back(pos, pos + n)) {
			need_resync = true;
			return;
		}
		check_range("nvram read-back", pos, pos + n);
		return;
	}
	if (rnd_below(8)) { /* mostly the fixed bytes only: every byte is two port accesses */
		check_range("nvram fixed bytes", NVRAM_STATIC_LO, NVRAM_STATIC_HI);
		return;
	}
	r = CALL("read", io->pread(h, buf, NVRAM_SIZE, 0));
	if (r < 0) {
		failed();
		return;
	}
	if (r != NVRAM_SIZE) {
		note("nvram read gave %ld bytes", r);
		st.bad++;
		return;
	}
	memcpy(want, shadow, sizeof(want));
	compare("nvram fixed bytes", buf + NVRAM_STATIC_LO, want + NVRAM_STATIC_LO,
		NVRAM_STATIC_HI - NVRAM_STATIC_LO, NVRAM_STATIC_LO);
	if (writer)
		compare("nvram writer's bytes", buf + NVRAM_DYN_LO, want + NVRAM_DYN_LO,
			NVRAM_SIZE - NVRAM_DYN_LO, NVRAM_DYN_LO);
}

/* ---- wdt ----------------------------------------------------------------------------------- */

static int wdt_timeout;

static bool wdt_int(const char *what, unsigned long cmd, int in, int *out)
{
	int v = in;
	long r = CALL(what, io->ioctl(h, cmd, &v));

	if (r < 0) {
		failed();
		return false;
	}
	*out = v;
	return true;
}

static void step_wdt(void)
{
	int v;

	if (!writer) {
		uint8_t t = 0;
		long r = CALL("read", io->read(h, &t, 1));

		if (r < 0)
			failed();
		else if (r != 1 || t != WDT_TEMP) {
			note("temperature read gave %ld bytes, %u", r, t);
			st.bad++;
		}
		return;
	}
	if (need_resync || rnd_below(8) == 0) {
		int t = 60 + (int)rnd_below(655 - 60 + 1);

		if (!wdt_int("ioctl", WDIOC_SETTIMEOUT, t, &v))
			return;
		wdt_timeout = t;
		need_resync = false;
		if (v != t) {
			note("WDIOC_SETTIMEOUT %d answered %d", t, v);
			st.bad++;
		}
	}
	switch (rnd_below(5)) {
	case 0: {
		long r = CALL("write", io->write(h, "ping", 4));

		if (r < 0)
			failed();
		else if (r != 4)
			note("keepalive write returned %ld", r), st.bad++;
		break;
	}
	case 1:
		wdt_int("ioctl", WDIOC_KEEPALIVE, 0, &v);
		break;
	case 2:
		if (wdt_int("ioctl", WDIOC_GETTIMEOUT, -1, &v) && v != wdt_timeout)
			note("WDIOC_GETTIMEOUT %d, set %d", v, wdt_timeout), st.bad++;
		break;
	case 3:
		if (wdt_int("ioctl", WDIOC_GETSTATUS, -1, &v) && v != 0)
			note("WDIOC_GETSTATUS %#x", v), st.bad++;
		break;
	default: {
		struct watchdog_info info;

		memset(&info, 0xff, sizeof(info));
		long r = CALL("ioctl", io->ioctl(h, WDIOC_GETSUPPORT, &info));
		if (r < 0)
			failed();
		else if (info.firmware_version != 1 ||
			 strncmp((const char *)info.identity, "WDT500/501", sizeof(info.identity)))
			note("WDIOC_GETSUPPORT: firmware %u, identity '%.32s'",
			     info.firmware_version, (const char *)info.identity),
				st.bad++;
	}
	}
}

/* ---- crashtest ----------------------------------------------------------------------------- */

static void step_crashtest(void)
{
	long r = CALL_EXPECT("ioctl", ENOTTY, io->ioctl(h, CRASHTEST_UNKNOWN, NULL));

	if (r == -ENOTTY)
		return;
	if (r < 0)
		failed();
	else
		note("unknown crashtest ioctl returned %ld", r), st.bad++;
}

/* ---- main ---------------------------------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: soak-client --via lib|file --driver D --role R [--slot I --slots N] "
			"--dev DIR --seconds S --deadline-ms MS --out FILE [--seed N] [--think-us U]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *via = NULL;
	double seconds = 0;
	unsigned slot = 0, slots = 1, think_us = 1000;
	uint64_t seed = 1, deadline_ms = 5000;
	void (*step)(void);

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--via"))
			via = v;
		else if (!strcmp(k, "--driver"))
			st.driver = v;
		else if (!strcmp(k, "--role"))
			st.role = v;
		else if (!strcmp(k, "--slot"))
			slot = (unsigned)atoi(v);
		else if (!strcmp(k, "--slots"))
			slots = (unsigned)atoi(v);
		else if (!strcmp(k, "--dev"))
			dev_dir = v;
		else if (!strcmp(k, "--seconds"))
			seconds = atof(v);
		else if (!strcmp(k, "--deadline-ms"))
			deadline_ms = strtoull(v, NULL, 0);
		else if (!strcmp(k, "--out"))
			st.out = v;
		else if (!strcmp(k, "--seed"))
			seed = strtoull(v, NULL, 0);
		else if (!strcmp(k, "--think-us"))
			think_us = (unsigned)atoi(v);
		else if (!strcmp(k, "--name"))
			st.name = v;
		else
			usage();
	}
	if (!via || !st.driver || !st.role || !st.out || seconds <= 0 || !slots || slot >= slots)
		usage();
	io = !strcmp(via, "lib") ? &io_lib : !strcmp(via, "file") ? &io_file : NULL;
	if (!io || (io == &io_file && !dev_dir))
		usage();
	if (!st.name)
		st.name = st.driver;
	deadline_ns = deadline_ms * 1000000ull;
	rng_state ^= seed * 0x2545f4914f6cdd1dull + slot;
	if (!rng_state)
		rng_state = 1;
	writer = !strcmp(st.role, "writer") || !strcmp(st.role, "owner");

	if (!strcmp(st.driver, "nulldev")) {
		size_t per = NULLDEV_SIZE / slots;

		region_lo = slot * per;
		region_hi = region_lo + per;
		fill_random(shadow + region_lo, per);
		node = "null0", open_flags = O_RDWR, step = step_nulldev;
	} else if (!strcmp(st.driver, "led")) {
		node = "led0", open_flags = writer ? O_RDWR : O_RDONLY, step = step_led;
	} else if (!strcmp(st.driver, "nvram")) {
		fill_random(shadow + NVRAM_DYN_LO, NVRAM_SIZE - NVRAM_DYN_LO);
		node = "nvram", open_flags = writer ? O_RDWR : O_RDONLY, step = step_nvram;
	} else if (!strcmp(st.driver, "wdt")) {
		node = writer ? "watchdog" : "temperature";
		open_flags = writer ? O_WRONLY : O_RDONLY, step = step_wdt;
	} else if (!strcmp(st.driver, "crashtest")) {
		node = "crash0", open_flags = O_RDWR, step = step_crashtest;
	} else {
		usage();
	}

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	uint64_t end = now_ns() + (uint64_t)(seconds * 1e9), last_snap = 0;
	while (!stop && now_ns() < end) {
		if (h < 0 && !reopen())
			continue;
		step();
		/* Every client reopens now and then on its own (a writer's fresh file is recorded
		 * anew for recovery: the writer puts its state back through it). */
		if (h >= 0 && rnd_below(2000) == 0)
			retire();
		if (think_us)
			usleep(rnd_below(think_us + 1));
		if (now_ns() - last_snap > 1000000000ull) {
			snapshot(false);
			last_snap = now_ns();
		}
	}
	retire();
	snapshot(true);
	return 0;
}
