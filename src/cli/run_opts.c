/* SPDX-License-Identifier: MIT */
/*
 * `ikernel run` options, parsed once with getopt_long for both isolation levels (`--opt value`
 * and `--opt=value` alike), every value checked here: run.c and run_isolation.c only map the
 * result onto their monitor's configuration.
 */
#include "run_opts.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devmodel.h"
#include "ikernel/control.h" /* IK_INJECT_SPEC_MAX */
#include "kvm_probe.h"
#include "tap.h"
#include "monitor.h" /* ik_parse_size */
#include "proc.h"    /* IK_PROC_ISOLATION_LABEL */

void ik_run_usage(FILE *out)
{
	char models[256];

	ik_devmodel_list(models, sizeof(models)); /* from the registry: adding a model adds it here */
	fprintf(out,
		"usage: ikernel run IMAGE [OPTIONS]\n\n"
		"Run the driver image IMAGE in its own VM in the foreground and serve its device nodes\n"
		"to clients. Ctrl-C (SIGINT) or SIGTERM stops it.\n\n"
		"options (--opt VALUE and --opt=VALUE alike):\n"
		"  --mem SIZE            guest memory, multiple of 2M, 2M..256M (K/M/G suffixes; default 4M)\n"
		"  --name NAME           driver name (default: IMAGE's file name without extension)\n"
		"  --device MODEL[@PORT|@pci][,KEY=VALUE...]\n"
		"                        grant a device model, e.g. parport@0x378,\n"
		"                        cmos@0x70,file=nvram.bin or ne2000@pci (a function on the\n"
		"                        driver's PCI bus: slot, BARs, IRQ assigned and logged);\n"
		"                        dma=strict: its DMA only to pages the driver mapped\n"
		"                        (repeatable, at most 16; options: docs/DRIVERS.md)\n"
		"                        models: %s\n"
		"  --param K=V           module parameter (repeatable)\n"
		"  --spin-ns N           guest idle spin before sleeping, 0..10000000000 (default 50000)\n"
		"  --hang-ms N           no progress for N ms ends the VM as hung, 1..3600000 (default 1000)\n"
		"  --log-budget RATE,LINES,BURST\n"
		"                        what the driver may make the host write (console, device\n"
		"                        models, crash report): RATE bytes and LINES lines a second\n"
		"                        after a burst of BURST seconds' worth; the rest is dropped\n"
		"                        and counted (default 16K,200,16s)\n"
		"  --recovery SPEC       recovery policy for clients (ikernel(1), RECOVERY), e.g.\n"
		"                        'policy=transparent state=ioctl:0x40044c02 idem=read'\n"
		"  --runtime-dir DIR     rendezvous directory (default $IKERNEL_RUNTIME_DIR or /run/ikernel)\n"
		"  --user USER           isolation=vm, started as root: run the VM monitor as USER (the\n"
		"                        runtime directory must be writable by USER)\n"
		"  --no-sandbox          isolation=vm: no seccomp filter, capabilities kept (debugging only)\n"
		"  --node NAME[=HOST][,uid=N][,gid=N][,mode=0NNN]\n"
		"                        declare a node (repeatable): the driver may register only\n"
		"                        declared names; HOST is the name clients use; who may open it\n"
		"                        (uid/gid default to ours, mode to 0600). `ikernel up` passes\n"
		"                        each manifest's [node] sections so\n"
		"  --netdev NAME[,fd=N][,netns=NS]\n"
		"                        give the driver's next net_device the host interface NAME, a\n"
		"                        TAP (repeatable, at most 2): descriptor N if given (`ikernel up`\n"
		"                        passes one it holds across restarts), else created here (needs\n"
		"                        CAP_NET_ADMIN) or attached (its owner), in network namespace NS\n"
		"                        (/run/netns/NS) if given. Declares node NAME for the relay\n"
		"  --node-mode MODE      without --node: any name, owned by our user, with MODE\n"
		"                        (octal, default 0600; e.g. 0666 for every user)\n"
		"  --isolation LEVEL     vm (default) or process: the same driver as a jailed Linux\n"
		"                        process (IMAGE.proc), WEAKER isolation; the fallback without\n"
		"                        /dev/kvm; inproc only in build/src/cli/NAME.inproc (the driver\n"
		"                        linked in, NO isolation: the baseline of `ikernel bench net`)\n"
		"  -h, --help            this text\n\n"
		"exit status: 0 clean stop or exit 0; 1 crash, panic, hang, violation or failure;\n"
		"2 usage or image error\n", models);
}

