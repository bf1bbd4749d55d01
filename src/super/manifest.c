/* SPDX-License-Identifier: MIT */
/* Manifest parsing (manifest.h) on libinih, with our own line reader so that every message,
 * including those about whole sections, names the line. */
#include "manifest.h"
#include "tap.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <ini.h>
#include <libgen.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devmodel.h"
#include "ikernel/names.h"
#include "monitor.h"
#include "recovery.h"

#define LINE_MAX_LEN 1024

static char image_dir[PATH_MAX];

void ikm_set_image_dir(const char *dir)
{
	snprintf(image_dir, sizeof(image_dir), "%s", dir ? dir : "");
}

const char *ikm_restart_name(enum ikm_restart r)
{
	switch (r) {
	case IKM_RESTART_NEVER:
		return "never";
	case IKM_RESTART_ON_FAILURE:
		return "on-failure";
	default:
		return "always";
	}
}

const char *ikm_isolation_name(enum ikm_isolation i)
{
	return i == IKM_ISOLATION_PROCESS ? "process (weaker)" : "vm";
}

/* ---- the parse state and the line reader ------------------------------------------------ */

enum section_kind { SEC_NONE, SEC_DRIVER, SEC_DEVICE, SEC_NODE, SEC_BAD };

struct parse {
	struct ik_manifest *m;
	/* input: a FILE or a string */
	FILE *f;
	const char *text;
	int line;             /* of the line inih is working on */
	enum section_kind sec;
	int sec_line;
	/* the keys of the current section so far (a key given twice is refused) */
	struct {
		char key[32];
		int line;
	} seen[48];
	unsigned nseen;
	bool key_in_section;  /* a key was given since the section header (inih: continuations) */
	bool seen_driver;
	int driver_line;
	int name_line, image_line;
	int recovery_line;
	int isolation_line;
	char image_name[PATH_MAX];
	char dir[PATH_MAX];   /* the manifest's directory ("" for builtin text) */
	char err[IKM_ERR_MAX];
	int err_line;
	int errno_val;
};

