/* SPDX-License-Identifier: MIT */
/*
 * The driver-host core (drvhost.h): the semantics of every hypercall, written once for the VM
 * and the process backends. The arguments and every byte they point to are hostile: the
 * backend copies the arguments once, the core fetches each buffer once through the backend
 * and validates it; any misuse ends the driver with a precise reason.
 */
#include "drvhost.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devmodel.h"
#include "netif_relay.h"
#include "tap.h"
#include "ikernel/names.h"
#include "ikernel/ring.h"
#include "status_send.h"

/* ---- configuration ------------------------------------------------------------------------- */

/* build/drivers/led.img -> "led"; the name without its last extension. */
static void default_name(char *out, size_t outlen, const char *path)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	char tmp[256];
	char *dot;

	base = base ? base + 1 : path ? path : "";
	snprintf(tmp, sizeof(tmp), "%s", base);
	dot = strrchr(tmp, '.');
	if (dot && dot != tmp)
		*dot = '\0';
	snprintf(out, outlen, "%.*s", (int)outlen - 1, tmp);
}

/* The declared nodes: valid names, each driver name and host name once. */
static int take_decls(struct ik_drvhost *dh, const struct ik_dh_config *cfg, char *err, size_t errlen)
{
	if (cfg->ndecls > IK_MAX_NODES) {
		snprintf(err, errlen, "%zu nodes declared (at most %u)", cfg->ndecls, IK_MAX_NODES);
		return -E2BIG;
	}
	dh->node_mode = cfg->node_mode ? cfg->node_mode & 0777 : IK_NODE_MODE_DEFAULT;
	for (size_t i = 0; i < cfg->ndecls; i++) {
		const struct ik_node_decl *d = &cfg->decls[i];

		if (!ik_name_valid(d->name) || !ik_name_valid(d->host) || d->mode > 0777) {
			snprintf(err, errlen, "declared node %zu is not valid (names: " IK_NAME_RULE
				 "; mode <= 0777)", i, IK_NAME_MAX - 1);
			return -EINVAL;
		}
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(cfg->decls[j].name, d->name) || !strcmp(cfg->decls[j].host, d->host)) {
				snprintf(err, errlen, "node '%s' (as '%s') is declared twice", d->name,
					 d->host);
				return -EINVAL;
			}
		}
		dh->decls[i] = *d;
	}
	dh->ndecls = (unsigned)cfg->ndecls;
	return 0;
}

static int dh_init_steps(struct ik_drvhost *dh, const struct ik_dh_config *cfg, char *err,
			 size_t errlen);

static void close_netif_fds(const struct ik_dh_config *cfg)
{
	for (size_t i = 0; i < cfg->nnetifs; i++)
		if (cfg->netifs[i].tap_fd >= 0)
			close(cfg->netifs[i].tap_fd);
}

/* The host interfaces: valid and distinct names, each also the node the guest registers for
 * its net_device, declared for the monitor's own user alone (the relay is its one client). */