__attribute__((format(printf, 1, 2))) static int bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ikernel run: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'ikernel run --help')\n");
	return 2;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	if (!*s || *s == '-')
		return -EINVAL;
	*out = strtoull(s, &end, 0);
	return (*end || errno || *out > max) ? -EINVAL : 0;
}

static int add_param(struct ik_run_opts *o, const char *val)
{
	size_t len = strlen(o->params_buf);

	if (!strchr(val, '=') || val[0] == '=' || strchr(val, ' '))
		return bad("bad module parameter '%s' (expected K=V without spaces)", val);
	if (len + strlen(val) + 2 > sizeof(o->params_buf))
		return bad("module parameters too long at '%s' (at most %u bytes in all)", val,
			   IK_PARAMS_MAX - 1);
	snprintf(o->params_buf + len, sizeof(o->params_buf) - len, "%s%s", len ? " " : "", val);
	o->params = o->params_buf;
	return 0;
}

/* "NAME[,fd=N][,netns=NS]" */
static int add_netdev(struct ik_run_opts *o, const char *v)
{
	static char bufs[IK_NETIF_MAX][256];
	struct ik_netif_cfg *n;
	char *buf, *save = NULL, *tok;

	if (o->nnetifs >= IK_NETIF_MAX)
		return bad("too many --netdev at '%s' (at most %u)", v, IK_NETIF_MAX);
	if (strlen(v) >= sizeof(bufs[0]))
		return bad("--netdev '%.40s...' is too long", v);
	buf = bufs[o->nnetifs];
	snprintf(buf, sizeof(bufs[0]), "%s", v);
	n = &o->netifs[o->nnetifs];
	n->tap_fd = -1;
	o->netns[o->nnetifs] = NULL;
	tok = strtok_r(buf, ",", &save);
	if (!tok || !ik_tap_name_valid(tok) || strlen(tok) >= sizeof(n->name))
		return bad("--netdev '%s': expected an interface name of 1 to %u bytes of "
			   "[A-Za-z0-9_.-] first", v, IK_IFNAME_MAX - 1);
	snprintf(n->name, sizeof(n->name), "%s", tok);
	for (size_t i = 0; i < o->nnetifs; i++)
		if (!strcmp(o->netifs[i].name, n->name))
			return bad("--netdev '%s' given twice", n->name);
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *end;

		if (!strncmp(tok, "fd=", 3)) {
			long fd = strtol(tok + 3, &end, 10);

			if (!tok[3] || *end || fd < 3 || fd > 65535)
				return bad("--netdev '%s': bad fd '%s' (3..65535)", v, tok + 3);
			n->tap_fd = (int)fd;
		} else if (!strncmp(tok, "netns=", 6) && tok[6]) {
			o->netns[o->nnetifs] = tok + 6;
		} else {
			return bad("--netdev '%s': unknown setting '%s' (fd=N, netns=NS)", v, tok);
		}
	}
	if (n->tap_fd >= 0 && o->netns[o->nnetifs])
		return bad("--netdev '%s': fd= and netns= exclude each other (a given TAP is where "
			   "it is)", v);
	o->nnetifs++;
	return 0;
}

/* Is fd the TAP `name`? (TUNGETIFF names the interface a tun descriptor is attached to.) */
static int check_tap_fd(int fd, const char *name, char *err, size_t errlen)
{
	struct ifreq ifr = {0};

	if (fcntl(fd, F_GETFD) < 0) {
		snprintf(err, errlen, "--netdev %s: descriptor %d is not open", name, fd);
		return -EBADF;
	}
	if (ioctl(fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP) ||
	    strncmp(ifr.ifr_name, name, IFNAMSIZ)) {
		snprintf(err, errlen, "--netdev %s: descriptor %d is not that TAP interface", name, fd);
		return -EINVAL;
	}
	return 0;
}

