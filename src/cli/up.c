/* SPDX-License-Identifier: MIT */
/* `ikernel up [MANIFEST...]`: the supervisor (src/super). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ik_paths_config.h" /* the installed manifests and images */
#include "iksuper.h"

#define UP_MAX_MANIFESTS 64

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ikernel up [OPTIONS] [MANIFEST|DIR...]\n\n"
		"Start the supervisor: one monitor process per driver VM, the device files under\n"
		"$IKERNEL_RUNTIME_DIR/dev (default /run/ikernel/dev), the control socket, restarts per\n"
		"each driver's policy. Without arguments it starts the drivers shipped with iKernel\n"
		"(led, nulldev, crashtest): an installed ikernel the *.ini files of\n"
		IK_PKGCONFDIR " ($IKERNEL_CONFDIR), images in\n"
		IK_PKGLIBDIR " ($IKERNEL_LIBDIR); the build's own\n"
		"binary the tree's manifests/ and build/drivers (ikernel(1), FILES). Otherwise the\n"
		"given manifests (INI files, or directories of *.ini).\n"
		"Runs until 'ikernel down', SIGINT or SIGTERM, then stops every driver and\n"
		"unmounts the device files. Needs /dev/fuse (and root to mount); without a usable\n"
		"/dev/kvm every driver runs at isolation=process (WEAKER), said once. Logs are\n"
		"timestamped, in $IKERNEL_RUNTIME_DIR/logs or, under systemd, the journal; readiness\n"
		"is sent to $NOTIFY_SOCKET; a stalled monitor is killed and restarted.\n\n"
		"options (--opt VALUE and --opt=VALUE alike):\n"
		"  -d, --detach          return once the drivers are up (exit 0: all running,\n"
		"                        1: some did not start); the supervisor keeps running and logs\n"
		"                        to $IKERNEL_RUNTIME_DIR/logs/supervisor.log\n"
		"  --check               check the manifests and this machine, print what would run\n"
		"                        and every problem found (one per line), and exit: 0 none,\n"
		"                        1 problems here, 2 a manifest refused\n"
		"  --runtime-dir DIR     default $IKERNEL_RUNTIME_DIR or /run/ikernel\n"
		"  -h, --help            this text\n\n"
		"exit status: 0 clean shutdown; 1 runtime failure; 2 usage or manifest error\n"
		"environment: IKERNEL_LOG_TARGET=file|journal|auto, IKERNEL_LOG_MAX=SIZE (4M),\n"
		"IKERNEL_STALL_TIMEOUT=TIME (10s), IKERNEL_KVM_DEVICE=PATH (instead of /dev/kvm)\n"
		"See docs/ikernel.1.md for the manifest format, LOGS and HEALTH.\n");
}

int ik_cmd_up(int argc, char **argv)
{
	static const char *manifests[UP_MAX_MANIFESTS];
	struct ik_super_opts o = {.manifests = manifests};

	static const struct option longopts[] = {
		{"detach", no_argument, NULL, 'd'},
		{"check", no_argument, NULL, 'c'},
		{"runtime-dir", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0; /* our own messages, which name the command */
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hd", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'd':
			o.detach = true;
			break;
		case 'c':
			o.check_only = true;
			break;
		case 'r':
			o.runtime_dir = optarg;
			break;
		default:
			return ik_bad_option("up", c, argv, longopts);
		}
	}
	for (; optind < argc; optind++) {
		if (o.nmanifests >= UP_MAX_MANIFESTS)
			return ik_usage_error("up", "too many manifests (at most %d)", UP_MAX_MANIFESTS);
		manifests[o.nmanifests++] = argv[optind];
	}
	return ik_super_up(&o);
}
