/* SPDX-License-Identifier: MIT */
#include "logbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool to_journal;
static uint64_t file_max = LOGBUF_FILE_MAX;

void logbuf_configure(bool journal, uint64_t max)
{
	to_journal = journal;
	file_max = max ? max : LOGBUF_FILE_MAX;
}

bool logbuf_journal(void)
{
	return to_journal;
}

uint64_t logbuf_file_max(void)
{
	return file_max;
}

void logbuf_timestamp(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char date[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	long off = tm.tm_gmtoff / 60;
	snprintf(out, len, "%s.%03ld%c%02ld:%02ld", date, ts.tv_nsec / 1000000L, off < 0 ? '-' : '+',
		 labs(off) / 60, labs(off) % 60);
}

/* The file became too big: it is NAME.log.1 now (the older one goes), and NAME.log starts
 * afresh. Without a new file, memory only. */
static void rotate(struct logbuf *lb)
{
	char old[PATH_MAX + 8];

	if (lb->file_fd >= 0)
		close(lb->file_fd);
	lb->file_fd = -1;
	snprintf(old, sizeof(old), "%s.1", lb->path);
	if (rename(lb->path, old) < 0)
		unlink(lb->path);
	lb->file_fd = open(lb->path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0640);
	lb->file_size = 0;
	lb->rotations++;
}

void logbuf_init(struct logbuf *lb, const char *dir, const char *name)
{
	struct stat st;

	memset(lb, 0, sizeof(*lb));
	lb->file_fd = -1;
	for (int i = 0; i < LOGBUF_FOLLOWERS; i++)
		lb->followers[i] = -1;
	snprintf(lb->name, sizeof(lb->name), "%s", name);
	if (to_journal || !dir)
		return;
	snprintf(lb->path, sizeof(lb->path), "%s/%s.log", dir, name);
	lb->file_fd = open(lb->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (lb->file_fd >= 0 && fstat(lb->file_fd, &st) == 0)
		lb->file_size = st.st_size;
	if (lb->file_fd >= 0 && (uint64_t)lb->file_size > file_max / 2)
		rotate(lb); /* the last runs' tail stays in NAME.log.1 */
}

void logbuf_fini(struct logbuf *lb)
{
	logbuf_drop_followers(lb);
	if (lb->file_fd >= 0)
		close(lb->file_fd);
	lb->file_fd = -1;
}

static void ring_put(struct logbuf *lb, const char *s, size_t n)
{
	if (n >= LOGBUF_SIZE) {
		s += n - (LOGBUF_SIZE - 1);
		n = LOGBUF_SIZE - 1;
	}
	for (size_t i = 0; i < n; i++) {
		lb->ring[lb->head] = s[i];
		lb->head = (lb->head + 1) % LOGBUF_SIZE;
	}
	lb->used = lb->used + n > LOGBUF_SIZE ? LOGBUF_SIZE : lb->used + n;
}

/* Push to followers without ever blocking the supervisor: a follower that cannot keep up is
 * dropped (it sees end of stream). */
static void push_followers(struct logbuf *lb, const char *s, size_t n)
{
	for (int i = 0; i < LOGBUF_FOLLOWERS; i++) {
		int fd = lb->followers[i];
		if (fd < 0)
			continue;
		ssize_t w = send(fd, s, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w != (ssize_t)n) {
			close(fd);
			lb->followers[i] = -1;
		}
	}
}

/* "line\n" into buf after prefix; longer lines are cut. Returns the length. */
static size_t format_line(char *buf, size_t len, const char *prefix, const char *line)
{
	int n = snprintf(buf, len, "%s%s\n", prefix, line);

	if (n < 0)
		return 0;
	if ((size_t)n >= len) {
		n = (int)len - 1;
		buf[n - 1] = '\n';
	}
	return (size_t)n;
}

static void put_line(struct logbuf *lb, int prio, const char *line, bool journal)
{
	char buf[1300], ts[LOGBUF_TS_LEN + 1];

	logbuf_timestamp(ts, sizeof(ts) - 1);
	strcat(ts, " ");
	size_t n = format_line(buf, sizeof(buf), ts, line);
	if (!n)
		return;
	ring_put(lb, buf, n);
	if (lb->file_fd >= 0) {
		if (lb->file_size && (uint64_t)(lb->file_size + (off_t)n) > file_max / 2)
			rotate(lb);
		if (lb->file_fd >= 0 && write(lb->file_fd, buf, n) > 0)
			lb->file_size += (off_t)n;
	}
	push_followers(lb, buf, n);
	if (to_journal && journal) {
		/* "<P>NAME: line": one write, so lines from the supervisor never interleave. */
		char jbuf[1300], prefix[80];
		snprintf(prefix, sizeof(prefix), "<%d>%s: ", prio < 0 || prio > 7 ? LOGBUF_INFO : prio,
			 lb->name);
		size_t jn = format_line(jbuf, sizeof(jbuf), prefix, line);
		if (jn)
			(void)!write(2, jbuf, jn);
	}
}

void logbuf_line_prio(struct logbuf *lb, int prio, const char *line)
{
	put_line(lb, prio, line, true);
}

void logbuf_line_quiet(struct logbuf *lb, const char *line)
{
	put_line(lb, LOGBUF_INFO, line, false);
}

/* A monitor's lines are for people, all at LOGBUF_INFO: the supervisor never reads meaning
 * into their text (a driver's console is in there too). What is an error is known from the
 * monitor's status records (include/ikernel/status.h): the supervisor's own lines about a run
 * (its end marker with the crash report or violation, a fallback) carry the priority. */
static void monitor_line(struct logbuf *lb, const char *line)
{
	logbuf_line_prio(lb, LOGBUF_INFO, line);
}

void logbuf_flush_partial(struct logbuf *lb)
{
	if (!lb->partial_len)
		return;
	lb->partial[lb->partial_len] = '\0';
	lb->partial_len = 0;
	monitor_line(lb, lb->partial);
}

void logbuf_feed(struct logbuf *lb, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			lb->partial[lb->partial_len] = '\0';
			lb->partial_len = 0;
			monitor_line(lb, lb->partial);
			continue;
		}
		if (lb->partial_len >= sizeof(lb->partial) - 1)
			logbuf_flush_partial(lb); /* an overlong line is split */
		lb->partial[lb->partial_len++] = data[i];
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int logbuf_dump(const struct logbuf *lb, int fd)
{
	size_t start = (lb->head + LOGBUF_SIZE - lb->used) % LOGBUF_SIZE;
	size_t n = lb->used;

	if (lb->used == LOGBUF_SIZE) {
		/* The ring wrapped: start at the first whole line. */
		while (n && lb->ring[start] != '\n') {
			start = (start + 1) % LOGBUF_SIZE;
			n--;
		}
		if (n) {
			start = (start + 1) % LOGBUF_SIZE;
			n--;
		}
	}
	size_t first = LOGBUF_SIZE - start < n ? LOGBUF_SIZE - start : n;
	int r = write_all(fd, lb->ring + start, first);
	if (!r && n > first)
		r = write_all(fd, lb->ring, n - first);
	return r;
}

int logbuf_follow(struct logbuf *lb, int fd)
{
	for (int i = 0; i < LOGBUF_FOLLOWERS; i++)
		if (lb->followers[i] < 0) {
			lb->followers[i] = fd;
			return 0;
		}
	return -ENOSPC;
}

void logbuf_drop_followers(struct logbuf *lb)
{
	for (int i = 0; i < LOGBUF_FOLLOWERS; i++)
		if (lb->followers[i] >= 0) {
			close(lb->followers[i]);
			lb->followers[i] = -1;
		}
}
