/* SPDX-License-Identifier: MIT */
/*
 * The driver linked into this `ikernel` (build/src/cli/NAME.inproc, src/cli/meson.build):
 * `run --isolation=inproc` runs it on a thread of this process behind the monitor-lite, with no
 * isolation at all: the baseline of `ikernel bench net`. The plain `ikernel` has no driver
 * linked in and refuses that level (run_opts.c).
 */
#include <stdio.h>
#include <unistd.h>

#include "run_opts.h"

void ik_inproc_builtin_main(int ctl, int kick, int boot); /* <name>_inproc.o, renamed entry */

void ik_run_builtin_inproc(int ctl, int kick, int boot)
{
	ik_inproc_builtin_main(ctl, kick, boot);
}

/* The bench's in-process nulldev is not linked in here (one driver per binary: the in-process
 * objects' initcall tables would merge). Its rows then find a driver that ends at once. */
void ik_inproc_nulldev_main(int ctl, int kick, int boot);
void ik_inproc_nulldev_main(int ctl, int kick, int boot)
{
	(void)kick;
	(void)boot;
	dprintf(2, "ikernel: this build links only its own driver in process, not nulldev (use "
		   "the plain ikernel for bench rows at isolation=inproc)\n");
	close(ctl);
}
