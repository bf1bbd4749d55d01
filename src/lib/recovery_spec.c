/* SPDX-License-Identifier: MIT */
/* The recovery spec (recovery.h): parsed here, for libikernel and for manifest checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikernel/abi.h"
#include "recovery.h"

static int bad(char *why, size_t whylen, const char *what, const char *item)
{
	snprintf(why, whylen, "%s '%s'", what, item);
	return -EINVAL;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int add_cmd(uint32_t *list, uint32_t *n, const char *s)
{
	uint32_t cmd;

	if (parse_u32(s, &cmd) || *n >= IK_REC_MAX_IOCTLS)
		return -EINVAL;
	list[(*n)++] = cmd;
	return 0;
}

/* state=ioctl:CMD,write:last|write:all */
static int parse_state(char *v, struct ik_recovery_policy *p, char *why, size_t whylen)
{
	for (char *save = NULL, *it = strtok_r(v, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
		if (!strncmp(it, "ioctl:", 6)) {
			if (add_cmd(p->state_ioctls, &p->nstate_ioctls, it + 6))
				return bad(why, whylen, "bad state ioctl (a number; at most 16)", it);
		} else if (!strcmp(it, "write:last")) {
			p->state_writes = IK_REC_WRITES_LAST;
		} else if (!strcmp(it, "write:all")) {
			p->state_writes = IK_REC_WRITES_ALL;
		} else if (strcmp(it, "none")) {
			return bad(why, whylen, "bad state call (ioctl:CMD, write:last, write:all)", it);
		}
	}
	return 0;
}

/* idem=read,write,llseek,poll,open,ioctl:CMD,ioctl:* */
static int parse_idem(char *v, struct ik_recovery_policy *p, char *why, size_t whylen)
{
	static const struct { const char *name; uint8_t op; } ops[] = {
		{"read", IK_OP_READ}, {"write", IK_OP_WRITE}, {"llseek", IK_OP_LLSEEK},
		{"poll", IK_OP_POLL}, {"open", IK_OP_OPEN},
	};
	for (char *save = NULL, *it = strtok_r(v, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
		bool known = false;

		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (!strcmp(it, ops[i].name)) {
				p->idem_ops |= 1u << ops[i].op;
				known = true;
			}
		if (known || !strcmp(it, "none"))
			continue;
		if (!strcmp(it, "ioctl:*"))
			p->idem_all_ioctls = true;
		else if (strncmp(it, "ioctl:", 6) || add_cmd(p->idem_ioctls, &p->nidem_ioctls, it + 6))
			return bad(why, whylen,
				   "bad idempotent call (read, write, llseek, poll, open, ioctl:CMD, ioctl:*)",
				   it);
	}
	return 0;
}

static int parse_item(char *item, struct ik_recovery_policy *p, char *why, size_t whylen)
{
	char *v = strchr(item, '=');

	if (!v)
		return bad(why, whylen, "expected KEY=VALUE, not", item);
	*v++ = '\0';
	if (!strcmp(item, "policy")) {
		if (!strcmp(v, "transparent"))
			p->transparent = true;
		else if (!strcmp(v, "fail-open-files"))
			p->transparent = false;
		else
			return bad(why, whylen, "bad policy (transparent or fail-open-files)", v);
		return 0;
	}
	if (!strcmp(item, "state"))
		return parse_state(v, p, why, whylen);
	if (!strcmp(item, "idem"))
		return parse_idem(v, p, why, whylen);
	if (!strcmp(item, "timeout"))
		return parse_u32(v, &p->timeout_ms) ? bad(why, whylen, "bad timeout (ms)", v) : 0;
	if (!strcmp(item, "wait"))
		return parse_u32(v, &p->wait_ms) || p->wait_ms == 0 ?
			       bad(why, whylen, "bad wait (ms, > 0)", v) : 0;
	return bad(why, whylen, "unknown recovery key", item);
}

int ik_recovery_parse(const char *spec, struct ik_recovery_policy *p, char *why, size_t whylen)
{
	char buf[IK_REC_SPEC_MAX];

	*p = (struct ik_recovery_policy){.wait_ms = IK_REC_WAIT_DEFAULT_MS};
	if (strlen(spec) >= sizeof(buf))
		return bad(why, whylen, "recovery spec too long (at most 255 bytes):", spec);
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *save = NULL, *it = strtok_r(buf, " ", &save); it; it = strtok_r(NULL, " ", &save)) {
		int err = parse_item(it, p, why, whylen);
		if (err)
			return err;
	}
	p->present = true;
	return 0;
}

static bool in_list(const uint32_t *list, uint32_t n, uint32_t cmd)
{
	for (uint32_t i = 0; i < n && i < IK_REC_MAX_IOCTLS; i++)
		if (list[i] == cmd)
			return true;
	return false;
}

bool ik_recovery_idempotent(const struct ik_recovery_policy *p, uint8_t op, uint32_t cmd)
{
	if (op == IK_OP_IOCTL)
		return p->idem_all_ioctls || in_list(p->idem_ioctls, p->nidem_ioctls, cmd);
	return op < 32 && (p->idem_ops & (1u << op));
}

bool ik_recovery_state_ioctl(const struct ik_recovery_policy *p, uint32_t cmd)
{
	return in_list(p->state_ioctls, p->nstate_ioctls, cmd);
}
