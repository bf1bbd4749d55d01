#!/usr/bin/env python3
"""`make bench`: run `ikernel bench all --json`, then write docs/PERFORMANCE.md and the plots in
docs/perf/ (gnuplot). Usage: bench-report.py IKERNEL_BINARY [--json FILE] [--out DOC]
With --json, the figures come from an earlier run's JSON (and its samples directory).
Shows progress (a line as each row of the bench starts and ends, each plot), warns when the
load average exceeds the CPU count (then also in the document), and leaves no temporary files
(the latency samples live in a temporary directory unless --samples names one)."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

LEVELS = ["inproc", "process", "vm"]
SIZES = [64, 4096, 65536]
CLIENTS = [1, 2, 4, 16]


def say(msg):
    print(f"bench-report: {msg}", file=sys.stderr, flush=True)


def load_warning(when):
    """A warning when the 1-minute load average exceeds the CPU count, else None."""
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    if load <= cpus:
        return None
    msg = (f"load average {load:.2f} {when} exceeds the {cpus} CPUs: the figures are slower and "
           "noisier than this machine's")
    say("warning: " + msg)
    return msg


def run_bench(binary, samples):
    """`ikernel bench all`: its progress lines (stderr) pass through as they come."""
    say("running ikernel bench all (several minutes; a line as each row starts and ends)")
    t0 = time.monotonic()
    proc = subprocess.run([binary, "bench", "all", "--json", "--progress", "--samples", samples],
                          stdout=subprocess.PIPE, stderr=None, text=True, timeout=3600)
    if proc.returncode != 0:
        sys.exit(f"bench-report: ikernel bench exited {proc.returncode} (its messages are above)")
    say(f"ikernel bench all done in {time.monotonic() - t0:.0f} s")
    return json.loads(proc.stdout)


def row(res, workload, level, notify=None):
    for r in res["rows"]:
        if r["workload"] == workload and r["level"] == level and (notify is None or r["notify"] == notify):
            return r
    return None


def us(ns):
    return f"{ns / 1000:.3f}"


def human(v, unit=""):
    for div, p in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:.2f} {p}{unit}"
    return f"{v:.1f} {unit}".strip()


def gnuplot(script):
    png = next((ln.split("'")[1] for ln in script.splitlines() if ln.startswith("set output")), "?")
    say(f"plotting {os.path.basename(png)}")
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def sample_file(samples, workload, level, notify):
    name = f"{workload}-{level}-{notify or 'na'}.dat"
    for ch in " />":
        name = name.replace(ch, "_")
    path = os.path.join(samples, name)
    return path if os.path.exists(path) else None


def plot_latency(res, samples, outdir, notify):
    lines = []
    for lvl in LEVELS:
        f = sample_file(samples, "null ioctl", lvl, notify)
        if f:
            lines.append(f"'{f}' using 2:1 with lines lw 2 title '{lvl}'")
    raw = "host<->guest ping-pong" if notify == "spin" else "ioeventfd round trip"
    f = sample_file(samples, raw, "raw", "")
    if f:
        lines.append(f"'{f}' using 2:1 with lines dt 2 lw 2 title 'raw: {raw}'")
    if not lines:
        return None
    png = os.path.join(outdir, f"latency-null-{notify}.png")
    gnuplot(f"""set terminal pngcairo size 900,500 font ',10'
set output '{png}'
set title 'null ioctl latency distribution, {'spinning' if notify == 'spin' else 'sleeping'} (CDF)'
set xlabel 'latency (us, log scale)'
set ylabel 'fraction of calls'
set logscale x
set grid
set key bottom right
plot {', '.join(lines)}
""")
    return png


def plot_files(res, samples, outdir):
    """CDFs of the null ioctl through the device file: driver in a VM against in-process."""
    lines = []
    for nt, dt in (("spin", 1), ("default", 3), ("sleep", 2)):
        for lvl, lc in (("vm", 1), ("inproc", 2)):
            f = sample_file(samples, "file: null ioctl", lvl, nt)
            if f:
                lines.append(f"'{f}' using 2:1 with lines lw 2 lc {lc} dt {dt} title '{lvl}, {nt}'")
    if not lines:
        return None
    png = os.path.join(outdir, "latency-file-null.png")
    gnuplot(f"""set terminal pngcairo size 900,500 font ',10'