static void fail(struct parse *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(struct parse *p, int line, const char *fmt, ...)
{
	char why[IKM_ERR_MAX / 2];
	va_list ap;

	if (p->err[0] && line >= p->err_line)
		return; /* the first error (by line: inih's own come last) is the one reported */
	p->err_line = line;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (snprintf(p->err, sizeof(p->err), "%s:%d: %s", p->m->source, line, why) < 0)
		p->err[0] = '?';
	p->errno_val = EINVAL;
}

/* Driver and node names: the one rule of include/ikernel/names.h (max is IK_NAME_MAX). */
static bool valid_name(const char *s, size_t max)
{
	return strlen(s) < max && ik_name_valid(s);
}

/* A section header "[kind label]": open the section (inih reports keys, not headers). */
static void open_section(struct parse *p, const char *hdr)
{
	char kind[64] = "", label[128] = "", as[64] = "", host[128] = "", extra[8] = "";
	struct ik_manifest *m = p->m;

	p->sec_line = p->line;
	p->sec = SEC_BAD;
	p->nseen = 0;
	p->key_in_section = false;
	if (sscanf(hdr, "%63s %127s %63s %127s %7s", kind, label, as, host, extra) < 1) {
		fail(p, p->line, "empty section name");
		return;
	}
	if (!strcmp(kind, "driver")) {
		if (label[0])
			fail(p, p->line, "[driver] takes no label (the name is 'name = ...')");
		else if (p->seen_driver)
			fail(p, p->line, "a second [driver] section");
		p->seen_driver = true;
		p->driver_line = p->line;
		p->sec = SEC_DRIVER;
	} else if (!strcmp(kind, "device")) {
		if (m->ndevices >= IKM_MAX_DEVICES) {
			fail(p, p->line, "too many [device] sections (at most %d)", IKM_MAX_DEVICES);
			return;
		}
		struct ikm_device *d = &m->devices[m->ndevices++];
		memset(d, 0, sizeof(*d));
		d->irq = -1;
		d->line = p->line;
		snprintf(d->label, sizeof(d->label), "%s", label[0] ? label : kind);
		p->sec = SEC_DEVICE;
	} else if (!strcmp(kind, "node")) {
		if (!valid_name(label, IK_NAME_MAX)) {
			fail(p, p->line, "[node NAME] needs a name of 1-%u characters from [A-Za-z0-9_.-] (got '%s')",
			     IK_NAME_MAX - 1, label);
			return;
		}
		if ((as[0] && (strcmp(as, "as") || !host[0])) || extra[0]) {
			fail(p, p->line, "a node section is [node NAME] or [node NAME as HOST] (got [%s])", hdr);
			return;
		}
		if (host[0] && !valid_name(host, IK_NAME_MAX)) {
			fail(p, p->line, "[node %s as HOST] needs a name of 1-%u characters from [A-Za-z0-9_.-] (got '%s')",
			     label, IK_NAME_MAX - 1, host);
			return;
		}
		if (m->nnodes >= IKM_MAX_NODES) {
			fail(p, p->line, "too many [node] sections (at most %d)", IKM_MAX_NODES);
			return;
		}
		const char *shown = host[0] ? host : label;
		for (unsigned i = 0; i < m->nnodes; i++)
			if (!strcmp(m->nodes[i].name, shown) || !strcmp(m->nodes[i].driver, label)) {
				fail(p, p->line, "node '%s' is declared twice (also line %d)",
				     strcmp(m->nodes[i].name, shown) ? label : shown, m->nodes[i].line);
				return;
			}
		struct ikm_node *n = &m->nodes[m->nnodes++];
		memset(n, 0, sizeof(*n));
		snprintf(n->name, sizeof(n->name), "%s", shown);
		snprintf(n->driver, sizeof(n->driver), "%s", label);
		n->mode = 0600;
		n->line = p->line;
		p->sec = SEC_NODE;
	} else {
		fail(p, p->line, "unknown section [%s] (expected [driver], [device LABEL] or [node NAME])",
		     hdr);
	}
}

/* Look at the line inih is about to parse: count it, spot section headers, and refuse what
 * inih would take in a way nobody means (its options are compile-time: INI_ALLOW_MULTILINE). */
static void see_line(struct parse *p, const char *line)
{
	const char *s = line;

	p->line++;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == ';' || *s == '#')
		return; /* blank, or a comment */
	if (s > line && p->key_in_section) {
		/* inih would pass it on as another value of the key before: refuse that */
		fail(p, p->line, "indented line (a continuation of the key before it; multi-line values are "
			      "not supported: one KEY = VALUE per line, not indented)");
		return;
	}
	if (*s != '[')
		return;
	const char *end = strchr(s, ']');
	if (!end) {
		char shown[64];
		size_t n = strcspn(s, "\r\n");
		snprintf(shown, sizeof(shown), "%.*s", (int)(n < 40 ? n : 40), s);
		fail(p, p->line, "malformed section header '%s%s' (no closing ']')", shown, n > 40 ? "..." : "");
		p->sec = SEC_BAD; /* its keys are not reported as outside any section */
		p->nseen = 0;
		p->key_in_section = false;
		return;
	}
	for (const char *t = end + 1; *t && *t != '\r' && *t != '\n'; t++) {
		if (*t == ';' || *t == '#')
			break; /* a comment after the header */
		if (!isspace((unsigned char)*t)) {
			int n = (int)strcspn(t, "\r\n");
			fail(p, p->line, "text after the section header: '%.*s' (a comment starts with ; or #)",
			     n < 40 ? n : 40, t);
			break;
		}
	}
	char hdr[160];
	size_t n = (size_t)(end - s - 1);
	if (n >= sizeof(hdr))
		n = sizeof(hdr) - 1;
	memcpy(hdr, s + 1, n);
	hdr[n] = '\0';
	open_section(p, hdr);
}

static char *next_line(struct parse *p, char *buf, size_t len)
{
	if (p->f)
		return fgets(buf, (int)len, p->f);
	if (!p->text || !*p->text)
		return NULL;
	const char *nl = strchr(p->text, '\n');
	size_t n = nl ? (size_t)(nl - p->text + 1) : strlen(p->text);
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, p->text, n);
	buf[n] = '\0';
	p->text += n;
	return buf;
}

/* inih's reader: one whole line at a time (a longer line is refused, not split). */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char line[LINE_MAX_LEN + 2];

	if (!next_line(p, line, sizeof(line)))
		return NULL;
	size_t n = strlen(line);
	if ((n == sizeof(line) - 1 && line[n - 1] != '\n') || (int)n > num - 3) {
		see_line(p, "");
		fail(p, p->line, "line too long (at most %d characters)", num - 3 < LINE_MAX_LEN ?
		     num - 3 : LINE_MAX_LEN);
		/* skip the rest of the line */
		while (n == sizeof(line) - 1 && line[n - 1] != '\n' && next_line(p, line, sizeof(line)))
			n = strlen(line);
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	see_line(p, line);
	memcpy(str, line, n + 1);
	return str;
}

