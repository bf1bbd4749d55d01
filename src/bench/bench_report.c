/* SPDX-License-Identifier: MIT */
/* `ikernel bench`: the table for people, JSON for scripts, and the targets of issue 5. */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"
#include "ikjson.h"

struct target {
	const char *what;
	double value, limit;
	bool le;        /* value <= limit is met (else >=) */
	bool measured;
	char detail[128];
};

static double p50_us(const char *w, const char *lvl, const char *nt)
{
	const struct bench_row *r = bench_find(w, lvl, nt);

	return r && r->p50_ns ? (double)r->p50_ns / 1e3 : -1;
}

static double value_of(const char *w, const char *lvl)
{
	const struct bench_row *r = bench_find(w, lvl, NULL);

	return r ? r->value : -1;
}

/* Device file via VM <= 1.2 x device file with the driver in-process: the worst p50 ratio over
 * the "file: ..." rows (bench_file.c), every notification; the worst of each in the detail. */
static unsigned file_target(struct target *t)
{
	unsigned nrows;
	const struct bench_row *rows = bench_rows(&nrows);
	double worst = 0, per[3] = {0, 0, 0}; /* spin, sleep, default */
	char worst_name[64] = "";

	for (unsigned i = 0; i < nrows; i++) {
		const struct bench_row *v = &rows[i], *in;
		if (strncmp(v->workload, "file: ", 6) || strcmp(v->level, "vm") || !v->p50_ns ||
		    !(in = bench_find(v->workload, "inproc", v->notify)) || !in->p50_ns)
			continue;
		double x = (double)v->p50_ns / (double)in->p50_ns;
		int k = !strcmp(v->notify, "spin") ? 0 : !strcmp(v->notify, "sleep") ? 1 : 2;
		per[k] = x > per[k] ? x : per[k];
		if (x > worst) {
			worst = x;
			snprintf(worst_name, sizeof(worst_name), "%s, %s", v->workload + 6, v->notify);
		}
	}
	*t = (struct target){"device file via VM <= 1.2 x in-process", worst, 1.2, true, worst > 0, ""};
	if (worst > 0)
		snprintf(t->detail, sizeof(t->detail),
			 "worst: %s (per notify: spin %.2f, sleep %.2f, default %.2f; p50)", worst_name,
			 per[0], per[1], per[2]);
	else
		snprintf(t->detail, sizeof(t->detail), "%.120s",
			 bench_file_note[0] ? bench_file_note : "not run (bench all, quick or file)");
	return 1;
}

/* A net target whose rows this run did not measure (--card, --level, a skipped level) says so
 * instead of -1s. The TCP figures are medians (bench_netmeasure.c): one transfer's MB/s swung
 * 4x between runs on a shared machine, so a verdict from single transfers flipped. */
static void net_unmeasured(struct target *t, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!t[i].measured && (t[i].value = 0, 1))
			snprintf(t[i].detail, sizeof(t[i].detail), "not measured in this run (rows "
				 "skipped, or not chosen with --card/--level)");
}

/* bench net: issue 13's e1000 targets, from this run's e1000 rows and its raw TAP-to-TAP row. */
static unsigned e1000_targets(struct target *t, double raw)
{
	const char *tcp = "net e1000: TCP A->B";
	double in = value_of(tcp, "inproc"), vm = value_of(tcp, "vm");
	const struct bench_row *e = bench_find("net e1000: exits per MTU frame", "vm", NULL);

	t[0] = (struct target){"e1000 TCP (vm) >= 0.7 x inproc", in > 0 ? vm / in : 0, 0.7, false,
			       in > 0 && vm > 0, ""};
	snprintf(t[0].detail, sizeof(t[0].detail), "MB/s (medians): vm %.1f, inproc %.1f; exits/MTU frame %.2f",
		 vm, in, e ? e->value : 0);
	t[1] = (struct target){"e1000 TCP (vm) >= 0.3 x raw", raw > 0 ? vm / raw : 0, 0.3, false,
			       raw > 0 && vm > 0, ""};
	snprintf(t[1].detail, sizeof(t[1].detail), "MB/s (medians): vm %.1f, raw %.1f", vm, raw);
	net_unmeasured(&t[0], 2);
	return 2;
}

