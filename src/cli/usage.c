/* SPDX-License-Identifier: MIT */
/*
 * Usage errors, said the same way by every command (cli.h): "ikernel CMD: what", then
 * "(see 'ikernel CMD --help')" on stderr, exit status 2.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int ik_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ikernel %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'ikernel %s --help')\n", cmd);
	return 2;
}

int ik_bad_option(const char *cmd, int c, char **argv, const struct option *longopts)
{
	const char *a = optind > 0 ? argv[optind - 1] : "";

	if (strncmp(a, "--", 2) != 0) { /* a short option: getopt says which in optopt */
		if (c == ':')
			return ik_usage_error(cmd, "option '-%c' needs a value", optopt);
		return ik_usage_error(cmd, "unknown option '-%c'", optopt ? optopt : '?');
	}
	if (c == ':')
		return ik_usage_error(cmd, "option '%s' needs a value", a);
	const char *eq = strchr(a, '=');
	size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	for (const struct option *o = longopts; o && o->name; o++)
		if (eq && o->has_arg == no_argument && strlen(o->name) == n && !strncmp(o->name, a + 2, n))
			return ik_usage_error(cmd, "option '--%s' takes no value", o->name);
	return ik_usage_error(cmd, "unknown option '%s'", a);
}
