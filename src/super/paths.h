/* SPDX-License-Identifier: MIT */
/*
 * Where `ikernel up` looks for the driver images and, without arguments, for its manifests
 * (ikernel(1), FILES). The rule, first match wins:
 *
 *   1. $IKERNEL_LIBDIR (images) and $IKERNEL_CONFDIR (manifests), each on its own;
 *   2. the binary of the build tree it was compiled in (BUILD/src/cli/ikernel): images from
 *      BUILD/drivers, the shipped manifests embedded in the binary (the .ini files of manifests/);
 *   3. an installed binary, BINDIR/ikernel of its configured prefix: images from
 *      LIBDIR/ikernel, manifests: every .ini file in SYSCONFDIR/ikernel;
 *   4. an installed tree moved under a root R (R/BINDIR/ikernel, e.g. DESTDIR or a relocated
 *      package): R/LIBDIR/ikernel and R/SYSCONFDIR/ikernel;
 *   5. anywhere else: the configured LIBDIR/ikernel and SYSCONFDIR/ikernel.
 *
 * BUILD, BINDIR, LIBDIR and SYSCONFDIR are compiled in (ik_paths_config.h, from meson).
 */
#ifndef IKSUPER_PATHS_H
#define IKSUPER_PATHS_H

#include <limits.h>
#include <stdbool.h>

struct ik_paths {
	char image_dir[PATH_MAX]; /* relative image names of manifests, after their own dir */
	char conf_dir[PATH_MAX];  /* `ikernel up` without arguments: *.ini here; "": embedded */
	bool build_tree;          /* rule 2 */
};

/* exe: this binary's resolved path (/proc/self/exe). Never fails: the fields say what was
 * chosen (a directory that does not exist is reported when something is looked up in it). */
void ik_paths_find(const char *exe, struct ik_paths *p);

#endif
