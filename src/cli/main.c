/* SPDX-License-Identifier: MIT */
/* `ikernel`: the command-line front end. Each subcommand lives in its own file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ikernel/abi.h"

static const struct ik_command commands[] = {
	{"run", "run one driver VM in the foreground and serve its clients", ik_cmd_run},
	{"bench", "measure the cost of isolation (null call, raw limits, boot)", ik_cmd_bench},
	{"up", "start the supervisor: every driver VM, device files, restarts", ik_cmd_up},
	{"status", "show the supervised drivers (state, uptime, restarts, calls, crashes)", ik_cmd_ctl},
	{"logs", "print (or follow) a driver's console and monitor output", ik_cmd_ctl},
	{"restart", "restart a driver", ik_cmd_ctl},
	{"stop", "stop a driver (no automatic restart)", ik_cmd_ctl},
	{"start", "start a stopped driver", ik_cmd_ctl},
	{"down", "stop every driver, unmount the device files, end the supervisor", ik_cmd_ctl},
	{"inject", "inject a fault into a running driver (reliability testing)", ik_cmd_inject},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ikernel COMMAND [ARGS...]\n\n"
		     "Runs device drivers isolated in their own minimal KVM virtual machines.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'ikernel COMMAND --help' describes a command; 'ikernel --version' the build.\n"
		     "Options take --opt VALUE and --opt=VALUE alike; a usage error exits 2.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "ikernel: which command?\n");
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("ikernel %s (driver ABI %u)\n", IK_VERSION, IK_ABI_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "ikernel: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
