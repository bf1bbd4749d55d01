/* SPDX-License-Identifier: MIT */
/* `ikernel run` options: one parser (getopt_long) for every isolation level. */
#ifndef IKERNEL_RUN_OPTS_H
#define IKERNEL_RUN_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ikernel/abi.h"
#include "budget.h"
#include "monitor.h" /* struct ik_node_decl */
#include "netif_relay.h" /* struct ik_netif_cfg */

#define IK_RUN_MAX_DEVICES 16u

enum ik_run_level {
	IK_RUN_LEVEL_AUTO = 0, /* not asked: vm, or process when /dev/kvm cannot be opened */
	IK_RUN_LEVEL_VM,
	IK_RUN_LEVEL_PROCESS,
	IK_RUN_LEVEL_INPROC, /* only in NAME.inproc, which has a driver linked in */
};

struct ik_run_opts {
	const char *image;
	const char *name;        /* NULL: the image's file name without extension */
	uint64_t mem_size;       /* 0: default */
	const char *params;      /* "k=v k=v", or NULL */
	const char *devices[IK_RUN_MAX_DEVICES];
	size_t ndevices;
	uint64_t spin_ns;        /* (uint64_t)-1: default */
	unsigned hang_ms;        /* 0: default */
	const char *recovery;    /* NULL: none */
	const char *runtime_dir; /* NULL: $IKERNEL_RUNTIME_DIR or /run/ikernel */
	const char *user;        /* NULL: stay who we are */
	struct ik_budget_cfg log_budget; /* rate 0: the default (budget.h) */
	bool no_sandbox;
	enum ik_run_level level;
	struct ik_node_decl nodes[IK_MAX_NODES]; /* --node */
	size_t nnodes;
	unsigned node_mode; /* --node-mode; 0 = IK_NODE_MODE_DEFAULT */
	/* --netdev NAME[,fd=N][,netns=NS]: tap_fd -1 until ik_run_netdevs_open() opens it */
	struct ik_netif_cfg netifs[IK_NETIF_MAX];
	const char *netns[IK_NETIF_MAX];
	size_t nnetifs;
	char params_buf[IK_PARAMS_MAX];
	char fallback_why[300]; /* ik_run_level_resolve: why KVM is not usable; "" when no fallback */
};

/* Parse argv (argv[0] = "run"). Returns 0, 1 when --help was printed (exit 0), or 2 after a
 * message on stderr naming the bad option (a usage error). Checks every value; what applies
 * to one level only is refused at the other. */
int ik_run_opts_parse(struct ik_run_opts *o, int argc, char **argv);

void ik_run_usage(FILE *out);

/* The driver linked into this binary for --isolation=inproc (builtin_inproc.c, only in
 * build/drivers/linux/NAME.inproc); NULL in the plain ikernel (a weak reference). */
void ik_run_builtin_inproc(int ctl, int kick, int boot) __attribute__((weak));

/* The TAP of every --netdev: the descriptor given (fd=N, checked to be that TAP) or the
 * interface created or attached here. 0, or -errno with a message in err naming it. */
int ik_run_netdevs_open(struct ik_run_opts *o, char *err, size_t errlen);

/* The level to run at: the one asked for, else vm, or process (said on stderr, the reason
 * kept in o->fallback_why) without a usable /dev/kvm. */
enum ik_run_level ik_run_level_resolve(struct ik_run_opts *o);

#endif
