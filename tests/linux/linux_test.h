/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the Linux-driver end-to-end tests (suite 'linux'). Each test program gets, from
 * tests/linux/meson.build (which iterates drivers/linux/drivers.list):
 *   argv[1] ikernel binary  argv[2] build root  argv[3] image (relative to the build root)
 *   argv[4] driver name     argv[5] device grants  argv[6] module parameters  argv[7] nodes
 * (5-7 space-separated lists, possibly empty). Every wait is bounded.
 */
#ifndef IK_LINUX_TEST_H
#define IK_LINUX_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "iktest.h"

struct ldrv {
	const char *image, *name;
	char devices[8][256];
	unsigned ndevices;
	char params[16][128];
	unsigned nparams;
	char nodes[4][32];
	unsigned nnodes;
};

extern struct ldrv ldrv;

/* harness_init + parse argv[3..7]; exits 77 when /dev/kvm is absent. */
void ldrv_init(int argc, char **argv);

/* Start the driver with its grants (device i gets `dev_opts[i]` appended when not NULL, e.g.
 * ",file=/tmp/x"), its parameters plus `more_params` (NULL-terminated, may be NULL); waits for
 * its first node. Returns 0 or -1. */
int ldrv_start(struct monitor *m, const char *dev_opt0, const char *const *more_params);

/* Occurrences of `needle` in the monitor log. */
unsigned log_count(const struct monitor *m, const char *needle);

/* Wait up to timeout_ms for `needle` to occur at least `n` times in the log. */
bool log_wait(const struct monitor *m, const char *needle, unsigned n, int timeout_ms);


#endif
