#!/usr/bin/env python3
"""Exits per MTU frame and TCP MB/s of two builds of one network driver image, A/B in one session.

    tools/net-exits-ab.py IKERNEL OLD_IMAGE NEW_IMAGE [--level vm|process] [--rounds N] [--nic e1000]

Root (two network namespaces of its own, tests/lib/iknet.py; exit 77 without them). For each of
N rounds (default 2) and each image in turn: the card's manifest (tests/linux/test_net_host.py)
under `ikernel up` with the one monitor IKERNEL, then `ikernel bench net`'s exits-per-MTU-frame
method (200 echoes of 1,472 bytes, a 1,514-byte frame through the driver each way; the driver's
`exits` in `ikernel status --json` less its idle rate of the second before, over two frames per
echo) and one 8 MiB TCP transfer A->B. At isolation=process the "exits" are the driver's
requests to the monitor-lite. Prints one line per measurement and the medians per image. Only
figures of one session, alternated, are comparable on a shared machine (docs/PERFORMANCE.md).
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "linux"))
import test_net_host as T  # noqa: E402
from iknet import NetPair, missing_netns, wait  # noqa: E402

ECHOES, ECHO_BYTES = 200, 1472


def measure(ik, image, level, nic):
    with NetPair("x") as net:
        sup = T.Supervisor(ik, net)
        try:
            path = os.path.join(sup.rt, nic + ".ini")
            with open(path, "w") as f:
                f.write(T.manifest(nic, level, image, net.a))
            net.tap(net.b, T.WIRE)
            net.addr(net.b, T.WIRE, net.ip_b)
            up = sup.run("up", "--detach", path, ns=net.b, timeout=120)
            if up.returncode != 0:
                sys.exit(f"net-exits-ab: ikernel up failed: {up.stderr.strip()[-300:]}")
            wait(lambda: T.link(net, net.a, T.HOST_IF), 60)
            net.addr(net.a, T.HOST_IF, net.ip_a)
            wait(lambda: net.ping(net.a, net.ip_b, count=1)["received"] == 1, 30)
            e0 = sup.status()["exits"]
            time.sleep(1.0)
            t0, e1 = time.monotonic(), sup.status()["exits"]
            idle = e1 - e0
            net.run(net.a, "ping", "-n", "-q", "-c", str(ECHOES), "-i", "0.005", "-s",
                    str(ECHO_BYTES), net.ip_b, timeout=120)
            e2, dt = sup.status()["exits"], time.monotonic() - t0
            per_frame = ((e2 - e1) - idle * dt) / (2 * ECHOES)
            t = net.transfer(net.a, net.b, net.ip_b, 8 << 20)
            return per_frame, t["mb_s"] if t["ok"] else 0.0, e2 - e1, idle
        finally:
            sup.down()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ikernel")
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--level", default="vm", choices=["vm", "process"])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--nic", default="e1000", choices=sorted(T.NICS))
    a = ap.parse_args()
    why = missing_netns()
    if why:
        print(f"net-exits-ab: skipped: {why}")
        sys.exit(77)
    res = {"old": [], "new": []}
    for r in range(a.rounds):
        for which, image in (("old", a.old), ("new", a.new)):
            pf, mbs, ex, idle = measure(a.ikernel, os.path.abspath(image), a.level, a.nic)
            res[which].append((pf, mbs))
            print(f"round {r + 1} {which} {a.level}: {pf:.2f} exits per MTU frame ({ex} exits, "
                  f"{idle}/s idle), TCP 8 MiB {mbs:.1f} MB/s", flush=True)
    for which in ("old", "new"):
        pf = statistics.median(x[0] for x in res[which])
        mbs = statistics.median(x[1] for x in res[which])
        print(f"{which} {a.level}: median {pf:.2f} exits per MTU frame, TCP {mbs:.1f} MB/s")


if __name__ == "__main__":
    main()
