/* SPDX-License-Identifier: MIT */
/* The supervisor's entry point, for the CLI (`ikernel up`, src/cli/up.c). */
#ifndef IKSUPER_H
#define IKSUPER_H

#include <stdbool.h>

struct ik_super_opts {
	const char *runtime_dir;        /* NULL: $IKERNEL_RUNTIME_DIR or /run/ikernel */
	const char *const *manifests;   /* files or directories of *.ini; none: the shipped ones */
	int nmanifests;
	bool detach;                    /* return once the drivers are up; keep running */
	bool check_only;                /* parse the manifests, print what would run, exit */
};

/* Runs until `ikernel down`, SIGINT or SIGTERM. Returns the process exit status. */
int ik_super_up(const struct ik_super_opts *o);

#endif
