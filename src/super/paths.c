/* SPDX-License-Identifier: MIT */
/* Where images and manifests are looked up: the rule is in paths.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ik_paths_config.h"
#include "paths.h"

/* out = a + b; a path too long to be one is "" (then nothing is found there, and said so). */
static void set(char *out, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + lb >= PATH_MAX) {
		out[0] = '\0';
		return;
	}
	memcpy(out, a, la);
	memcpy(out + la, b, lb + 1);
}

/* Is `exe` the binary of the build tree this one was compiled in? */
static bool in_build_tree(const char *exe)
{
	char real[PATH_MAX];

	return realpath(IK_BUILD_ROOT "/src/cli/ikernel", real) && !strcmp(real, exe);
}

/* The root R under which `exe` is R + BINDIR + "/ikernel" ("" for BINDIR itself), or NULL. */
static const char *install_root(const char *exe, char *root)
{
	size_t n = strlen(exe), tail = strlen(IK_BINDIR "/ikernel");

	if (n < tail || strcmp(exe + n - tail, IK_BINDIR "/ikernel"))
		return NULL;
	snprintf(root, PATH_MAX, "%.*s", (int)(n - tail), exe);
	return root;
}

void ik_paths_find(const char *exe, struct ik_paths *p)
{
	char root[PATH_MAX];
	const char *r = "";

	memset(p, 0, sizeof(*p));
	p->build_tree = in_build_tree(exe);
	if (p->build_tree) {
		set(p->image_dir, IK_BUILD_ROOT, "/drivers");
	} else {
		if (install_root(exe, root))
			r = root;
		set(p->image_dir, r, IK_PKGLIBDIR);
		set(p->conf_dir, r, IK_PKGCONFDIR);
	}
	const char *lib = getenv("IKERNEL_LIBDIR"), *conf = getenv("IKERNEL_CONFDIR");
	if (lib && lib[0])
		set(p->image_dir, lib, "");
	if (conf && conf[0])
		set(p->conf_dir, conf, "");
}
