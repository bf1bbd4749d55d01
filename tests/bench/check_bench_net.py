#!/usr/bin/env python3
"""`ikernel bench net --json` (suite 'net'): the raw row (two namespaces of the bench's own
joined by its TAP-to-TAP copier) has real figures: ping p50 <= p99, TCP MB/s > 0, frames/s > 0;
each NE2000 and e1000 row (vm, process, inproc) has figures or says why not ("skipped: ..."); no namespace
of the bench is left behind. No timing assertions. Exit 77 without root or `ip netns`."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iktest import bench_json, check, summary  # noqa: E402

PING, TCP, FRAMES, EXITS = ("net: ping round trip", "net: TCP 16 MiB A->B",
                            "net: frames/s (60 B UDP)", "net: exits per MTU frame")


def netns():
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout


before = set(l.split()[0] for l in netns().splitlines() if l.startswith("ikbn"))
result = bench_json(sys.argv[1], ["net", "--iterations", "200"], timeout=600)
rows = {(r["workload"], r["level"]): r for r in result["rows"]}


def row(w, lvl):
    r = rows.get((w, lvl))
    check(f"row {w!r} at {lvl}", r is not None, "missing")
    return r or {}


r = row(PING, "raw")
check("raw ping: 0 < p50 <= p99", 0 < r.get("p50_ns", 0) <= r.get("p99_ns", 0), str(r))
r = row(TCP, "raw")
check("raw TCP: MB/s > 0", r.get("value", 0) > 0 and r.get("unit") == "MB/s", str(r))
r = row(FRAMES, "raw")
check("raw frames/s > 0", r.get("value", 0) > 0 and r.get("unit") == "frames/s", str(r))
CARDS = ("net", "net e1000")  # the rows' workload prefix of each card
for card in CARDS:
    for lvl in ("vm", "process", "inproc"):
        for w in (PING, TCP, FRAMES, EXITS):
            w = card + w[len("net"):]
            r = row(w, lvl)
            has = r.get("p50_ns", 0) > 0 or r.get("value", 0) > 0
            says = r.get("note", "").startswith(("skipped: ", "n/a"))
            check(f"{w} at {lvl}: a figure or why not", has or says, str(r))
            if says and w.endswith("ping round trip"):
                print(f"     {card} {lvl}: {r['note']}")


def running(name):
    """Is the bench that named namespace ikbn<PID>{a,b} still running? (Another bench on this
    machine, started meanwhile: its namespaces are its own, not ours left behind.)"""
    pid = name[len("ikbn"):-1]
    return pid.isdigit() and os.path.exists(f"/proc/{pid}")


after = set(l.split()[0] for l in netns().splitlines() if l.startswith("ikbn"))
left = set(n for n in after - before if not running(n))
check("no namespace of the bench left", not left, str(left))
sys.exit(summary("bench net"))