/* bench net: issue 12's targets, from the NE2000 rows of this run. */
static unsigned net_targets(struct target *t)
{
	double in = value_of("net: TCP A->B", "inproc"), vm = value_of("net: TCP A->B", "vm");
	double pr = value_of("net: TCP A->B", "process");
	double worst = vm > 0 && pr > 0 ? (vm < pr ? vm : pr) : vm > 0 ? vm : pr;
	const struct bench_row *e = bench_find("net: exits per MTU frame", "vm", NULL);
	unsigned n = 0;

	t[n] = (struct target){"NE2000 TCP (vm, process) >= 0.5 x inproc", in > 0 ? worst / in : 0, 0.5,
			       false, in > 0 && worst > 0, ""};
	snprintf(t[n++].detail, sizeof(t[0].detail), "MB/s (medians): vm %.1f, process %.1f, inproc %.1f",
		 vm > 0 ? vm : 0, pr > 0 ? pr : 0, in > 0 ? in : 0);
	t[n] = (struct target){"NE2000 exits per MTU-size frame <= 20", e ? e->value : 0, 20, true,
			       e && e->value > 0, ""};
	snprintf(t[n++].detail, sizeof(t[0].detail), "%.120s", e && e->note[0] ? e->note : "");
	net_unmeasured(t, n);
	return n + e1000_targets(&t[n], value_of("net: TCP A->B", "raw"));
}

static unsigned targets(struct target *t)
{
	unsigned n = 0;
	double a, b;

	if (!strcmp(bench_o->what, "net"))
		return net_targets(t);

	a = p50_us("null ioctl", "vm", "spin"), b = p50_us("host<->guest ping-pong", "raw", "");
	t[n++] = (struct target){"VM spinning null call <= 2 x host<->guest ping-pong", a / b, 2.0, true, a > 0 && b > 0, ""};
	a = p50_us("null ioctl", "vm", "sleep"), b = p50_us("ioeventfd round trip", "raw", "");
	t[n++] = (struct target){"VM sleeping null call <= 1.3 x ioeventfd round trip", a / b, 1.3, true, a > 0 && b > 0, ""};

	/* VM <= process on every call workload, both notifications: report the worst ratio. */
	unsigned nrows;
	const struct bench_row *rows = bench_rows(&nrows);
	double worst = 0;
	char worst_name[96] = "";
	for (unsigned i = 0; i < nrows; i++) {
		const struct bench_row *v = &rows[i], *p;
		if (strcmp(v->level, "vm") || !strncmp(v->workload, "crash:", 6) ||
		    !(p = bench_find(v->workload, "process", v->notify)))
			continue; /* (the crash breakdown rows are parts of one workload) */
		double x = v->unit[0] ? (p->value > 0 ? v->value / p->value : 0)
				      : (p->p50_ns ? (double)v->p50_ns / (double)p->p50_ns : 0);
		if (x > worst) {
			worst = x;
			snprintf(worst_name, sizeof(worst_name), "worst: %s%s%s", v->workload, v->notify[0] ? ", " : "", v->notify);
		}
	}
	t[n] = (struct target){"VM <= 1.0 x process on every workload", worst, 1.0, true, worst > 0, ""};
	snprintf(t[n++].detail, sizeof(t[0].detail), "%s", worst_name);
	a = p50_us("null ioctl", "vm", "spin"), b = p50_us("null ioctl", "inproc", "spin");
	t[n] = (struct target){"VM adds <= 0.2 us over inproc, null call spinning", a - b, 0.2, true, a > 0 && b > 0, ""};
	snprintf(t[n++].detail, sizeof(t[0].detail), "us added (vm %.3f, inproc %.3f)", a, b);
	/* the worse of read and write, spinning */
	const struct bench_row *vr = bench_find("read 64 KiB", "vm", "spin"), *ir = bench_find("read 64 KiB", "inproc", "spin");
	const struct bench_row *vw = bench_find("write 64 KiB", "vm", "spin"), *iw = bench_find("write 64 KiB", "inproc", "spin");
	if (vr && ir && vw && iw && ir->p50_ns && iw->p50_ns) {
		/* throughput from the median call: the mean is at the mercy of one descheduling */
		double rr = (double)ir->p50_ns / (double)vr->p50_ns, rw = (double)iw->p50_ns / (double)vw->p50_ns;
		t[n] = (struct target){"64 KiB bulk >= 0.5 x inproc throughput", rr < rw ? rr : rw, 0.5, false, true, ""};
		snprintf(t[n++].detail, sizeof(t[0].detail), "read %.2f, write %.2f (from p50 per call)", rr, rw);
	} else {
		t[n++] = (struct target){"64 KiB bulk >= 0.5 x inproc throughput", 0, 0.5, false, false, "not run (bench all)"};
	}
	n += file_target(&t[n]);
	a = value_of("cold start to ready", "vm");
	t[n++] = (struct target){"VM cold start <= 1.5 ms", a, 1.5, true, a > 0, ""};
	a = value_of("crash -> serving again", "vm");
	t[n++] = (struct target){"VM crash -> serving <= 3 ms", a, 3.0, true, a > 0, ""};
	for (unsigned i = 0; i < nrows; i++) {
		if (!strncmp(rows[i].workload, "density", 7) && !strcmp(rows[i].level, "vm")) {
			t[n] = (struct target){"1,000 VMs at once, <= 1 MiB host memory each", rows[i].value, 1024, true,
					       rows[i].value > 0, ""};
			snprintf(t[n++].detail, sizeof(t[0].detail), "%d VMs in this run", rows[i].clients);
		}
	}
	return n;
}

