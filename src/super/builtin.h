/* SPDX-License-Identifier: MIT */
/* The shipped manifests (the .ini files in manifests/), embedded at build time by embed.py. */
#ifndef IKSUPER_BUILTIN_H
#define IKSUPER_BUILTIN_H

struct ik_builtin_manifest {
	const char *file; /* "led.ini" */
	const char *text;
};

extern const struct ik_builtin_manifest ik_builtin_manifests[];
extern const unsigned ik_builtin_manifest_count;

#endif