static int take_netifs(struct ik_drvhost *dh, const struct ik_dh_config *cfg, char *err, size_t errlen)
{
	if (cfg->nnetifs > IK_NETIF_MAX) {
		snprintf(err, errlen, "%zu host interfaces (at most %u)", cfg->nnetifs, IK_NETIF_MAX);
		return -E2BIG;
	}
	if (cfg->nnetifs && !dh->serve) {
		snprintf(err, errlen, "a host interface needs the driver served (its relay is a client)");
		return -EINVAL;
	}
	for (size_t i = 0; i < cfg->nnetifs; i++) {
		const char *name = cfg->netifs[i].name;
		struct ik_node_decl *d;

		if (!ik_tap_name_valid(name) || !ik_name_valid(name)) {
			snprintf(err, errlen, "host interface %zu: '%.40s' is not an interface name "
				 "(1 to %u bytes of [A-Za-z0-9_.-])", i, name, IK_IFNAME_MAX - 1);
			return -EINVAL;
		}
		for (unsigned j = 0; j < dh->ndecls; j++) {
			if (!strcmp(dh->decls[j].name, name) || !strcmp(dh->decls[j].host, name)) {
				snprintf(err, errlen, "host interface %s: a node of that name is declared "
					 "too", name);
				return -EINVAL;
			}
		}
		if (dh->ndecls >= IK_MAX_NODES) {
			snprintf(err, errlen, "host interface %s: no room for its node (%u nodes at "
				 "most)", name, IK_MAX_NODES);
			return -E2BIG;
		}
		d = &dh->decls[dh->ndecls++];
		*d = (struct ik_node_decl){.uid = (uint32_t)geteuid(), .gid = (uint32_t)getegid(),
					   .mode = 0600};
		ik_copy_str(d->name, sizeof(d->name), name);
		ik_copy_str(d->host, sizeof(d->host), name);
		ik_copy_str(dh->netif[i], sizeof(dh->netif[i]), name);
	}
	/* The relay finds the node as every client does, under $IKERNEL_RUNTIME_DIR: ours.
	 * Set before its threads exist. */
	const char *env = getenv(IK_RUNTIME_DIR_ENV);
	if (cfg->nnetifs && (!env || strcmp(env, dh->runtime_dir)) &&
	    setenv(IK_RUNTIME_DIR_ENV, dh->runtime_dir, 1) < 0) {
		snprintf(err, errlen, "cannot set %s: %s", IK_RUNTIME_DIR_ENV, strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

/* The relays' threads, before any sandbox: it forbids new threads. Each takes its TAP. */
static int start_relays(struct ik_drvhost *dh, const struct ik_dh_config *cfg, char *err, size_t errlen)
{
	int r = 0;

	for (size_t i = 0; i < cfg->nnetifs; i++) {
		int fd = cfg->netifs[i].tap_fd;

		if (r)
			close(fd);
		else
			r = ik_netif_relay_start(&dh->relays[i], dh, dh->netif[i], fd, err, errlen);
	}
	return r;
}

int ik_dh_init(struct ik_drvhost *dh, const struct ik_dh_config *cfg, char *err, size_t errlen)
{
	int r = dh_init_steps(dh, cfg, err, errlen);

	if (r) {
		close_netif_fds(cfg);
		return r;
	}
	if ((r = start_relays(dh, cfg, err, errlen)))
		return r;
	ik_status_starting(dh->name, cfg->level);
	ik_status_isolation(cfg->level, cfg->fallback_why);
	return 0;
}

void ik_dh_release(struct ik_drvhost *dh)
{
	for (unsigned i = 0; i < IK_NETIF_MAX; i++) {
		ik_netif_relay_stop(dh->relays[i]);
		dh->relays[i] = NULL;
	}
}

static int dh_init_steps(struct ik_drvhost *dh, const struct ik_dh_config *cfg, char *err, size_t errlen)
{
	const char *dir = cfg->runtime_dir;
	int r;

	dh->io_batch_max = cfg->io_batch_max >= IK_IO_BATCH_MAX &&
					   cfg->io_batch_max <= IK_IO_BATCH_LARGE
				   ? cfg->io_batch_max
				   : IK_IO_BATCH_MAX;
	dh->log = cfg->log ? cfg->log : stderr;
	dh->serve = cfg->serve;
	dh->ops = cfg->ops;
	dh->be = cfg->be;
	dh->lock = cfg->lock;
	dh->cond = cfg->cond;
	dh->devs = cfg->devs;
	dh->t_create_ns = cfg->t_create_ns;
	dh->listen_fd = -1;
	ik_budget_init(&dh->out, cfg->log_budget);
	if (cfg->name && strlen(cfg->name) < IK_NAME_MAX)
		snprintf(dh->name, sizeof(dh->name), "%s", cfg->name);
	else if (!cfg->name)
		default_name(dh->name, sizeof(dh->name), cfg->path);
	if (!ik_name_valid(dh->name)) {
		char clean[4 * 256];
		const char *given = cfg->name ? cfg->name : dh->name;

		ik_sanitize(clean, sizeof(clean), given, strnlen(given, 255));
		snprintf(err, errlen, "invalid driver name '%s': use " IK_NAME_RULE, clean, IK_NAME_MAX - 1);
		return -EINVAL;
	}
	if (cfg->params && strlen(cfg->params) >= IK_PARAMS_MAX) {
		snprintf(err, errlen, "module parameters are too long (%zu bytes, at most %u)",
			 strlen(cfg->params), IK_PARAMS_MAX - 1);
		return -E2BIG;
	}
	snprintf(dh->params, sizeof(dh->params), "%s", cfg->params ? cfg->params : "");
	if (cfg->recovery && strlen(cfg->recovery) >= IK_INJECT_SPEC_MAX) {
		snprintf(err, errlen, "the recovery spec is too long (%zu bytes, at most %u)",
			 strlen(cfg->recovery), IK_INJECT_SPEC_MAX - 1);
		return -E2BIG;
	}
	snprintf(dh->recovery, sizeof(dh->recovery), "%s", cfg->recovery ? cfg->recovery : "");
	if (!dir)
		dir = getenv(IK_RUNTIME_DIR_ENV);
	if (!dir || !*dir)
		dir = IK_RUNTIME_DIR_DEFAULT;
	if (strlen(dir) >= sizeof(dh->runtime_dir)) {
		snprintf(err, errlen, "runtime directory %.100s... is too long", dir);
		return -ENAMETOOLONG;
	}
	snprintf(dh->runtime_dir, sizeof(dh->runtime_dir), "%s", dir);
	if ((r = take_decls(dh, cfg, err, errlen)))
		return r;
	if ((r = take_netifs(dh, cfg, err, errlen)))
		return r;
	if (dh->serve && (r = ik_rdv_check_free(dh, err, errlen)))
		return r;
	return 0;
}

/* ---- the log ------------------------------------------------------------------------------- */

void ik_dh_vlog(struct ik_drvhost *dh, const char *prefix, const char *fmt, va_list ap)
{
	flockfile(dh->log); /* one line: the threads of a monitor (and device timers) log too */
	if (prefix)
		fputs(prefix, dh->log);
	vfprintf(dh->log, fmt, ap);
	fputc('\n', dh->log);
	fflush(dh->log);
	funlockfile(dh->log);
}

void ik_dh_log(struct ik_drvhost *dh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ik_dh_vlog(dh, NULL, fmt, ap);
	va_end(ap);
}

/* ---- ending -------------------------------------------------------------------------------- */

static bool end_driver(struct ik_drvhost *dh, enum ik_vm_end end, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool end_driver(struct ik_drvhost *dh, enum ik_vm_end end, const char *fmt, ...)
{
	struct ik_dh_end e = {.end = end};
	char reason[sizeof(((struct ik_vm_result *)0)->reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	e.reason = reason;
	return dh->ops->end(dh->be, &e);
}

static int vviolation(struct ik_drvhost *dh, unsigned nr, const char *fmt, va_list ap)
{
	char what[256], where[160] = "";

	vsnprintf(what, sizeof(what), fmt, ap);
	if (dh->ops->where)
		dh->ops->where(dh->be, where, sizeof(where));
	if (nr)
		end_driver(dh, IK_END_VIOLATION, "driver '%s' violation: hypercall %s: %s%s", dh->name,
			   ik_dh_call_name(nr), what, where);
	else
		end_driver(dh, IK_END_VIOLATION, "driver '%s' violation: %s%s", dh->name, what, where);
	return -EPERM;
}

int ik_dh_violation(struct ik_drvhost *dh, unsigned nr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vviolation(dh, nr, fmt, ap);
	va_end(ap);
	return -EPERM;
}

void ik_dh_hung(struct ik_drvhost *dh, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	end_driver(dh, IK_END_HANG, "driver '%s' hung: %s", dh->name, what);
}

int ik_dh_unknown(struct ik_drvhost *dh, unsigned nr)
{
	return ik_dh_violation(dh, 0, "unknown hypercall %u", nr);
}

/* ---- the output budget ----------------------------------------------------------------- */

/*
 * Everything a driver can make us write goes to the host's log (a file, a terminal, the
 * journal), so none of it may fill the host's disk or drown the other lines: console text,
 * device-model lines (the LED board, the speech synthesizer, watchdogs) and crash report
 * lines are charged to one budget (budget.h) as they are written. What is over it is dropped
 * and counted, and we say so: when dropping starts, every IK_BUDGET_REPORT_S while it lasts,
 * when output resumes, and in the end report.
 */
static void say_budget(struct ik_drvhost *dh, enum ik_budget_say say, uint64_t flood)
{
	char what[96];

	switch (say) {
	case IK_BUDGET_SAY_START:
		ik_budget_describe(&dh->out.cfg, what, sizeof(what));
		ik_dh_log(dh, "ikernel: driver '%s' output flood: over its budget of %s; dropping its "
			  "lines", dh->name, what);
		break;
	case IK_BUDGET_SAY_SO_FAR:
		ik_dh_log(dh, "ikernel: driver '%s' output flood: %llu lines dropped so far", dh->name,
			  (unsigned long long)flood);
		break;
	case IK_BUDGET_SAY_OVER:
		ik_dh_log(dh, "ikernel: driver '%s' output flood over: %llu lines dropped", dh->name,
			  (unsigned long long)flood);
		break;
	default:
		break;
	}
}

/* One line, charged to the output budget first: what is written is the line and its newline,
 * and the supervisor's timestamp before it. */
static void out_line(struct ik_drvhost *dh, const char *line, size_t len)
{
	enum ik_budget_say say;
	uint64_t flood;
	bool ok = ik_budget_admit(&dh->out, len + 1 + IK_BUDGET_LINE_COST, ik_mono_ns(), &say, &flood);

	say_budget(dh, say, flood);
	if (ok)
		ik_dh_log(dh, "%s", line);
}

/* The lines formatted here (device models' lines, report lines) are short; the console's long
 * ones are formatted by ik_dh_console itself. Kept under a page: a larger frame is probed page
 * by page (stack clash protection), and every driver thread would keep those pages resident. */
#define IK_DH_OUT_LINE_MAX 2560u

void ik_dh_out(struct ik_drvhost *dh, const char *fmt, ...)
{
	char line[IK_DH_OUT_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	out_line(dh, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void ik_dh_console(struct ik_drvhost *dh, const char *text, size_t len)
{
	char line[4 * IK_CONSOLE_MAX + IK_NAME_MAX + 8]; /* "[name] " and the escaped text */
	size_t prefix = (size_t)snprintf(line, sizeof(line), "[%s] ", dh->name);

	while (len > 0) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		ik_sanitize(line + prefix, sizeof(line) - prefix, text, n);
		out_line(dh, line, prefix + strlen(line + prefix));
		if (!nl)
			break;
		len -= n + 1;
		text += n + 1;
	}
}

/* ---- the hypercalls -------------------------------------------------------------------------- */

static int hc_console(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_console *a = args;
	ik_gpa_t buf = a->buf;
	uint64_t len = a->len;
	char text[IK_CONSOLE_MAX];

	if (len > IK_CONSOLE_MAX)
		return ik_dh_violation(dh, IK_HC_CONSOLE, "length %llu exceeds %u", (unsigned long long)len,
				       IK_CONSOLE_MAX);
	/* one copy: the driver cannot change it while we format */
	if (dh->ops->fetch(dh->be, buf, text, len))
		return ik_dh_violation(dh, IK_HC_CONSOLE, "buffer [0x%llx, +%llu) is not readable guest memory",
				       (unsigned long long)buf, (unsigned long long)len);
	ik_dh_console(dh, text, len);
	return 0;
}

static const char *panic_kind(uint32_t kind)
{
	switch (kind) {
	case IK_PANIC_BUG:
		return "BUG";
	case IK_PANIC_ASSERT:
		return "assertion failure";
	default:
		return "panic";
	}
}

/* snprintf that may truncate (a report line is bounded; the reason names the driver first). */
static void format_reason(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void format_reason(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
}

static int hc_panic(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_panic *a = args;
	ik_gpa_t msg_gpa = a->msg, file_gpa = a->file;
	uint64_t len = a->len < IK_PANIC_MAX ? a->len : IK_PANIC_MAX;
	uint32_t line = a->line, kind = a->kind;
	char raw[IK_PANIC_MAX], msg[4 * IK_PANIC_MAX + 1], file_raw[256] = "", file[128];
	char reason[sizeof(((struct ik_vm_result *)0)->reason)];
	struct ik_dh_end e = {.end = IK_END_PANIC, .file = file, .line = line, .reason = reason};

	if (dh->ops->fetch(dh->be, msg_gpa, raw, len))
		return ik_dh_violation(dh, IK_HC_PANIC, "message [0x%llx, +%llu) is not readable guest memory",
				       (unsigned long long)msg_gpa, (unsigned long long)len);
	ik_sanitize(msg, sizeof(msg), raw, len);
	if (file_gpa && dh->ops->fetch_str(dh->be, file_gpa, file_raw, sizeof(file_raw)) < 0)
		snprintf(file_raw, sizeof(file_raw), "?");
	ik_sanitize(file, sizeof(file), file_raw, strlen(file_raw));
	if (file[0])
		format_reason(reason, sizeof(reason), "driver '%s' %s at %s:%u: %s", dh->name,
			      panic_kind(kind), file, line, msg);
	else
		format_reason(reason, sizeof(reason), "driver '%s' %s: %s", dh->name, panic_kind(kind), msg);
	dh->ops->end(dh->be, &e);
	return -EPERM;
}

static int hc_exit(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_exit *a = args;
	int64_t code = a->code;
	char reason[128];
	struct ik_dh_end e = {.end = IK_END_EXIT, .exit_code = code, .reason = reason};

	snprintf(reason, sizeof(reason), "driver '%s' exited with status %lld", dh->name, (long long)code);
	dh->ops->end(dh->be, &e);
	return -EPERM;
}

/*
 * IK_HC_WAIT: the posted writes it carries (IK_FEAT_WAIT_BATCH) are applied first, in order,
 * as IK_HC_IO_BATCH's; then the backend's wait (the VM sleeps, a process only fetches). A line
 * raised since the writes began (by one of them, on this thread: no kick) may not have been
 * seen by the driver, so the wait then does not sleep. Only the OUT fields go back.
 */
static int hc_wait(struct ik_drvhost *dh, void *args)
{
	struct ik_hc_wait *out = args;
	struct ik_hc_wait a = *out; /* read once */
	uint64_t raises = atomic_load(&dh->irq_raises);
	int r;

	if (a.flags & ~IK_WAIT_EVENT_IRQS)
		return ik_dh_violation(dh, IK_HC_WAIT, "unknown flags 0x%x", a.flags);
	if (a.flags & IK_WAIT_EVENT_IRQS)
		ik_dh_irq_to_page(dh); /* before the fetch below: a raise in between is fetched */
	if ((r = ik_dh_posted_writes(dh, IK_HC_WAIT, a.writes, a.count)))
		return r;
	if (a.count && atomic_load(&dh->irq_raises) != raises)
		a.timeout_ns = 0;
	a.irqs = a.chan_opened = a.chan_closing = 0;
	if ((r = dh->ops->wait(dh->be, &a)))
		return r;
	out->irqs = a.irqs;
	out->chan_opened = a.chan_opened;
	out->chan_closing = a.chan_closing;
	return 0;
}

/*
 * The node as the host knows it: with declarations (the supervisor's), only a declared name,
 * under its host name with the declared owner, group and mode; without, its own name, owned by
 * the monitor's user and group with the default mode. 0, or the violation (-EPERM).
 */
static int node_as_declared(struct ik_drvhost *dh, const char *name, struct ik_dh_node *out)
{
	char declared[IK_MAX_NODES * (IK_NAME_MAX + 2)] = "";
	size_t used = 0;

	if (dh->ndecls == 0) {
		snprintf(out->name, sizeof(out->name), "%s", name);
		out->uid = dh->door.owner_uid;
		out->gid = dh->door.owner_gid;
		out->mode = dh->node_mode;
		return 0;
	}
	for (unsigned i = 0; i < dh->ndecls; i++) {
		const struct ik_node_decl *d = &dh->decls[i];

		if (!strcmp(d->name, name)) {
			snprintf(out->name, sizeof(out->name), "%s", d->host);
			out->uid = d->uid;
			out->gid = d->gid;
			out->mode = d->mode;
			return 0;
		}
		used += (size_t)snprintf(declared + used, sizeof(declared) - used, "%s%s",
					 i ? ", " : "", d->name);
	}
	return ik_dh_violation(dh, IK_HC_REGISTER_NODE,
			       "node '%s' is not declared for this driver (declared: %s)", name, declared);
}

/*
 * A node: a valid name (names.h), declared when the supervisor declared its nodes, an id below
 * IK_MAX_NODES, neither clashing with one announced before, and only before READY: the nodes a driver serves are the ones it announced
 * when it said it was ready (the supervisor and clients rely on that set; the guest runtime
 * refuses a later registration by itself).
 */
static int hc_register_node(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_register_node *a = args;
	ik_gpa_t name_gpa = a->name;
	uint32_t id = a->node, minor = a->minor;
	char name[IK_NAME_MAX];
	struct ik_dh_node *node, as = {0};

	if (dh->ops->fetch_str(dh->be, name_gpa, name, sizeof(name)) < 0)
		return ik_dh_violation(dh, IK_HC_REGISTER_NODE,
				       "name at 0x%llx is not a readable NUL-terminated string of < %u bytes",
				       (unsigned long long)name_gpa, IK_NAME_MAX);
	if (!ik_name_valid(name)) {
		char clean[4 * IK_NAME_MAX];

		ik_sanitize(clean, sizeof(clean), name, strlen(name));
		return ik_dh_violation(dh, IK_HC_REGISTER_NODE, "invalid node name '%s' (allowed: " IK_NAME_RULE ")",
				       clean, IK_NAME_MAX - 1);
	}
	if (id >= IK_MAX_NODES)
		return ik_dh_violation(dh, IK_HC_REGISTER_NODE, "node id %u of '%s' is not below %u", id, name,
				       IK_MAX_NODES);
	if (node_as_declared(dh, name, &as))
		return -EPERM;
	pthread_mutex_lock(dh->lock);
	if (dh->ready) {
		pthread_mutex_unlock(dh->lock);
		return ik_dh_violation(dh, IK_HC_REGISTER_NODE,
				       "node '%s' registered after READY (nodes are announced before READY)", name);
	}
	for (unsigned i = 0; i < dh->nnodes; i++) {
		if (!strcmp(dh->nodes[i].name, as.name) || dh->nodes[i].node == id) {
			char other[IK_NAME_MAX];
			uint32_t other_id = dh->nodes[i].node;

			memcpy(other, dh->nodes[i].name, sizeof(other));
			pthread_mutex_unlock(dh->lock);
			return ik_dh_violation(dh, IK_HC_REGISTER_NODE,
					       "node '%s' (id %u) clashes with node '%s' (id %u)", name, id,
					       other, other_id);
		}
	}
	node = &dh->nodes[dh->nnodes++]; /* ids are unique and < IK_MAX_NODES: room is left */
	*node = as;
	node->node = id;
	node->minor = minor;
	pthread_mutex_unlock(dh->lock);
	return 0;
}

static int hc_ready(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_ready *a = args;
	uint32_t nodes = a->nodes;
	char err[512] = "";
	int r = 0;

	pthread_mutex_lock(dh->lock);
	if (dh->ready || nodes != dh->nnodes) {
		unsigned have = dh->nnodes;
		bool twice = dh->ready;

		pthread_mutex_unlock(dh->lock);
		if (twice)
			return ik_dh_violation(dh, IK_HC_READY, "called twice");
		return ik_dh_violation(dh, IK_HC_READY, "announces %u nodes but %u were registered", nodes,
				       have);
	}
	if (dh->serve)
		r = ik_rdv_listen(dh, err, sizeof(err));
	dh->boot_ns = ik_mono_ns() - dh->t_create_ns;
	dh->ready = r == 0;
	pthread_cond_broadcast(dh->cond);
	pthread_mutex_unlock(dh->lock);
	if (r) {
		end_driver(dh, IK_END_UNSERVED, "driver '%s' cannot be served: %s", dh->name, err);
		return -EPERM;
	}
	if (dh->ops->serving)
		dh->ops->serving(dh->be);
	for (unsigned i = 0; i < IK_NETIF_MAX; i++)
		ik_netif_relay_go(dh->relays[i]);
	if (dh->serve) {
		ik_dh_log(dh, "ikernel: driver '%s' ready in %.3f ms, serving %s", dh->name,
			  (double)dh->boot_ns / 1e6, dh->sock_path);
		/* The node table is fixed once ready (no registration after READY). */
		for (unsigned i = 0; i < dh->nnodes; i++)
			ik_status_node(dh->nodes[i].name, dh->nodes[i].node, dh->nodes[i].minor);
		ik_status_ready(dh->boot_ns, dh->nnodes);
	}
	return 0;
}

/* Only a channel whose client left (closing) is released: releasing a free channel or one
 * whose client is still attached is a violation. */
static int hc_chan_released(struct ik_drvhost *dh, void *args)
{
	const struct ik_hc_chan *a = args;
	uint32_t chan = a->chan;

	if (chan >= IK_MAX_CHANNELS)
		return ik_dh_violation(dh, IK_HC_CHAN_RELEASED, "channel %u is not below %u", chan,
				       IK_MAX_CHANNELS);
	switch (dh->ops->chan_released(dh->be, chan)) {
	case IK_DH_CHAN_CLOSING:
		return 0;
	case IK_DH_CHAN_OPEN:
		return ik_dh_violation(dh, IK_HC_CHAN_RELEASED, "channel %u still has its client", chan);
	default:
		return ik_dh_violation(dh, IK_HC_CHAN_RELEASED, "channel %u is not open", chan);
	}
}

static const struct {
	const char *name;
	size_t size;
	int (*handler)(struct ik_drvhost *dh, void *args);
} calls[IK_HC__COUNT] = {
	[IK_HC_CONSOLE] = {"CONSOLE", sizeof(struct ik_hc_console), hc_console},
	[IK_HC_PANIC] = {"PANIC", sizeof(struct ik_hc_panic), hc_panic},
	[IK_HC_EXIT] = {"EXIT", sizeof(struct ik_hc_exit), hc_exit},
	[IK_HC_WAIT] = {"WAIT", sizeof(struct ik_hc_wait), hc_wait},
	[IK_HC_REGISTER_NODE] = {"REGISTER_NODE", sizeof(struct ik_hc_register_node), hc_register_node},
	[IK_HC_READY] = {"READY", sizeof(struct ik_hc_ready), hc_ready},
	[IK_HC_CHAN_RELEASED] = {"CHAN_RELEASED", sizeof(struct ik_hc_chan), hc_chan_released},
	[IK_HC_PIO_STRING] = {"PIO_STRING", sizeof(struct ik_hc_pio_string), ik_dh_pio_string},
	[IK_HC_DMA_MAP] = {"DMA_MAP", sizeof(struct ik_hc_dma_map), ik_dh_dma_map},
	[IK_HC_PIO_BATCH] = {"PIO_BATCH", sizeof(struct ik_hc_pio_batch), ik_dh_pio_batch},
	[IK_HC_IO_BATCH] = {"IO_BATCH", sizeof(struct ik_hc_io_batch), ik_dh_io_batch},
};

size_t ik_dh_args_size(unsigned nr)
{
	return nr < IK_HC__COUNT && calls[nr].handler ? calls[nr].size : 0;
}

const char *ik_dh_call_name(unsigned nr)
{
	return nr < IK_HC__COUNT && calls[nr].name ? calls[nr].name : "?";
}

int ik_dh_hypercall(struct ik_drvhost *dh, unsigned nr, void *args)
{
	if (!ik_dh_args_size(nr))
		return ik_dh_unknown(dh, nr);
	return calls[nr].handler(dh, args);
}

/* ---- boot info, welcome, the end ----------------------------------------------------------- */

/* Read shadows (IK_FEAT_MMIO_SHADOW, devices/shadow.c): the table in the boot info, the values
 * in the event page from now on. Only with posted writes: the guest answers a shadowed read
 * from the event page only while its held writes may wait. */
static void boot_shadows(struct ik_bootinfo *bi, const struct ik_dh_boot *b)
{
	memset(bi->mmio_shadow, 0, sizeof(bi->mmio_shadow));
	bi->shadow_off = 0;
	memset(bi->reserved3, 0, sizeof(bi->reserved3));
	if (!b->devs || !b->events || !(bi->features & IK_FEAT_IO_BATCH) ||
	    !ik_devset_mmio_shadows(b->devs, bi->mmio_shadow, IK_MAX_MMIO_SHADOWS))
		return;
	ik_devset_shadow_attach(b->devs,
				(_Atomic uint32_t *)((char *)b->events + IK_EVENTS_SHADOW_OFF),
				IK_MAX_MMIO_SHADOWS);
	bi->shadow_off = IK_EVENTS_SHADOW_OFF;
	bi->features |= IK_FEAT_MMIO_SHADOW;
}

void ik_dh_bootinfo(const struct ik_drvhost *dh, struct ik_bootinfo *bi, const struct ik_dh_boot *b)
{
	bi->magic = IK_BOOTINFO_MAGIC;
	bi->abi_version = IK_ABI_VERSION;
	/* both levels: the door's grants; posted writes (pio_batch.c) and the windows they may
	 * go to, also carried by the idle wait; interrupt lines in the event page (irq_lines.c) */
	bi->features = b->features | IK_FEAT_CHAN_ACCESS | IK_FEAT_PIO_BATCH | IK_FEAT_IO_BATCH |
		       IK_FEAT_MMIO_GRANTS | IK_FEAT_EVENT_IRQS | IK_FEAT_WAIT_BATCH;
	bi->mem_size = b->mem_size;
	bi->heap_start = b->heap_start;
	bi->heap_end = b->heap_end;
	bi->stack_base = b->stack_base;
	bi->stack_count = b->stack_count;
	bi->max_channels = IK_MAX_CHANNELS;
	bi->io_batch_max = dh->io_batch_max;
	bi->tsc_khz = b->tsc_khz;
	bi->spin_ns = b->spin_ns;
	bi->chan = ik_geometry_default();
	memcpy(bi->name, dh->name, sizeof(bi->name));
	memcpy(bi->params, dh->params, sizeof(bi->params)); /* checked at ik_dh_init: it fits */
	/* More ranges than fit is not an error: the driver then refuses the rest in
	 * request_region(), the host allows them all. */
	memset(bi->port_grant, 0, sizeof(bi->port_grant));
	memset(bi->mmio_grant, 0, sizeof(bi->mmio_grant));
	if (b->devs) {
		ik_devset_port_grants(b->devs, bi->port_grant, IK_MAX_PORT_GRANTS);
		ik_devset_mmio_grants(b->devs, bi->mmio_grant, IK_MAX_MMIO_GRANTS);
		if (ik_devset_dma_strict(b->devs))
			bi->features |= IK_FEAT_DMA_STRICT;
		if (b->devs->has_pci)
			bi->features |= IK_FEAT_PCI;
	}
	boot_shadows(bi, b);
	memcpy(bi->netif, dh->netif, sizeof(bi->netif));
	if (dh->netif[0][0])
		bi->features |= IK_FEAT_NETIF;
	memset(bi->chan_read, 0, sizeof(bi->chan_read)); /* no channel may open anything yet */
	memset(bi->chan_write, 0, sizeof(bi->chan_write));
}

void ik_dh_welcome(const struct ik_drvhost *dh, struct ik_ctl_welcome *w, int status, unsigned chan)
{
	memset(w, 0, sizeof(*w));
	w->magic = IK_CTL_MAGIC;
	w->status = status;
	w->abi_version = IK_ABI_VERSION;
	w->chan = chan;
	w->geometry = ik_geometry_default();
	snprintf(w->driver, sizeof(w->driver), "%s", dh->name);
	w->node_count = dh->nnodes;
	w->flags = status == 0 && dh->recovery[0] ? IK_WELCOME_F_RECOVERY : 0;
	for (unsigned i = 0; i < dh->nnodes; i++) {
		memcpy(w->nodes[i].name, dh->nodes[i].name, IK_NAME_MAX);
		w->nodes[i].node = dh->nodes[i].node;
		w->nodes[i].minor = dh->nodes[i].minor;
	}
}

int ik_dh_exit_status(const struct ik_vm_result *res)
{
	switch (res->end) {
	case IK_END_STOPPED:
		return 0;
	case IK_END_EXIT:
		return res->exit_code == 0 ? 0 : 1;
	default:
		return 1;
	}
}

void ik_dh_report_line(const struct ik_vm_result *res, FILE *out)
{
	fprintf(out, "ikernel: %s\n", res->reason[0] ? res->reason : "driver still running");
}

/* ops->report's lines (a crash's registers), each through the budget. */
static void report_through_budget(struct ik_drvhost *dh, const struct ik_vm_result *res)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	dh->ops->report(dh->be, res, f);
	fclose(f);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		ik_dh_out(dh, "%s", l);
	free(text);
}

void ik_dh_finish(struct ik_drvhost *dh, const struct ik_vm_result *res)
{
	uint64_t lines, bytes;

	ik_dh_release(dh); /* the relays say nothing after the end report */
	if (!dh->serve)
		return;
	flockfile(dh->log); /* recursive: ik_dh_out and ik_dh_log take it too */
	ik_dh_report_line(res, dh->log);
	if (dh->ops->report)
		report_through_budget(dh, res);
	ik_budget_dropped(&dh->out, &lines, &bytes);
	if (lines)
		fprintf(dh->log, "ikernel: driver '%s' output budget: %llu lines (%llu bytes) dropped "
			"in this run\n", dh->name, (unsigned long long)lines, (unsigned long long)bytes);
	/* The driver is over and its name already free: a supervisor may start the replacement
	 * now instead of after this monitor's slower tear-down and exit. */
	fprintf(dh->log, "ikernel: driver '%s' is gone (status %d); its name is free\n", dh->name,
		ik_dh_exit_status(res));
	fflush(dh->log);
	funlockfile(dh->log);
	/* After the log lines: a supervisor reading both has the report when it acts on GONE. */
	ik_status_report(res);
	ik_status_gone(res, ik_dh_exit_status(res), true);
}