static const char *verdict(const struct target *t)
{
	if (!t->measured)
		return "not measured";
	return (t->le ? t->value <= t->limit : t->value >= t->limit) ? "met" : "MISSED";
}

static void machine(char *out, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], model[128] = "?";
	struct utsname u;
	double load[3] = {0};

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "model name : %127[^\n]", model) == 1)
			break;
	if (f)
		fclose(f);
	uname(&u);
	getloadavg(load, 3);
	snprintf(out, len, "%s, %ld CPUs, Linux %s, load %.2f", model, sysconf(_SC_NPROCESSORS_ONLN),
		 u.release, load[0]);
}

static uint64_t p50_ns(const char *w, const char *lvl, const char *nt, bool p99)
{
	const struct bench_row *r = bench_find(w, lvl, nt);

	return r ? (p99 ? r->p99_ns : r->p50_ns) : 0;
}

/* The flat keys of the first `bench null --json` (scripts and tests/integration use them). */
static void legacy_keys(json_t *j)
{
	uint64_t spin = p50_ns("null ioctl", "vm", "spin", false), block = p50_ns("null ioctl", "vm", "sleep", false);
	uint64_t pp = p50_ns("host<->guest ping-pong", "raw", "", false);
	uint64_t io = p50_ns("ioeventfd round trip", "raw", "", false);

	ikj_set(j, "spin_p50_ns", json_integer((json_int_t)spin));
	ikj_set(j, "spin_p99_ns", json_integer((json_int_t)p50_ns("null ioctl", "vm", "spin", true)));
	ikj_set(j, "raw_pingpong_p50_ns", json_integer((json_int_t)pp));
	ikj_set(j, "raw_pingpong_p99_ns", json_integer((json_int_t)p50_ns("host<->guest ping-pong", "raw", "", true)));
	ikj_set(j, "block_p50_ns", json_integer((json_int_t)block));
	ikj_set(j, "block_p99_ns", json_integer((json_int_t)p50_ns("null ioctl", "vm", "sleep", true)));
	ikj_set(j, "raw_ioeventfd_p50_ns", json_integer((json_int_t)io));
	ikj_set(j, "raw_ioeventfd_p99_ns", json_integer((json_int_t)p50_ns("ioeventfd round trip", "raw", "", true)));
	ikj_set(j, "boot_ms", ikj_real(value_of("cold start to ready", "vm"), 3));
	ikj_set(j, "spin_ratio", ikj_real(pp ? (double)spin / (double)pp : 0, 3));
	ikj_set(j, "block_ratio", ikj_real(io ? (double)block / (double)io : 0, 3));
}

/* One JSON object (jansson, ikjson.h): machine, rows, targets, the legacy keys. A figure that
 * is not a number (a target whose parts were not measured) is null. */
