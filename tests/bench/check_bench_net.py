#!/usr/bin/env python3
"""`ikernel bench net --json` (suite 'net'): the raw row (two namespaces of the bench's own
joined by its TAP-to-TAP copier) has real figures: ping p50 <= p99, TCP MB/s > 0 (the median of
--repeat transfers taken round-robin over the topologies, the note says how many and their
range; the TCP rows last), frames/s > 0; each NE2000 and e1000
row (vm, process, inproc) has figures or says why not ("skipped: ..."), and the interrupts per
1000 MTU frames at vm and process are counted (> 0); a subset (--card
e1000 --level inproc) measures only its rows; bad --card/--level/--repeat values are usage
errors; no namespace of the bench is left behind. No timing assertions. Exit 77 without root or
`ip netns`."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iktest import bench_json, check, summary  # noqa: E402

PING, TCP, FRAMES, EXITS, IRQS = ("net: ping round trip", "net: TCP A->B",
                                  "net: frames/s (60 B UDP)", "net: exits per MTU frame",
                                  "net: interrupts per 1000 MTU frames")


def netns():
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout


before = set(l.split()[0] for l in netns().splitlines() if l.startswith("ikbn"))
for bad in (["--card", "ne2000,rtl8139"], ["--level", "vm,kvm"], ["--level", ""],
            ["--repeat", "0"], ["--repeat", "101"]):
    p = subprocess.run([sys.argv[1], "bench", "net", *bad], capture_output=True, text=True)
    check(f"bench net {' '.join(bad)}: usage error (2)", p.returncode == 2,
          f"exit {p.returncode}: {p.stderr.strip()}")
p = subprocess.run([sys.argv[1], "bench", "null", "--card", "e1000"], capture_output=True, text=True)
check("--card outside mode net: usage error", p.returncode == 2, p.stderr.strip())

result = bench_json(sys.argv[1], ["net", "--iterations", "200", "--repeat", "3"], timeout=600)
rows = {(r["workload"], r["level"]): r for r in result["rows"]}


def row(w, lvl):
    r = rows.get((w, lvl))
    check(f"row {w!r} at {lvl}", r is not None, "missing")
    return r or {}


r = row(PING, "raw")
check("raw ping: 0 < p50 <= p99", 0 < r.get("p50_ns", 0) <= r.get("p99_ns", 0), str(r))
r = row(TCP, "raw")
check("raw TCP: MB/s > 0", r.get("value", 0) > 0 and r.get("unit") == "MB/s", str(r))
m = re.match(r"median of (\d+) x [\d.]+ s; min-max ([\d.]+)-([\d.]+) MB/s", r.get("note", ""))
check("raw TCP: the median of 3 transfers, within their min-max",
      m and m.group(1) == "3" and float(m.group(2)) <= r.get("value", -1) <= float(m.group(3)),
      r.get("note", ""))
r = row(FRAMES, "raw")
check("raw frames/s > 0", r.get("value", 0) > 0 and r.get("unit") == "frames/s", str(r))
order = [r["workload"].endswith("TCP A->B") for r in result["rows"]]
check("the TCP rows come last (taken round-robin after the others)",
      True in order and all(order[order.index(True):]), str(order))
CARDS = ("net", "net e1000")  # the rows' workload prefix of each card
for card in CARDS:
    for lvl in ("vm", "process", "inproc"):
        for w in (PING, TCP, FRAMES, EXITS, IRQS):
            w = card + w[len("net"):]
            r = row(w, lvl)
            has = r.get("p50_ns", 0) > 0 or r.get("value", 0) > 0
            says = r.get("note", "").startswith(("skipped: ", "n/a"))
            check(f"{w} at {lvl}: a figure or why not", has or says, str(r))
            if w.endswith(IRQS[len("net"):]) and lvl != "inproc" and not says:
                # each echo's frame arrives by the card's interrupt: counted by the monitor
                check(f"{w} at {lvl}: interrupts were counted", r.get("value", 0) > 0 and
                      r.get("unit") == "interrupts", str(r))
            if says and w.endswith("ping round trip"):
                print(f"     {card} {lvl}: {r['note']}")

# A subset: the e1000 inproc rows only (no raw: no target of this subset needs it), one transfer.
sub = bench_json(sys.argv[1], ["net", "--iterations", "50", "--card", "e1000", "--level", "inproc",
                               "--quick"], timeout=300)
got = sorted({(r["workload"].split(":")[0], r["level"]) for r in sub["rows"]})
check("--card e1000 --level inproc: only the e1000's inproc rows", got == [("net e1000", "inproc")],
      str(got))
r = next((r for r in sub["rows"] if r["workload"] == "net e1000" + TCP[len("net"):]), {})
check("--quick: one transfer", r.get("note", "").startswith(("one transfer", "skipped: ")), str(r))
ratio = [t for t in sub["targets"] if t["target"].startswith("e1000 TCP (vm)")]
check("targets of rows not measured say so", ratio and all(t["verdict"] == "not measured"
                                                           for t in ratio), str(ratio))


def running(name):
    """Is the bench that named namespace ikbn<PID>-<K>{a,b} still running? (Another bench on
    this machine, started meanwhile: its namespaces are its own, not ours left behind.)"""
    m = re.match(r"ikbn(\d+)-\d+[ab]$", name)
    return bool(m) and os.path.exists(f"/proc/{m.group(1)}")


after = set(l.split()[0] for l in netns().splitlines() if l.startswith("ikbn"))
left = set(n for n in after - before if not running(n))
check("no namespace of the bench left", not left, str(left))
sys.exit(summary("bench net"))