set output '{png}'
set title 'null ioctl through the device file (FUSE front end), driver in a VM vs in-process (CDF)'
set xlabel 'latency (us, log scale)'
set ylabel 'fraction of calls'
set logscale x
set grid
set key bottom right
plot {', '.join(lines)}
""")
    return png


def plot_lines(outdir, name, xs, series, title, xlabel, ylabel, key):
    """One line per (label, value(x)) of series over xs (log2 x axis): docs/perf/NAME.png."""
    with tempfile.NamedTemporaryFile("w", suffix=".dat", prefix="ikernel-bench-plot-") as d:
        for x in xs:
            d.write(f"{x} " + " ".join(f"{value(x):.2f}" for _, value in series) + "\n")
        d.flush()
        cols = [f"'{d.name}' using 1:{n + 2} with linespoints lw 2 title '{label}'"
                for n, (label, _) in enumerate(series)]
        png = os.path.join(outdir, name + ".png")
        gnuplot(f"""set terminal pngcairo size 900,500 font ',10'
set output '{png}'
set title '{title}'
set xlabel '{xlabel}'
set ylabel '{ylabel}'
set logscale x 2
set grid
set key {key}
plot {', '.join(cols)}
""")
    return png


def plot_sizes(res, outdir):
    label = {64: "64 B", 4096: "4 KiB", 65536: "64 KiB"}

    def mb_s(lvl, op):
        def value(size):
            r = row(res, f"{op} {label[size]}", lvl, "spin")
            return size / (r["p50_ns"] / 1e9) / 1e6 if r and r["p50_ns"] else 0
        return value
    series = [(f"{lvl} {op}", mb_s(lvl, op)) for lvl in LEVELS for op in ("read", "write")]
    return plot_lines(outdir, "throughput-size", SIZES, series,
                      "throughput against request size (spinning, from the median call)",
                      "request size (bytes, log scale)", "MB/s", "top left")


def plot_clients(res, outdir):
    def kcalls_s(lvl, nt):
        def value(c):
            r = row(res, f"null ioctl x{c} clients", lvl, nt)
            return r["ops_s"] / 1e3 if r else 0
        return value
    series = [(f"{lvl} {nt}", kcalls_s(lvl, nt)) for lvl in LEVELS for nt in ("spin", "sleep")]
    return plot_lines(outdir, "throughput-clients", CLIENTS, series,
                      "null ioctl throughput against concurrent clients (aggregate)",
                      "client threads", "thousand calls/s", "top right")


def table(res):
    out = ["| workload | level | notify | p50 (µs) | p99 (µs) | ops/s | bytes/s |",
           "|---|---|---|---:|---:|---:|---:|"]
    for r in res["rows"]:
        if r["unit"]:
            val = f"{r['value']:.3f} {r['unit']}"
            out.append(f"| {r['workload']} | {r['level']} | {r['notify']} | {val} | | "
                       f"{human(r['ops_s']) if r['ops_s'] > 0 else ''} | |")
        else:
            out.append(f"| {r['workload']} | {r['level']} | {r['notify']} | {us(r['p50_ns'])} | "
                       f"{us(r['p99_ns'])} | {human(r['ops_s'])} | "
                       f"{human(r['bytes_s'], 'B') if r['bytes_s'] > 0 else ''} |")
    return "\n".join(out)


def targets(res):
    out = ["| target | value | limit | verdict | detail |", "|---|---:|---:|---|---|"]
    for t in res["targets"]:
        verdict = {"met": "✅ met", "MISSED": "❌ missed", "not measured": "— not measured"}[t["verdict"]]
        value = "n/a" if t["value"] is None else f"{t['value']:.3f}"
        out.append(f"| {t['target']} | {value} | {t['limit']:.3f} | {verdict} | {t['detail']} |")
    return "\n".join(out)


def fig(res, workload, level, notify=None, field="p50_ns"):
    r = row(res, workload, level, notify)
    if not r:
        return "n/a"
    return us(r[field]) if field.endswith("_ns") else f"{r[field]:.3f}"


def write_doc(res, out, plots, cmd, warnings=()):
    f = lambda *a, **k: fig(res, *a, **k)  # noqa: E731
    with open(os.path.join(os.path.dirname(__file__), "bench-report.md.in")) as t:
        text = t.read()
    subst = {
        "MACHINE": res["machine"] + "".join(f" (**warning**: {w})" for w in warnings),
        "COMMAND": cmd,
        "ITERATIONS": str(res["iterations"]),
        "TABLE": table(res),
        "TARGETS": targets(res),
        "PLOTS": "\n\n".join(f"![{os.path.basename(p)}](perf/{os.path.basename(p)})" for p in plots if p),
        "PP": f("host<->guest ping-pong", "raw", ""),
        "SHM": f("shm ping-pong (2 threads)", "raw", ""),
        "SHMR": f("shm ring-shaped round trip", "raw", ""),
        "SHMRF": f("shm ring-shaped + fences", "raw", ""),
        "IOE": f("ioeventfd round trip", "raw", ""),
        "EFD": f("eventfd round trip", "raw", ""),
        "MMIO": f("MMIO exit + ping-pong", "raw", ""),
        "VM_SPIN": f("null ioctl", "vm", "spin"),
        "PROC_SPIN": f("null ioctl", "process", "spin"),
        "IN_SPIN": f("null ioctl", "inproc", "spin"),
        "VM_SLEEP": f("null ioctl", "vm", "sleep"),
        "PROC_SLEEP": f("null ioctl", "process", "sleep"),
        "IN_SLEEP": f("null ioctl", "inproc", "sleep"),
        "VM_COLD": f("cold start to ready", "vm", field="value"),
        "PROC_COLD": f("cold start to ready", "process", field="value"),
        "IN_COLD": f("cold start to ready", "inproc", field="value"),
        "VM_CRASH": f("crash -> serving again", "vm", field="value"),
        "VM_CRASH_EIO": f("crash: fault -> client EIO", "vm", field="value"),
        "VM_CRASH_DOWN": f("crash: name free again", "vm", field="value"),
        "VM_CRASH_UP": f("crash: restart to ready", "vm", field="value"),
        "VM_CRASH_OPEN": f("crash: first open", "vm", field="value"),
        "PROC_CRASH": f("crash -> serving again", "process", field="value"),
        "PROC_CRASH_EIO": f("crash: fault -> client EIO", "process", field="value"),
        "VM_CRASH_SUPER": f("crash -> client served (supervisor)", "vm", field="value"),
        "F_VM_SPIN": f("file: null ioctl", "vm", "spin"),
        "F_IN_SPIN": f("file: null ioctl", "inproc", "spin"),
        "F_VM_DEF": f("file: null ioctl", "vm", "default"),
        "F_IN_DEF": f("file: null ioctl", "inproc", "default"),
        "F_VM_SLEEP": f("file: null ioctl", "vm", "sleep"),
        "F_PROC_SLEEP": f("file: null ioctl", "process", "sleep"),
        "F_IN_SLEEP": f("file: null ioctl", "inproc", "sleep"),
        "F_VM_64K": f("file: read 64 KiB", "vm", "spin"),
        "F_IN_64K": f("file: read 64 KiB", "inproc", "spin"),
        "VM_MEM": f("memory per idle driver", "vm", field="value"),
        "PROC_MEM": f("memory per idle driver", "process", field="value"),
    }
    for k, v in subst.items():
        text = text.replace("@" + k + "@", v)
    with open(out, "w") as o:
        o.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--json")
    ap.add_argument("--samples")
    ap.add_argument("--out", default="docs/PERFORMANCE.md")
    a = ap.parse_args()
    outdir = os.path.join(os.path.dirname(a.out) or ".", "perf")
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ikernel-bench-samples-") as tmp:
        samples = a.samples or tmp  # removed on the way out, whatever happens
        warnings = []
        if a.json:
            with open(a.json) as j:
                res = json.load(j)
        else:
            warnings = [w for w in (load_warning("at the start"),) if w]
            res = run_bench(a.binary, samples)
            warnings += [w for w in (load_warning("at the end"),) if w]
            with open(os.path.join(outdir, "bench.json"), "w") as j:
                json.dump(res, j, indent=1)
        for r in res["rows"]:  # a figure that was not a number is null in the JSON
            for k in ("ops_s", "bytes_s", "value"):
                r[k] = 0 if r[k] is None else r[k]
        plots = [plot_latency(res, samples, outdir, "spin"), plot_latency(res, samples, outdir, "sleep"),
                 plot_files(res, samples, outdir), plot_sizes(res, outdir), plot_clients(res, outdir)]
    write_doc(res, a.out, plots, "make bench  (= ikernel bench all --json --samples DIR, then tools/bench-report.py)",
              warnings)
    print(f"bench-report: wrote {a.out} and {len([p for p in plots if p])} plots in {outdir}")


if __name__ == "__main__":
    main()