/* ---- values ------------------------------------------------------------------------------ */

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return (*end || errno) ? -EINVAL : 0;
}

int ikm_parse_ms(const char *s, unsigned *out)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned long long mul = 1;
	if (errno || end == s)
		return -EINVAL;
	if (!strcmp(end, "s"))
		mul = 1000;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		mul = 60000;
	else if (*end && strcmp(end, "ms"))
		return -EINVAL;
	if (v > 24ull * 3600 * 1000 / mul)
		return -ERANGE;
	*out = (unsigned)(v * mul);
	return 0;
}

static int parse_uid(const char *s, uid_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) == 0 && v < (uid_t)-1) {
		*out = (uid_t)v;
		return 0;
	}
	struct passwd *pw = getpwnam(s);
	if (!pw)
		return -ENOENT;
	*out = pw->pw_uid;
	return 0;
}

static int parse_gid(const char *s, gid_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) == 0 && v < (gid_t)-1) {
		*out = (gid_t)v;
		return 0;
	}
	struct group *gr = getgrnam(s);
	if (!gr)
		return -ENOENT;
	*out = gr->gr_gid;
	return 0;
}

/* ---- sections ---------------------------------------------------------------------------- */

static void add_param(struct parse *p, const char *v)
{
	struct ik_manifest *m = p->m;
	size_t len = strlen(m->params);

	if (!strchr(v, '=') || strchr(v, ' ') || v[0] == '=') {
		fail(p, p->line, "bad module parameter '%s' (expected param = KEY=VALUE, no spaces)", v);
		return;
	}
	if (len + strlen(v) + 2 > sizeof(m->params)) {
		fail(p, p->line, "module parameters too long (at most %u bytes in all)", IK_PARAMS_MAX - 1);
		return;
	}
	snprintf(m->params + len, sizeof(m->params) - len, "%s%s", len ? " " : "", v);
}

/* recovery = transparent | fail-open-files, recovery_state = LIST, recovery_idempotent = LIST
 * (space separated), request_timeout = TIME, recovery_wait = TIME: composed into the spec
 * clients get (src/lib/recovery.h) and checked by the same parser when the file is done. */
static void recovery_key(struct parse *p, const char *k, const char *v)
{
	char item[256];
	unsigned ms;

	if (!strcmp(k, "recovery"))
		snprintf(item, sizeof(item), "policy=%s", v);
	else if (!strcmp(k, "recovery_state") || !strcmp(k, "recovery_idempotent"))
		snprintf(item, sizeof(item), "%s=%s", k[9] == 's' ? "state" : "idem", v);
	else if ((!strcmp(k, "request_timeout") || !strcmp(k, "recovery_wait")) && !ikm_parse_ms(v, &ms))
		snprintf(item, sizeof(item), "%s=%u", k[0] == 'r' && k[2] == 'q' ? "timeout" : "wait", ms);
	else {
		fail(p, p->line, "bad %s '%s'", k, v);
		return;
	}
	for (char *c = strchr(item, '='); c && *c; c++)
		if (*c == ' ')
			*c = ',';
	size_t len = strlen(p->m->recovery);
	if (len + strlen(item) + 2 > sizeof(p->m->recovery)) {
		fail(p, p->line, "recovery settings too long (at most 255 bytes in all)");
		return;
	}
	snprintf(p->m->recovery + len, sizeof(p->m->recovery) - len, "%s%s", len ? " " : "", item);
	p->recovery_line = p->line;
}

/* `netdev = NAME`: the driver's next net_device as host interface NAME (a TAP). */
static void netdev_key(struct parse *p, const char *v)
{
	struct ik_manifest *m = p->m;

	if (!ik_tap_name_valid(v) || strlen(v) >= IK_IFNAME_MAX) {
		fail(p, p->line, "bad netdev '%s' (an interface name: 1 to %u bytes of [A-Za-z0-9_.-])",
		     v, IK_IFNAME_MAX - 1);
		return;
	}
	if (m->nnetdevs >= IK_NETIF_MAX) {
		fail(p, p->line, "too many netdev keys (at most %u)", IK_NETIF_MAX);
		return;
	}
	for (unsigned i = 0; i < m->nnetdevs; i++)
		if (!strcmp(m->netdev[i], v)) {
			fail(p, p->line, "netdev '%s' given twice", v);
			return;
		}
	for (unsigned i = 0; i < m->nnodes; i++)
		if (!strcmp(m->nodes[i].name, v) || !strcmp(m->nodes[i].driver, v)) {
			fail(p, p->line, "netdev '%s' has the name of a [node] (the host interface's "
				     "node is its own)", v);
			return;
		}
	snprintf(m->netdev[m->nnetdevs++], IK_IFNAME_MAX, "%s", v);
}

