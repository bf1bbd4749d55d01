#!/usr/bin/env python3
"""The network figures of docs/PERFORMANCE.md as plots (issues 12 and 13, item 9 / item 6).

Usage: net-plot.py JSON [--outdir DIR]
    JSON   the output of `ikernel bench net --json` (e.g. `build/ikernel bench net --repeat 9
           --json > docs/perf/bench-net.json`; the bench needs root)
    DIR    where the PNGs go (default docs/perf)

Writes, with gnuplot:
    net-tcp.png    TCP A->B per card and level: the median of the transfers, its min-max as an
                   error bar (from the row's note), the raw TAP-to-TAP limit as a line
    net-exits.png  exits per MTU frame and interrupts per 1000 MTU frames at vm and process
A row that was not measured (skipped, n/a) is left out and said on stderr.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

CARDS = (("net", "NE2000"), ("net e1000", "e1000"))
LEVELS = ("vm", "process", "inproc")


def say(msg):
    print(f"net-plot: {msg}", file=sys.stderr, flush=True)


def find(rows, workload, level):
    return next((r for r in rows if r["workload"] == workload and r["level"] == level), None)


def tcp_range(row):
    """(median, low, high) MB/s of a TCP row, or None when it has no figure."""
    if not row or row.get("unit") != "MB/s" or row.get("value", 0) <= 0:
        return None
    m = re.search(r"min-max ([\d.]+)-([\d.]+) MB/s", row.get("note", ""))
    v = row["value"]
    return (v, float(m.group(1)), float(m.group(2))) if m else (v, v, v)


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def plot_tcp(rows, outdir):
    raw = tcp_range(find(rows, "net: TCP A->B", "raw"))
    lines = []
    for prefix, card in CARDS:
        for lvl in LEVELS:
            r = tcp_range(find(rows, f"{prefix}: TCP A->B", lvl))
            if r:
                lines.append(f'"{card} {lvl}" {r[0]:.3f} {r[1]:.3f} {r[2]:.3f}')
            else:
                say(f"{card} {lvl}: no TCP figure, left out")
    if not lines:
        sys.exit("net-plot: no TCP row with a figure")
    png = os.path.join(outdir, "net-tcp.png")
    with tempfile.NamedTemporaryFile("w", suffix=".dat", prefix="ikernel-net-plot-") as d:
        d.write("\n".join(lines) + "\n")
        d.flush()
        rawline = (f"{raw[0]:.3f} with lines lw 2 dt 2 title 'raw TAP-to-TAP limit "
                   f"({raw[0]:.0f} MB/s)', ") if raw else ""
        gnuplot(f"""set terminal pngcairo size 900,500 font ',10'
set output '{png}'
set title 'TCP A->B through the isolated NIC driver (median, min-max; log scale)'
set ylabel 'MB/s'
set logscale y
set grid ytics
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -30
set key top right
plot {rawline}'{d.name}' using 0:2:xtic(1) with boxes title 'median', \\
     '' using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0 title 'min-max'
""")
    return png


def per_frame(rows, prefix, what, lvl):
    r = find(rows, f"{prefix}: {what}", lvl)
    return r["value"] if r and r.get("value", 0) > 0 else None


def plot_exits(rows, outdir):
    lines = []
    for prefix, card in CARDS:
        for lvl in ("vm", "process"):
            e = per_frame(rows, prefix, "exits per MTU frame", lvl)
            i = per_frame(rows, prefix, "interrupts per 1000 MTU frames", lvl)
            if e is None:
                say(f"{card} {lvl}: no exit figure, left out")
                continue
            lines.append(f'"{card} {lvl}" {e:.3f} {(i or 0) / 1000:.3f}')
    if not lines:
        say("no exit rows: net-exits.png not written")
        return None
    png = os.path.join(outdir, "net-exits.png")
    with tempfile.NamedTemporaryFile("w", suffix=".dat", prefix="ikernel-net-plot-") as d:
        d.write("\n".join(lines) + "\n")
        d.flush()
        gnuplot(f"""set terminal pngcairo size 900,500 font ',10'
set output '{png}'
set title 'Per MTU-size frame (200 echoes of 1,514 B each way): exits (vm) or requests (process), and interrupts'
set ylabel 'per frame'
set grid ytics
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.6
set key top right
plot '{d.name}' using 2:xtic(1) title 'exits / requests', '' using 3 title 'interrupts'
""")
    return png


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json")
    ap.add_argument("--outdir", default="docs/perf")
    a = ap.parse_args()
    try:
        with open(a.json) as f:
            res = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"net-plot: {a.json}: {e}")
    rows = res.get("rows", [])
    os.makedirs(a.outdir, exist_ok=True)
    for png in (plot_tcp(rows, a.outdir), plot_exits(rows, a.outdir)):
        if png:
            say(f"wrote {png}")


if __name__ == "__main__":
    main()
