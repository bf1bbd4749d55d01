/* SPDX-License-Identifier: MIT */
/*
 * The output budget of one driver: everything a driver can make its host write (console
 * text, device-model lines such as the LED board, the speech synthesizer or a watchdog, crash
 * report lines) is charged to one token bucket per driver, in bytes and in lines, refilled at
 * `rate` bytes and `lines` lines a second up to `burst` seconds' worth of each. A line is
 * charged what is actually written: its length after escaping, with the "[driver] " prefix
 * and the newline, plus IK_BUDGET_LINE_COST for the timestamp the supervisor puts in front
 * of it, so a driver cannot amplify (4096 newlines are 4096 lines, each charged). What does
 * not fit is dropped and counted.
 *
 * `ikernel run --log-budget RATE,LINES,BURST` and the manifest's `log_budget` take the same
 * text ("16K,200,16s": 16 KiB and 200 lines a second after a first burst of 16 seconds'
 * worth); ik_budget_parse is their one parser.
 */
#ifndef IKMON_BUDGET_H
#define IKMON_BUDGET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IK_BUDGET_RATE_DEFAULT  (16u * 1024u) /* bytes per second */
#define IK_BUDGET_LINES_DEFAULT 200u          /* lines per second */
#define IK_BUDGET_BURST_DEFAULT 16u           /* seconds' worth */
#define IK_BUDGET_LINE_COST     32u /* charged per line: the supervisor's timestamp and space */
#define IK_BUDGET_RATE_MIN      1024u
#define IK_BUDGET_RATE_MAX      (64u * 1024u * 1024u)
#define IK_BUDGET_LINES_MAX     1000000u
#define IK_BUDGET_BURST_MAX     3600u

struct ik_budget_cfg {
	uint64_t rate;  /* bytes per second */
	uint64_t lines; /* lines per second */
	uint64_t burst; /* seconds' worth of each */
};

/* "RATE,LINES,BURST": RATE in bytes with an optional K or M suffix (1K..64M), LINES a count
 * (1..1000000), BURST in seconds with an optional "s" (1..3600). 0, or -EINVAL with why in err. */
int ik_budget_parse(const char *s, struct ik_budget_cfg *out, char *err, size_t errlen);
/* The defaults. */
struct ik_budget_cfg ik_budget_default(void);
/* "16 KiB and 200 lines a second, burst 16 s": for messages and `ikernel run --help`. */
void ik_budget_describe(const struct ik_budget_cfg *cfg, char *out, size_t outlen);

/* What admitting a line decided, and what to say about it. */
enum ik_budget_say {
	IK_BUDGET_SAY_NOTHING,
	IK_BUDGET_SAY_START,   /* the first line dropped: "over its budget, dropping" */
	IK_BUDGET_SAY_SO_FAR,  /* still dropping, IK_BUDGET_REPORT_S since the last line said so */
	IK_BUDGET_SAY_OVER,    /* the budget has come back: "N lines dropped" (this line admitted) */
};
#define IK_BUDGET_REPORT_S 10u

struct ik_bucket {
	uint64_t tokens; /* left */
	uint64_t t_ns;   /* tokens are earned from here on */
};

/* One driver's buckets. Thread-safe: the console (the vCPU/service thread) and the device
 * models' timer threads share it. */
struct ik_budget {
	pthread_mutex_t lock;
	struct ik_budget_cfg cfg;
	struct ik_bucket bytes, lines;
	bool started;          /* false: full at the first line */
	uint64_t report_ns;    /* when the last "dropping" line was said */
	uint64_t flood_lines;  /* dropped since dropping began (0: not dropping) */
	uint64_t dropped_lines, dropped_bytes; /* in all, for the end report */
};

void ik_budget_init(struct ik_budget *b, const struct ik_budget_cfg *cfg);
/* May a line of `len` written bytes be written now (ns: CLOCK_MONOTONIC)? Charges it when
 * yes, counts it as dropped when not; *say tells what the caller should log about it, and
 * *flood the lines dropped in this flood (for SO_FAR and OVER). */
bool ik_budget_admit(struct ik_budget *b, size_t len, uint64_t now_ns, enum ik_budget_say *say,
		     uint64_t *flood);
/* Totals dropped so far. */
void ik_budget_dropped(struct ik_budget *b, uint64_t *lines, uint64_t *bytes);

#endif /* IKMON_BUDGET_H */