static void driver_key(struct parse *p, const char *k, const char *v)
{
	struct ik_manifest *m = p->m;
	uint64_t n;

	if (!strcmp(k, "name")) {
		if (!valid_name(v, IK_NAME_MAX))
			fail(p, p->line, "bad driver name '%s' (1-%u characters from [A-Za-z0-9_.-])", v,
			     IK_NAME_MAX - 1);
		snprintf(m->name, sizeof(m->name), "%s", v);
		p->name_line = p->line;
	} else if (!strcmp(k, "image")) {
		if (!*v || strlen(v) >= sizeof(p->image_name))
			fail(p, p->line, "bad image '%s'", v);
		snprintf(p->image_name, sizeof(p->image_name), "%s", v);
		p->image_line = p->line;
	} else if (!strcmp(k, "memory")) {
		char why[160];

		if (ik_parse_size(v, &n))
			fail(p, p->line, "bad memory '%s' (a size such as 4M)", v);
		else if (ik_mem_size_check(n, why, sizeof(why)))
			fail(p, p->line, "bad memory '%s': %s", v, why);
		m->mem = n;
	} else if (!strcmp(k, "param")) {
		add_param(p, v);
	} else if (!strcmp(k, "hang_ms")) {
		if (parse_u64(v, &n) || n == 0 || n > 3600000)
			fail(p, p->line, "bad hang_ms '%s' (1..3600000)", v);
		m->hang_ms = (unsigned)n;
	} else if (!strcmp(k, "log_budget")) {
		char why[256];
		struct ik_budget_cfg b;

		if (ik_budget_parse(v, &b, why, sizeof(why)))
			fail(p, p->line, "%s", why);
		else
			snprintf(m->log_budget, sizeof(m->log_budget), "%s", v);
	} else if (!strcmp(k, "restart")) {
		if (!strcmp(v, "never"))
			m->restart = IKM_RESTART_NEVER;
		else if (!strcmp(v, "on-failure"))
			m->restart = IKM_RESTART_ON_FAILURE;
		else if (!strcmp(v, "always"))
			m->restart = IKM_RESTART_ALWAYS;
		else
			fail(p, p->line, "bad restart policy '%s' (never, on-failure or always)", v);
	} else if (!strcmp(k, "restart_delay")) {
		if (ikm_parse_ms(v, &m->restart_delay_ms) || m->restart_delay_ms == 0)
			fail(p, p->line, "bad restart_delay '%s' (e.g. 200ms, 1s)", v);
	} else if (!strcmp(k, "restart_delay_max")) {
		if (ikm_parse_ms(v, &m->restart_delay_max_ms) || m->restart_delay_max_ms == 0)
			fail(p, p->line, "bad restart_delay_max '%s' (e.g. 10s)", v);
	} else if (!strncmp(k, "recovery", 8) || !strcmp(k, "request_timeout")) {
		recovery_key(p, k, v);
	} else if (!strcmp(k, "isolation")) {
		if (!strcmp(v, "vm"))
			m->isolation = IKM_ISOLATION_VM;
		else if (!strcmp(v, "process"))
			m->isolation = IKM_ISOLATION_PROCESS;
		else
			fail(p, p->line, "bad isolation '%s' (vm or process; inproc exists only in "
					 "'ikernel bench')", v);
		p->isolation_line = p->line;
	} else if (!strcmp(k, "netdev")) {
		netdev_key(p, v);
	} else if (!strcmp(k, "netns")) {
		if (!ik_tap_name_valid(v) || strlen(v) >= sizeof(m->netns))
			fail(p, p->line, "bad netns '%s' (a name under /run/netns, as `ip netns add` "
				     "makes: [A-Za-z0-9_.-], at most %zu bytes)", v, sizeof(m->netns) - 1);
		else
			snprintf(m->netns, sizeof(m->netns), "%s", v);
	} else if (!strcmp(k, "restart_limit")) {
		if (parse_u64(v, &n) || n > 1000000)
			fail(p, p->line, "bad restart_limit '%s' (0 = unlimited, else a count)", v);
		m->restart_limit = (unsigned)n;
	} else {
		fail(p, p->line, "unknown key '%s' in [driver] (name, image, memory, param, hang_ms, "
			     "isolation, log_budget, netdev, netns, restart, restart_delay, restart_delay_max, "
			     "restart_limit)", k);
	}
}

