/* SPDX-License-Identifier: MIT */
#include "logbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

void logbuf_init(struct logbuf *lb, const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	memset(lb, 0, sizeof(*lb));
	for (int i = 0; i < LOGBUF_FOLLOWERS; i++)
		lb->followers[i] = -1;
	snprintf(path, sizeof(path), "%s/%s.log", dir, name);
	int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
	if (stat(path, &st) == 0 && st.st_size > LOGBUF_FILE_MAX)
		flags |= O_TRUNC;
	lb->file_fd = open(path, flags, 0640);
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

void logbuf_line(struct logbuf *lb, const char *line)
{
	char buf[1200];
	int n = snprintf(buf, sizeof(buf), "%s\n", line);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	ring_put(lb, buf, (size_t)n);
	if (lb->file_fd >= 0)
		(void)!write(lb->file_fd, buf, (size_t)n);
	push_followers(lb, buf, (size_t)n);
}

void logbuf_flush_partial(struct logbuf *lb, void (*on_line)(void *ctx, const char *line),
			  void *ctx)
{
	if (!lb->partial_len)
		return;
	lb->partial[lb->partial_len] = '\0';
	lb->partial_len = 0;
	logbuf_line(lb, lb->partial);
	if (on_line)
		on_line(ctx, lb->partial);
}

void logbuf_feed(struct logbuf *lb, const char *data, size_t len,
		 void (*on_line)(void *ctx, const char *line), void *ctx)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			lb->partial[lb->partial_len] = '\0';
			lb->partial_len = 0;
			logbuf_line(lb, lb->partial);
			if (on_line)
				on_line(ctx, lb->partial);
			continue;
		}
		if (lb->partial_len >= sizeof(lb->partial) - 1)
			logbuf_flush_partial(lb, on_line, ctx); /* an overlong line is split */
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
