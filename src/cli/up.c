/* SPDX-License-Identifier: MIT */
/* `ikernel up [MANIFEST...]`: the supervisor (src/super). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "iksuper.h"

#define UP_MAX_MANIFESTS 64

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ikernel up [OPTIONS] [MANIFEST|DIR...]\n\n"
		"Start the supervisor: one monitor process per driver VM, the device files under\n"
		"$IKERNEL_RUNTIME_DIR/dev (default /run/ikernel/dev), the control socket, restarts per\n"
		"each driver's policy. Without arguments it starts the drivers shipped with iKernel\n"
		"(led, nulldev, crashtest); otherwise the given manifests (INI files, or directories of\n"
		"*.ini). Runs until 'ikernel down', SIGINT or SIGTERM, then stops every driver and\n"
		"unmounts the device files. Needs /dev/kvm and /dev/fuse (and root to mount).\n\n"
		"options:\n"
		"  -d, --detach          return once the drivers are up (exit 0: all running,\n"
		"                        1: some did not start); the supervisor keeps running and logs\n"
		"                        to $IKERNEL_RUNTIME_DIR/logs/supervisor.log\n"
		"  --check               parse the manifests, print what would run, and exit\n"
		"  --runtime-dir DIR     default $IKERNEL_RUNTIME_DIR or /run/ikernel\n"
		"  -h, --help            this text\n\n"
		"exit status: 0 clean shutdown; 1 runtime failure; 2 usage or manifest error\n"
		"See docs/ikernel.1.md for the manifest format.\n");
}

int ik_cmd_up(int argc, char **argv)
{
	static const char *manifests[UP_MAX_MANIFESTS];
	struct ik_super_opts o = {.manifests = manifests};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--detach")) {
			o.detach = true;
		} else if (!strcmp(a, "--check")) {
			o.check_only = true;
		} else if (!strcmp(a, "--runtime-dir")) {
			if (++i >= argc) {
				fprintf(stderr, "ikernel up: --runtime-dir needs a directory\n");
				return 2;
			}
			o.runtime_dir = argv[i];
		} else if (a[0] == '-') {
			fprintf(stderr, "ikernel up: unknown option '%s' (see 'ikernel up --help')\n", a);
			return 2;
		} else if (o.nmanifests >= UP_MAX_MANIFESTS) {
			fprintf(stderr, "ikernel up: too many manifests (at most %d)\n", UP_MAX_MANIFESTS);
			return 2;
		} else {
			manifests[o.nmanifests++] = a;
		}
	}
	return ik_super_up(&o);
}