/* mmio = BASE:SIZE (hex or decimal) or none. */
static int parse_mmio(const char *v, uint64_t *base, uint64_t *size)
{
	char b[64];
	const char *colon = strchr(v, ':');

	if (!strcmp(v, "none")) {
		*base = *size = 0;
		return 0;
	}
	if (!colon || (size_t)(colon - v) >= sizeof(b))
		return -EINVAL;
	memcpy(b, v, (size_t)(colon - v));
	b[colon - v] = '\0';
	if (parse_u64(b, base) || ik_parse_size(colon + 1, size) || *size == 0 ||
	    *size % IK_PAGE_SIZE || *base % IK_PAGE_SIZE)
		return -EINVAL;
	return 0;
}

static void device_key(struct parse *p, const char *k, const char *v)
{
	struct ikm_device *d = &p->m->devices[p->m->ndevices - 1];
	uint64_t n;

	if (!strcmp(k, "model")) {
		snprintf(d->model, sizeof(d->model), "%s", v);
	} else if (!strcmp(k, "port")) {
		if (parse_u64(v, &n) || n > 0xffff)
			fail(p, p->line, "bad port '%s' (0..0xffff)", v);
		d->has_port = true;
		d->port = (uint32_t)n;
	} else if (!strcmp(k, "irq")) {
		if (!strcmp(v, "none"))
			d->irq = -1;
		else if (parse_u64(v, &n) || n > 63)
			fail(p, p->line, "bad irq '%s' (a line 0..63, or none)", v);
		else
			d->irq = (int)n;
	} else if (!strcmp(k, "mmio")) {
		if (parse_mmio(v, &d->mmio_base, &d->mmio_size))
			fail(p, p->line, "bad mmio '%s' (BASE:SIZE, page-aligned, e.g. 0x1000:4K, or none)", v);
	} else if (!strcmp(k, "backing")) {
		if (!strcmp(v, "none")) {
			d->backing = IKM_BACKING_NONE;
		} else if (!strcmp(v, "pty")) {
			d->backing = IKM_BACKING_PTY;
		} else if (!strncmp(v, "file:", 5) && v[5]) {
			d->backing = IKM_BACKING_FILE;
			snprintf(d->backing_path, sizeof(d->backing_path), "%s", v + 5);
		} else {
			fail(p, p->line, "bad backing '%s' (none, pty or file:PATH)", v);
		}
	} else if (!strcmp(k, "bus")) {
		if (!strcmp(v, "pci") || !strcmp(v, "isa"))
			d->pci = !strcmp(v, "pci");
		else
			fail(p, p->line, "bad bus '%s' (isa, or pci: a function on the driver's own PCI "
				     "bus, its slot, BARs and IRQ assigned by the monitor)", v);
	} else if (!strcmp(k, "options")) {
		if (strlen(v) >= sizeof(d->options))
			fail(p, p->line, "options are too long (at most %zu bytes)", sizeof(d->options) - 1);
		else
			snprintf(d->options, sizeof(d->options), "%s", v);
	} else {
		fail(p, p->line,
		     "unknown key '%s' in [device %s] (model, bus, port, irq, mmio, backing, options)", k,
		     d->label);
	}
}

static void node_key(struct parse *p, const char *k, const char *v)
{
	struct ikm_node *n = &p->m->nodes[p->m->nnodes - 1];
	uint64_t mode;
	char *end;

	if (!strcmp(k, "owner")) {
		if (parse_uid(v, &n->uid))
			fail(p, p->line, "unknown owner '%s' for node %s", v, n->name);
	} else if (!strcmp(k, "group")) {
		if (parse_gid(v, &n->gid))
			fail(p, p->line, "unknown group '%s' for node %s", v, n->name);
	} else if (!strcmp(k, "mode")) {
		errno = 0;
		mode = strtoull(v, &end, 8);
		if (!*v || *end || errno || mode > 07777)
			fail(p, p->line, "bad mode '%s' for node %s (octal, e.g. 0660)", v, n->name);
		n->mode = (mode_t)mode;
	} else {
		fail(p, p->line, "unknown key '%s' in [node %s] (owner, group, mode)", k, n->name);
	}
}

