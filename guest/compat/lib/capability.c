/* SPDX-License-Identifier: MIT */
/* capable(): the operator's capability policy, boot parameter `ikernel.caps` (see
 * <linux/capability.h>). Parsed on every call: the string is short and checks are rare. */
#include <ik/rt.h>
#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/string.h>

#define CAP_PARAM "ikernel.caps"

static const char *const cap_names[CAP_LAST_CAP + 1] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin",
	"net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace",
	"sys_pacct", "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time",
	"sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
	"mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read",
	"perfmon", "bpf", "checkpoint_restore",
};

/* Does the word [w, w + len) of the policy name capability `cap`? */
static bool word_is_cap(const char *w, size_t len, int cap)
{
	const char *name = cap_names[cap];
	char *end;
	unsigned long n;

	if (len == 3 && !strncmp(w, "all", 3))
		return true;
	if (strlen(name) == len && !strncmp(w, name, len))
		return true;
	if (len == 0 || w[0] < '0' || w[0] > '9')
		return false;
	n = ik_strtoul(w, &end, 10);
	return end == w + len && n == (unsigned long)cap;
}

bool capable(int cap)
{
	const char *policy = ik_param(CAP_PARAM);

	if (cap < 0 || cap > CAP_LAST_CAP)
		return false;
	if (!policy)
		return true;
	for (const char *w = policy; *w;) {
		const char *comma = strchr(w, ',');
		size_t len = comma ? (size_t)(comma - w) : strlen(w);

		if (word_is_cap(w, len, cap))
			return true;
		if (!comma)
			break;
		w = comma + 1;
	}
	return false;
}
