/* SPDX-License-Identifier: MIT */
#ifndef IKERNEL_CLI_H
#define IKERNEL_CLI_H

/* Each command gets argv[0] = its own name; returns the process exit status. */
struct ik_command {
	const char *name;
	const char *summary;
	int (*fn)(int argc, char **argv);
};

int ik_cmd_run(int argc, char **argv);   /* run.c */
int ik_cmd_bench(int argc, char **argv); /* bench.c */
/* run_isolation.c: `ikernel run --isolation=process` (or no /dev/kvm), options parsed */
struct ik_run_opts;
/* `ikernel run` at isolation=process (run_isolation.c): its exit status; *res says how the
 * driver ended (end IK_END_NONE: it never ran, and err says why). */
struct ik_vm_result;
int ik_cmd_run_process(const struct ik_run_opts *o, struct ik_vm_result *res, char *err,
		       size_t errlen);
int ik_cmd_up(int argc, char **argv);    /* up.c: the supervisor */
int ik_cmd_ctl(int argc, char **argv);   /* ctl.c: status, logs, restart, stop, start, down */
int ik_cmd_inject(int argc, char **argv); /* inject.c: fault injection */

/* usage.c: a usage error, said the same way by every command: "ikernel CMD: ..." and
 * "(see 'ikernel CMD --help')" on stderr; returns 2, the exit status of a usage error. */
int ik_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* After getopt_long (opterr = 0, optstring starting with ':') returned '?' or ':' (c): which
 * option was unknown, lacked its value or took none; returns 2. */
struct option;
int ik_bad_option(const char *cmd, int c, char **argv, const struct option *longopts);

#endif