/* A key given twice in one section: refused (only `param` may repeat), naming both lines. */
static bool duplicate(struct parse *p, const char *key)
{
	const struct ik_manifest *m = p->m;

	if (p->sec == SEC_DRIVER && (!strcmp(key, "param") || !strcmp(key, "netdev")))
		return false;
	for (unsigned i = 0; i < p->nseen; i++)
		if (!strcmp(p->seen[i].key, key)) {
			fail(p, p->line, "duplicate key '%s' in [%s%s] (also line %d; only param and netdev may repeat)",
			     key, p->sec == SEC_DRIVER ? "driver" : p->sec == SEC_DEVICE ? "device " : "node ",
			     p->sec == SEC_DEVICE ? m->devices[m->ndevices - 1].label :
			     p->sec == SEC_NODE ? m->nodes[m->nnodes - 1].name : "", p->seen[i].line);
			return true;
		}
	if (p->nseen < sizeof(p->seen) / sizeof(p->seen[0]) && strlen(key) < sizeof(p->seen[0].key)) {
		snprintf(p->seen[p->nseen].key, sizeof(p->seen[0].key), "%s", key);
		p->seen[p->nseen++].line = p->line;
	}
	return false;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse *p = user;

	(void)section; /* see_line() tracked it, with its line */
	p->key_in_section = true;
	if (p->sec != SEC_NONE && p->sec != SEC_BAD && duplicate(p, key))
		return 1;
	switch (p->sec) {
	case SEC_DRIVER:
		driver_key(p, key, value);
		break;
	case SEC_DEVICE:
		device_key(p, key, value);
		break;
	case SEC_NODE:
		node_key(p, key, value);
		break;
	case SEC_NONE:
		fail(p, p->line, "'%s' outside any section (start with [driver])", key);
		break;
	case SEC_BAD:
		break; /* the section header was already refused */
	}
	return 1;
}

/* ---- after parsing: what must be there, and what the monitor can do ---------------------- */

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

static void resolve_image(struct parse *p)
{
	struct ik_manifest *m = p->m;
	const char *img = p->image_name;

	if (img[0] == '/') {
		snprintf(m->image, sizeof(m->image), "%s", img);
		if (!readable(m->image))
			fail(p, p->image_line, "image %s: %s", img, strerror(errno));
		return;
	}
	if (p->dir[0] && snprintf(m->image, sizeof(m->image), "%s/%s", p->dir, img) <
				 (int)sizeof(m->image) && readable(m->image))
		return;
	if (image_dir[0] && snprintf(m->image, sizeof(m->image), "%s/%s", image_dir, img) <
				    (int)sizeof(m->image) && readable(m->image))
		return;
	fail(p, p->image_line, "image '%s' not found (looked in %s%s%s)", img,
	     p->dir[0] ? p->dir : "", p->dir[0] && image_dir[0] ? " and " : "",
	     image_dir[0] ? image_dir : "");
}

/* Does the model accept option `key` after its port? */
static bool model_takes(const struct ik_devmodel *dm, const char *key)
{
	for (const char *const *o = dm->options; o && *o; o++)
		if (!strcmp(*o, key))
			return true;
	return false;
}

/* Refuse what `ikernel run` cannot enforce or provide, rather than pretend. */
static void check_device(struct parse *p, struct ikm_device *d)
{
	char known[128];

	if (!d->model[0]) {
		fail(p, d->line, "[device %s] needs 'model = ...'", d->label);
		return;
	}
	const struct ik_devmodel *dm = ik_devmodel_find(d->model);
	if (!dm) {
		ik_devmodel_list(known, sizeof(known));
		fail(p, d->line, "[device %s]: unknown device model '%s' (known: %s)", d->label, d->model,
		     known);
		return;
	}
	if (!d->has_port)
		d->port = dm->default_port;
	if (d->pci && !dm->pci)
		fail(p, d->line, "[device %s]: model %s is not a PCI device; use bus = isa", d->label,
		     d->model);
	else if (d->pci && (d->has_port || d->irq >= 0))
		fail(p, d->line, "[device %s]: bus = pci takes no port or irq (the monitor assigns the "
			      "function's BARs and INTx line)", d->label);
	else if (d->irq >= 0 && !model_takes(dm, "irq"))
		fail(p, d->line, "[device %s]: irq = %d cannot be granted: model %s raises no IRQ line of "
			      "an operator's choosing; use irq = none", d->label, d->irq, d->model);
	else if (d->mmio_size)
		fail(p, d->line, "[device %s]: mmio windows cannot be granted yet (model %s has port I/O "
			      "only); use mmio = none", d->label, d->model);
	else if (d->backing == IKM_BACKING_PTY)
		fail(p, d->line, "[device %s]: backing 'pty' is not supported by any device model yet; "
			      "use backing = none or file:PATH", d->label);
	else if (d->backing == IKM_BACKING_FILE && !model_takes(dm, "file"))
		fail(p, d->line, "[device %s]: model %s has no backing store; use backing = none",
		     d->label, d->model);
	else if (d->backing == IKM_BACKING_FILE && strchr(d->backing_path, ','))
		fail(p, d->line, "[device %s]: backing file '%s' has a ',' (not allowed in a grant)",
		     d->label, d->backing_path);
	if (p->err[0])
		return;
	/* The grant as `ikernel run --device` takes it: irq and backing become model options. */
	char irq[16] = "";
	if (d->irq >= 0)
		snprintf(irq, sizeof(irq), ",irq=%d", d->irq);
	/* a local first: the sources are members of the same struct as the destination */
	char grant[sizeof(d->grant)];
	char at[16];
	if (d->pci)
		snprintf(at, sizeof(at), "pci");
	else
		snprintf(at, sizeof(at), "0x%x", d->port);
	int n = snprintf(grant, sizeof(grant), "%.31s@%s%s%s%s%s%s", d->model, at, irq,
			 d->backing == IKM_BACKING_FILE ? ",file=" : "",
			 d->backing == IKM_BACKING_FILE ? d->backing_path : "", d->options[0] ? "," : "",
			 d->options);
	if (n < 0 || (size_t)n >= sizeof(grant))
		fail(p, d->line, "[device %s]: the grant is too long (at most %zu bytes)", d->label,
		     sizeof(grant) - 1);
	else
		memcpy(d->grant, grant, sizeof(grant));
}

