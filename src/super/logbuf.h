/* SPDX-License-Identifier: MIT */
/* A driver's log: the last LOGBUF_SIZE bytes in memory (for `ikernel logs`), every line also
 * appended to $IKERNEL_RUNTIME_DIR/logs/NAME.log, and pushed to `logs -f` followers. */
#ifndef IKSUPER_LOGBUF_H
#define IKSUPER_LOGBUF_H

#include <stddef.h>

#define LOGBUF_SIZE      (64 * 1024)
#define LOGBUF_FOLLOWERS 8
#define LOGBUF_FILE_MAX  (4 * 1024 * 1024) /* a log file above this is started afresh */

struct logbuf {
	char ring[LOGBUF_SIZE];
	size_t head;  /* next byte written */
	size_t used;  /* bytes held (<= LOGBUF_SIZE) */
	int file_fd;  /* -1: none */
	int followers[LOGBUF_FOLLOWERS]; /* control sockets, -1: free */
	char partial[1024]; /* an unterminated line from the monitor */
	size_t partial_len;
};

/* Open logs/NAME.log under dir (appending). Never fails: without a file, memory only. */
void logbuf_init(struct logbuf *lb, const char *dir, const char *name);
void logbuf_fini(struct logbuf *lb);

/* Append one line (no newline in `line`; one is added). */
void logbuf_line(struct logbuf *lb, const char *line);
/* Raw output from a monitor: split into lines; calls on_line for each complete one. */
void logbuf_feed(struct logbuf *lb, const char *data, size_t len,
		 void (*on_line)(void *ctx, const char *line), void *ctx);
/* Flush an unterminated last line. */
void logbuf_flush_partial(struct logbuf *lb, void (*on_line)(void *ctx, const char *line),
			  void *ctx);

/* Write the held text to fd (blocking). 0 or -errno. */
int logbuf_dump(const struct logbuf *lb, int fd);
/* Add a follower socket (taken over: closed when it goes away). -ENOSPC when full. */
int logbuf_follow(struct logbuf *lb, int fd);
/* Close every follower (the driver is going away, or the supervisor stops). */
void logbuf_drop_followers(struct logbuf *lb);

#endif
