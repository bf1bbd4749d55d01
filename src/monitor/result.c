/* SPDX-License-Identifier: MIT */
/* How a run ended, recorded once the same way at both isolation levels (drvhost.h). */
#include <stdio.h>

#include "drvhost.h"

void ik_dh_result_record(struct ik_vm_result *res, const struct ik_dh_end *e)
{
	res->end = e->end;
	snprintf(res->reason, sizeof(res->reason), "%s", e->reason);
	if (e->end == IK_END_EXIT)
		res->exit_code = e->exit_code;
	if (e->end == IK_END_PANIC) {
		snprintf(res->file, sizeof(res->file), "%s", e->file ? e->file : "");
		res->line = e->line;
	}
}