static void print_json(FILE *out)
{
	unsigned n, nt;
	const struct bench_row *rows = bench_rows(&n);
	struct target t[20];
	char m[512];
	json_t *root = json_object(), *jrows = json_array(), *jt = json_array();

	machine(m, sizeof(m));
	nt = targets(t);
	ikj_set(root, "machine", ikj_string(m));
	ikj_set(root, "iterations", json_integer(bench_o->iterations));
	for (unsigned i = 0; i < n; i++) {
		const struct bench_row *r = &rows[i];
		json_t *j = json_object();
		ikj_set(j, "workload", ikj_string(r->workload));
		ikj_set(j, "level", ikj_string(r->level));
		ikj_set(j, "notify", ikj_string(r->notify));
		ikj_set(j, "size", json_integer(r->size));
		ikj_set(j, "clients", json_integer(r->clients));
		ikj_set(j, "p50_ns", json_integer((json_int_t)r->p50_ns));
		ikj_set(j, "p99_ns", json_integer((json_int_t)r->p99_ns));
		ikj_set(j, "ops_s", ikj_real(r->ops_s, 1));
		ikj_set(j, "bytes_s", ikj_real(r->bytes_s, 1));
		ikj_set(j, "value", ikj_real(r->value, 3));
		ikj_set(j, "unit", ikj_string(r->unit));
		ikj_set(j, "note", ikj_string(r->note));
		json_array_append_new(jrows, j);
	}
	ikj_set(root, "rows", jrows);
	for (unsigned i = 0; i < nt; i++) {
		json_t *j = json_object();
		ikj_set(j, "target", ikj_string(t[i].what));
		ikj_set(j, "value", ikj_real(t[i].value, 3));
		ikj_set(j, "limit", ikj_real(t[i].limit, 3));
		ikj_set(j, "verdict", json_string(verdict(&t[i])));
		ikj_set(j, "detail", ikj_string(t[i].detail));
		json_array_append_new(jt, j);
	}
	ikj_set(root, "targets", jt);
	legacy_keys(root);
	char *text = ikj_dump(root);
	json_decref(root);
	if (text)
		fputs(text, out);
	free(text);
}

static void human(char *out, size_t len, double v, const char *unit)
{
	if (v >= 1e9)
		snprintf(out, len, "%.2f G%s", v / 1e9, unit);
	else if (v >= 1e6)
		snprintf(out, len, "%.2f M%s", v / 1e6, unit);
	else if (v >= 1e3)
		snprintf(out, len, "%.1f k%s", v / 1e3, unit);
	else
		snprintf(out, len, "%.1f %s", v, unit);
}

static void print_table(FILE *out)
{
	unsigned n, nt;
	const struct bench_row *rows = bench_rows(&n);
	struct target t[20];
	char m[512];

	machine(m, sizeof(m));
	fprintf(out, "machine: %s\n\n", m);
	fprintf(out, "| %-28s | %-7s | %-7s | %10s | %10s | %11s | %11s |\n", "workload", "level", "notify",
		"p50 (us)", "p99 (us)", "ops/s", "bytes/s");
	fprintf(out, "|------------------------------|---------|---------|-----------:|-----------:|------------:|------------:|\n");
	for (unsigned i = 0; i < n; i++) {
		const struct bench_row *r = &rows[i];
		char ops[32] = "", bytes[32] = "";
		if (r->ops_s > 0)
			human(ops, sizeof(ops), r->ops_s, "");
		if (r->bytes_s > 0)
			human(bytes, sizeof(bytes), r->bytes_s, "B");
		if (r->note[0] && !r->p50_ns && !r->value)
			fprintf(out, "| %-28s | %-7s | %-7s | %s\n", r->workload, r->level, r->notify, r->note);
		else if (r->unit[0])
			fprintf(out, "| %-28s | %-7s | %-7s | %10.3f %-10s | %10s | %11s | %s\n", r->workload,
				r->level, r->notify, r->value, r->unit, "", ops, r->note);
		else
			fprintf(out, "| %-28s | %-7s | %-7s | %10.3f | %10.3f | %11s | %11s | %s\n", r->workload,
				r->level, r->notify, r->p50_ns / 1e3, r->p99_ns / 1e3, ops, bytes, r->note);
	}
	nt = targets(t);
	fprintf(out, "\n| %-52s | %8s | %8s | %-12s | %s\n", "target", "value", "limit", "verdict", "");
	fprintf(out, "|------------------------------------------------------|---------:|---------:|--------------|\n");
	for (unsigned i = 0; i < nt; i++)
		fprintf(out, "| %-52s | %8.3f | %8.3f | %-12s | %s\n", t[i].what, t[i].value, t[i].limit,
			verdict(&t[i]), t[i].detail);
}

void bench_report(FILE *out, bool json)
{
	if (json)
		print_json(out);
	else
		print_table(out);
}
