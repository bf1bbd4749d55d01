/* SPDX-License-Identifier: MIT */
/*
 * A driver's log: the last LOGBUF_SIZE bytes in memory (for `ikernel logs`), pushed to
 * `logs -f` followers, and kept by one of two targets (logbuf_configure):
 *   file     every line appended to LOGDIR/NAME.log; above half the cap the file becomes
 *            NAME.log.1 (replacing the older one) and a new NAME.log starts, while running:
 *            the two never hold more than the cap (default 4 MiB) together.
 *   journal  (under systemd) every line to stderr as "<P>NAME: line", P its syslog priority
 *            (sd-daemon's convention: the journal stores it); no file.
 * Lines in memory and in the file start with the local time in ISO 8601 with milliseconds and
 * the UTC offset ("2025-06-01T10:15:42.123+02:00 "); the journal stamps its own.
 */
#ifndef IKSUPER_LOGBUF_H
#define IKSUPER_LOGBUF_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LOGBUF_SIZE      (64 * 1024)
#define LOGBUF_FOLLOWERS 8
#define LOGBUF_FILE_MAX  (4 * 1024 * 1024) /* default cap: NAME.log and NAME.log.1 together */
#define LOGBUF_FILE_MIN  (16 * 1024)       /* the smallest cap accepted */
#define LOGBUF_TS_LEN    40                /* room for a timestamp (logbuf_timestamp) */

/* Syslog priorities (sd-daemon.h's SD_ERR...): for the journal, and to classify lines. */
#define LOGBUF_ERR     3
#define LOGBUF_WARNING 4
#define LOGBUF_NOTICE  5
#define LOGBUF_INFO    6

struct logbuf {
	char ring[LOGBUF_SIZE];
	size_t head;  /* next byte written */
	size_t used;  /* bytes held (<= LOGBUF_SIZE) */
	int file_fd;  /* -1: none */
	int followers[LOGBUF_FOLLOWERS]; /* control sockets, -1: free */
	char partial[1024]; /* an unterminated line from the monitor */
	size_t partial_len;
	char name[64];       /* the driver's: the journal's prefix */
	char path[PATH_MAX]; /* of the file, "" without one */
	off_t file_size;     /* bytes in the file now */
	unsigned rotations;  /* times the file became NAME.log.1 */
};

/* For every log from now on: the journal instead of files (else files), and the cap on a
 * driver's files (0: the default). */
void logbuf_configure(bool journal, uint64_t file_max);
bool logbuf_journal(void);
uint64_t logbuf_file_max(void);

/* "2025-06-01T10:15:42.123+02:00": now, local time, ISO 8601 with ms and the UTC offset. */
void logbuf_timestamp(char *out, size_t len);

/* Open NAME.log under dir (appending; a file above half the cap is rotated first). Never fails:
 * without a file (or in journal mode), memory only. */
void logbuf_init(struct logbuf *lb, const char *dir, const char *name);
void logbuf_fini(struct logbuf *lb);

/* Append one line (no newline in `line`; one is added), at priority prio (LOGBUF_*). */
void logbuf_line_prio(struct logbuf *lb, int prio, const char *line);
/* Memory, file and followers only: never the journal (which has it from elsewhere). */
void logbuf_line_quiet(struct logbuf *lb, const char *line);
/* Raw output from a monitor: split into lines, each at LOGBUF_INFO (never parsed: what the
 * supervisor acts on comes from the status channel, include/ikernel/status.h). */
void logbuf_feed(struct logbuf *lb, const char *data, size_t len);
/* Flush an unterminated last line. */
void logbuf_flush_partial(struct logbuf *lb);

/* Write the held text to fd (blocking). 0 or -errno. */
int logbuf_dump(const struct logbuf *lb, int fd);
/* Add a follower socket (taken over: closed when it goes away). -ENOSPC when full. */
int logbuf_follow(struct logbuf *lb, int fd);
/* Close every follower (the driver is going away, or the supervisor stops). */
void logbuf_drop_followers(struct logbuf *lb);

#endif