static void check_devices(struct parse *p)
{
	struct ik_manifest *m = p->m;
	const char *specs[IKM_MAX_DEVICES];
	struct ik_device devs[IKM_MAX_DEVICES];
	char why[256];

	for (unsigned i = 0; i < m->ndevices; i++) {
		check_device(p, &m->devices[i]);
		specs[i] = m->devices[i].grant;
	}
	if (p->err[0] || m->ndevices == 0)
		return;
	/* The monitor's own grant parser: ranges, overlaps, exactly as `ikernel run` checks them. */
	memset(devs, 0, sizeof(devs));
	if (ik_devices_parse(specs, m->ndevices, devs, why, sizeof(why)))
		fail(p, m->devices[m->ndevices - 1].line, "%s", why);
}

/* isolation = process runs IMAGE.proc (the same driver built as a jailed executable; device
 * models and grants as in a VM): say now, rather than at every start, when there is none. */
static void check_isolation(struct parse *p)
{
	struct ik_manifest *m = p->m;
	const char *dot = strrchr(m->image, '.'), *slash = strrchr(m->image, '/');
	size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - m->image) : strlen(m->image);
	char proc[PATH_MAX + 8];

	if (p->err[0] || m->isolation != IKM_ISOLATION_PROCESS)
		return;
	snprintf(proc, sizeof(proc), "%.*s.proc", (int)stem, m->image);
	if (access(proc, X_OK) < 0)
		fail(p, p->isolation_line, "isolation = process needs the process build %s: %s", proc,
		     strerror(errno));
}

/* Host interfaces: a netns is for them; a [node] declared after a netdev of its name. */
static void check_netdevs(struct parse *p)
{
	struct ik_manifest *m = p->m;

	if (m->netns[0] && !m->nnetdevs)
		fail(p, p->driver_line, "netns = %s without a netdev (it says where the host "
			 "interfaces are made)", m->netns);
	for (unsigned i = 0; i < m->nnetdevs; i++)
		for (unsigned j = 0; j < m->nnodes; j++)
			if (!strcmp(m->nodes[j].name, m->netdev[i]) || !strcmp(m->nodes[j].driver, m->netdev[i]))
				fail(p, m->nodes[j].line, "node '%s' has the name of netdev '%s' (the host "
					 "interface's node is its own)", m->nodes[j].name, m->netdev[i]);
	if (m->nnodes + m->nnetdevs > IKM_MAX_NODES)
		fail(p, p->driver_line, "%u nodes and %u netdevs: at most %u together", m->nnodes,
		     m->nnetdevs, IKM_MAX_NODES);
}

