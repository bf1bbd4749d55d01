#!/usr/bin/env python3
"""Compare two builds of ikernel with `ikernel bench`, A/B in one session.

    tools/bench-ab.py OLD_IKERNEL NEW_IKERNEL [--pairs N] [--mode null|file|all]

Runs `bench MODE --json` with the old and the new binary alternately, N pairs (default 4), and
prints, for every row, the median of the per-pair ratios new/old of its p50 (or of its value,
for the rows that have one: start-up times, memory per driver), with the range. Timings on a
shared machine swing with load: only ratios measured in one session, paired, are comparable
(docs/PERFORMANCE.md). Exit status 0, or 1 when a run failed.
"""
import argparse
import json
import math
import statistics
import subprocess
import sys


def run(binary, mode):
    out = subprocess.run([binary, "bench", mode, "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench-ab: {binary} bench {mode} failed: {out.stderr.strip()[-300:]}")
    rows = {}
    for r in json.loads(out.stdout)["rows"]:
        key = (r["workload"], r["level"], r["notify"])
        v = r.get("p50_ns") or r.get("value")
        if v:
            rows[key] = float(v)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--pairs", type=int, default=4)
    ap.add_argument("--mode", default="null", choices=["null", "file", "all"])
    a = ap.parse_args()
    ratios = {}
    for i in range(a.pairs):
        old, new = run(a.old, a.mode), run(a.new, a.mode)
        for k, v in old.items():
            if k in new and v > 0:
                ratios.setdefault(k, []).append(new[k] / v)
        print(f"bench-ab: pair {i + 1}/{a.pairs} done", file=sys.stderr)
    medians = []
    print(f"{'workload':42} {'level':8} {'notify':8} {'new/old':>8}  range")
    for (w, lvl, notify), v in sorted(ratios.items()):
        m = statistics.median(v)
        medians.append(m)
        print(f"{w[:42]:42} {lvl:8} {notify:8} {m:8.3f}  {min(v):.2f}-{max(v):.2f}")
    if medians:
        geo = math.exp(sum(math.log(x) for x in medians) / len(medians))
        print(f"geometric mean of the {len(medians)} row medians: {geo:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