int ik_run_netdevs_open(struct ik_run_opts *o, char *err, size_t errlen)
{
	for (size_t i = 0; i < o->nnetifs; i++) {
		struct ik_netif_cfg *n = &o->netifs[i];
		char why[400];
		int fd, r;

		if (n->tap_fd >= 0) {
			if ((r = check_tap_fd(n->tap_fd, n->name, err, errlen)))
				return r;
			continue;
		}
		fd = ik_tap_open(n->name, o->netns[i], IK_TAP_VNET_HDR, why, sizeof(why));
		if (fd < 0) {
			snprintf(err, errlen, "--netdev %s: %s", n->name, why);
			return fd;
		}
		n->tap_fd = fd;
	}
	return 0;
}

enum { OPT_MEM = 256, OPT_NAME, OPT_DEVICE, OPT_PARAM, OPT_SPIN, OPT_HANG, OPT_RECOVERY,
       OPT_RTDIR, OPT_USER, OPT_NOSANDBOX, OPT_ISOLATION, OPT_LOG_BUDGET, OPT_NODE,
       OPT_NODE_MODE, OPT_NETDEV };

static const struct option longopts[] = {
	{"mem", required_argument, NULL, OPT_MEM},
	{"name", required_argument, NULL, OPT_NAME},
	{"device", required_argument, NULL, OPT_DEVICE},
	{"param", required_argument, NULL, OPT_PARAM},
	{"spin-ns", required_argument, NULL, OPT_SPIN},
	{"hang-ms", required_argument, NULL, OPT_HANG},
	{"recovery", required_argument, NULL, OPT_RECOVERY},
	{"runtime-dir", required_argument, NULL, OPT_RTDIR},
	{"user", required_argument, NULL, OPT_USER},
	{"no-sandbox", no_argument, NULL, OPT_NOSANDBOX},
	{"isolation", required_argument, NULL, OPT_ISOLATION},
	{"log-budget", required_argument, NULL, OPT_LOG_BUDGET},
	{"node", required_argument, NULL, OPT_NODE},
	{"node-mode", required_argument, NULL, OPT_NODE_MODE},
	{"netdev", required_argument, NULL, OPT_NETDEV},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int take_option(struct ik_run_opts *o, int c, const char *v)
{
	char why[160];
	uint64_t n;

	switch (c) {
	case OPT_MEM:
		if (ik_parse_size(v, &n))
			return bad("bad memory size '%s' (e.g. 4M or 64M)", v);
		if (ik_mem_size_check(n, why, sizeof(why)))
			return bad("--mem '%s': %s", v, why);
		o->mem_size = n;
		return 0;
	case OPT_NAME:
		o->name = v;
		return 0;
	case OPT_DEVICE:
		if (o->ndevices >= IK_RUN_MAX_DEVICES)
			return bad("too many devices at '%s' (at most %u)", v, IK_RUN_MAX_DEVICES);
		o->devices[o->ndevices++] = v;
		return 0;
	case OPT_PARAM:
		return add_param(o, v);
	case OPT_SPIN: /* 10 s: far beyond any useful spin, far below the "default" marker */
		if (parse_u64(v, 10000000000ull, &n))
			return bad("bad --spin-ns value '%s' (0..10000000000)", v);
		o->spin_ns = n;
		return 0;
	case OPT_HANG:
		if (parse_u64(v, 3600000, &n) || n == 0)
			return bad("bad --hang-ms value '%s' (1..3600000)", v);
		o->hang_ms = (unsigned)n;
		return 0;
	case OPT_RECOVERY:
		if (strlen(v) >= IK_INJECT_SPEC_MAX)
			return bad("recovery spec too long: '%s' (at most %u bytes)", v, IK_INJECT_SPEC_MAX - 1);
		o->recovery = v; /* clients parse it; the supervisor checked it */
		return 0;
	case OPT_LOG_BUDGET:
		if (ik_budget_parse(v, &o->log_budget, why, sizeof(why)))
			return bad("--log-budget: %s", why);
		return 0;
	case OPT_RTDIR:
		o->runtime_dir = v;
		return 0;
	case OPT_USER:
		o->user = v;
		return 0;
	case OPT_NODE: {
		char err[200];

		if (o->nnodes >= IK_MAX_NODES)
			return bad("too many nodes at '%s' (at most %u)", v, IK_MAX_NODES);
		if (ik_node_decl_parse(v, &o->nodes[o->nnodes], err, sizeof(err)))
			return bad("%s", err);
		o->nnodes++;
		return 0;
	}
	case OPT_NODE_MODE: {
		char *end;
		unsigned long m = strtoul(v, &end, 8);

		if (!*v || *end || m > 0777 || m == 0)
			return bad("bad --node-mode '%s' (octal, 1..0777, e.g. 0660)", v);
		o->node_mode = (unsigned)m;
		return 0;
	}
	case OPT_NETDEV:
		return add_netdev(o, v);
	case OPT_NOSANDBOX:
		o->no_sandbox = true;
		return 0;
	case OPT_ISOLATION:
		if (!strcmp(v, "vm"))
			o->level = IK_RUN_LEVEL_VM;
		else if (!strcmp(v, "process"))
			o->level = IK_RUN_LEVEL_PROCESS;
		else if (!strcmp(v, "inproc") && ik_run_builtin_inproc)
			o->level = IK_RUN_LEVEL_INPROC; /* NAME.inproc: its driver, no isolation */
		else if (!strcmp(v, "inproc"))
			return bad("--isolation=inproc links the driver into its caller; only `ikernel "
				   "bench` and the NAME.inproc builds of the Linux drivers (make "
				   "linux-drivers: build/src/cli/NAME.inproc) offer it");
		else
			return bad("unknown isolation level '%s' (vm or process)", v);
		return 0;
	default:
		return bad("option %d not handled", c); /* a longopts entry without a case */
	}
}

int ik_run_opts_parse(struct ik_run_opts *o, int argc, char **argv)
{
	int c, r;

	memset(o, 0, sizeof(*o));
	o->spin_ns = (uint64_t)-1;
	opterr = 0; /* our own messages, which name the command */
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h') {
			ik_run_usage(stdout);
			return 1;
		}
		if (c == '?')
			return bad("unknown option '%s'", argv[optind - 1]);
		if (c == ':')
			return bad("option '%s' needs a value", argv[optind - 1]);
		if ((r = take_option(o, c, optarg)))
			return r;
	}
	for (; optind < argc; optind++) {
		if (o->image)
			return bad("more than one image given ('%s' after '%s')", argv[optind], o->image);
		o->image = argv[optind];
	}
	if (!o->image)
		return bad("no image given");
	if (o->nnodes && o->node_mode)
		return bad("--node-mode is for undeclared nodes: give each --node its mode=");
	if (o->level == IK_RUN_LEVEL_INPROC && (o->user || o->no_sandbox))
		return bad("--user and --no-sandbox are for isolation=vm");
	if (o->level == IK_RUN_LEVEL_PROCESS && o->user)
		return bad("--user is for isolation=vm: at isolation=process the driver always runs "
			   "as uid 65534 and the monitor stays who started it");
	if (o->level == IK_RUN_LEVEL_PROCESS && o->no_sandbox)
		return bad("--no-sandbox is for isolation=vm: a process driver is always jailed");
	return 0;
}

enum ik_run_level ik_run_level_resolve(struct ik_run_opts *o)
{
	char *why = o->fallback_why;

	why[0] = '\0';
	if (o->level != IK_RUN_LEVEL_AUTO)
		return o->level;
	/* Opens read-write and answers KVM_GET_API_VERSION ($IKERNEL_KVM_DEVICE: kvm_probe.h). */
	if (ik_kvm_probe(false, why, sizeof(o->fallback_why)) == 0) {
		why[0] = '\0';
		return IK_RUN_LEVEL_VM;
	}
	if (!why[0])
		snprintf(why, sizeof(o->fallback_why), "unknown reason");
	fprintf(stderr, "ikernel: KVM is not usable (%s): falling back to " IK_PROC_ISOLATION_LABEL "\n",
		why);
	return IK_RUN_LEVEL_PROCESS;
}