static void finish(struct parse *p)
{
	struct ik_manifest *m = p->m;

	if (!p->seen_driver) {
		fail(p, 1, "no [driver] section");
		return;
	}
	if (!m->name[0])
		fail(p, p->driver_line, "[driver] needs 'name = ...'");
	if (!p->image_name[0])
		fail(p, p->driver_line, "[driver] needs 'image = ...' (e.g. image = %s.img)", m->name[0] ? m->name : "led");
	if (p->err[0])
		return;
	if (m->restart_delay_max_ms < m->restart_delay_ms)
		fail(p, p->driver_line, "restart_delay_max (%u ms) is below restart_delay (%u ms)",
		     m->restart_delay_max_ms, m->restart_delay_ms);
	resolve_image(p);
	check_devices(p);
	check_isolation(p);
	check_netdevs(p);
	struct ik_recovery_policy pol;
	char why[300];
	if (m->recovery[0] && ik_recovery_parse(m->recovery, &pol, why, sizeof(why)))
		fail(p, p->recovery_line, "recovery: %s", why);
}

static int run_parse(struct parse *p, char *err, size_t errlen)
{
	struct ik_manifest *m = p->m;

	m->restart = IKM_RESTART_ON_FAILURE;
	m->restart_delay_ms = 200;
	m->restart_delay_max_ms = 10000;
	m->restart_limit = 10;
	int r = ini_parse_stream(reader, p, handler, p);
	if (r > 0)
		fail(p, r, "syntax error (expected KEY = VALUE or [SECTION])");
	else if (r < 0)
		fail(p, 1, "cannot parse (out of memory)");
	if (!p->err[0])
		finish(p);
	if (p->err[0]) {
		snprintf(err, errlen, "%s", p->err);
		return -p->errno_val;
	}
	return 0;
}

int ikm_parse_file(const char *path, struct ik_manifest *m, char *err, size_t errlen)
{
	struct parse p = {.m = m};
	char tmp[PATH_MAX];

	memset(m, 0, sizeof(*m));
	snprintf(m->source, sizeof(m->source), "%s", path);
	p.f = fopen(path, "re");
	if (!p.f) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open manifest: %s", path, strerror(e));
		return -e;
	}
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(p.dir, sizeof(p.dir), "%s", dirname(tmp));
	int r = run_parse(&p, err, errlen);
	fclose(p.f);
	return r;
}

int ikm_parse_string(const char *source, const char *text, struct ik_manifest *m, char *err,
		     size_t errlen)
{
	struct parse p = {.m = m, .text = text};

	memset(m, 0, sizeof(*m));
	snprintf(m->source, sizeof(m->source), "%s", source);
	return run_parse(&p, err, errlen);
}

struct first_msg {
	char *out;
	size_t len;
	bool said;
};

static void keep_first(void *ctx, const char *msg)
{
	struct first_msg *f = ctx;

	if (!f->said)
		snprintf(f->out, f->len, "%s", msg);
	f->said = true;
}

/* A netdev of a's that b also uses, as a netdev or a node (both are nodes of the runtime
 * directory, and interfaces of the host). */
static bool netdev_clash(const struct ik_manifest *a, const struct ik_manifest *b, char *err,
			 size_t errlen)
{
	for (unsigned i = 0; i < a->nnetdevs; i++) {
		const char *name = a->netdev[i];
		bool clash = false;

		for (unsigned k = 0; k < b->nnetdevs; k++)
			clash |= !strcmp(b->netdev[k], name);
		for (unsigned k = 0; k < b->nnodes; k++)
			clash |= !strcmp(b->nodes[k].name, name);
		if (clash) {
			snprintf(err, errlen, "%s: netdev '%s' is also a netdev or node of %s", a->source,
				 name, b->source);
			return true;
		}
	}
	return false;
}

int ikm_check_set(struct ik_manifest *const *ms, unsigned n, char *err, size_t errlen)
{
	struct first_msg first = {err, errlen, false};

	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++) {
			if (!strcmp(ms[i]->name, ms[j]->name)) {
				snprintf(err, errlen, "%s: driver name '%s' is also used by %s", ms[i]->source,
					 ms[i]->name, ms[j]->source);
				return -EEXIST;
			}
			for (unsigned a = 0; a < ms[i]->nnodes; a++)
				for (unsigned b = 0; b < ms[j]->nnodes; b++)
					if (!strcmp(ms[i]->nodes[a].name, ms[j]->nodes[b].name)) {
						snprintf(err, errlen, "%s:%d: node '%s' is also declared by %s:%d",
							 ms[i]->source, ms[i]->nodes[a].line,
							 ms[i]->nodes[a].name, ms[j]->source,
							 ms[j]->nodes[b].line);
						return -EEXIST;
					}
			if (netdev_clash(ms[i], ms[j], err, errlen) || netdev_clash(ms[j], ms[i], err, errlen))
				return -EEXIST;
			if (ikm_grant_clashes(ms[i], ms[j], keep_first, &first))
				return -EEXIST;
		}
	return 0;
}
