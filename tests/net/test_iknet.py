#!/usr/bin/env python3
"""The network test library's own test (tests/lib/iknet.py): two namespaces of this test joined
by the TAP-to-TAP copier, no driver: ping -c 100 with 0 % loss and 16 MiB over TCP each way with
matching SHA-256, a transfer's `during` called at the receiver's mark (`during_at`); then the
namespaces are gone. Exit 77 without root or `ip netns`."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iknet import NetPair, parse_ping, skip_unless_netns  # noqa: E402
from iktest import check, summary  # noqa: E402

NBYTES = 16 << 20


def netns_list():
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout


def main():
    # The parser, on iputils' two summary shapes (no namespace needed).
    p = parse_ping("100 packets transmitted, 100 received, 0% packet loss, time 1010ms\n"
                   "rtt min/avg/max/mdev = 0.031/0.052/0.101/0.012 ms\n")
    check("parse_ping: counts and RTT", p["sent"] == 100 and p["received"] == 100 and
          p["loss"] == 0 and p["rtt_avg_ms"] == 0.052, str(p))
    p = parse_ping("5 packets transmitted, 0 received, +5 errors, 100% packet loss, time 40ms\n")
    check("parse_ping: total loss", p["received"] == 0 and p["loss"] == 100 and
          p["rtt_avg_ms"] is None, str(p))

    skip_unless_netns()
    with NetPair("s") as net:
        names = (net.a, net.b)
        check("both namespaces exist", all(n in netns_list() for n in names), netns_list())
        copier = net.copier()
        check("the root namespace does not see the pair's address",
              NetPair.ip_b not in subprocess.run(["ip", "-o", "addr"], capture_output=True,
                                                 text=True).stdout)
        ping = net.ping(net.a, net.ip_b, count=100)
        check("ping -c 100 a -> b: 0 % loss", ping["sent"] == 100 and ping["loss"] == 0,
              ping["output"])
        print(f"     rtt avg {ping['rtt_avg_ms']} ms, max {ping['rtt_max_ms']} ms")
        stop = net.watch(net.b, "ikntb")
        t = net.transfer(net.a, net.b, net.ip_b, 1 << 20)
        w = stop()
        check("watch counts the frames of a 1 MiB transfer", t["ok"] and w["frames"] > 700, str(w))
        print(f"     longest time without a frame: {w['gap_ms']} ms")
        # during_at: during() is called once the receiver has that many bytes, not before.
        calls = []
        t = net.transfer(net.a, net.b, net.ip_b, 4 << 20, during=lambda: calls.append(
            time.monotonic()), during_at=1 << 20)
        check("during_at: called once, after the receiver's mark, which precedes its last byte",
              t["ok"] and len(calls) == 1 and t["mark_t"] is not None and
              t["mark_t"] <= calls[0] and t["mark_t"] <= t["end_t"], f"{t} calls {calls}")
        t = net.transfer(net.a, net.b, net.ip_b, 1 << 20, during=lambda: calls.append(0),
                         during_at=2 << 20)
        check("during_at past the end: never called, the transfer still whole",
              t["ok"] and len(calls) == 1 and t["mark_t"] is None, f"{t} calls {calls}")
        # ...and a transfer that never gets there (the copier stopped: no frame moves, and
        # nothing else changes) ends within its timeout, without calling it.
        os.kill(copier.pid, signal.SIGSTOP)
        t0 = time.monotonic()
        t = net.transfer(net.a, net.b, net.ip_b, 1 << 20, during=lambda: calls.append(0),
                         during_at=1, timeout=2)
        took = time.monotonic() - t0
        os.kill(copier.pid, signal.SIGCONT)
        check("during_at never reached: the transfer fails within its timeout, not called",
              not t["ok"] and "did not have" in (t.get("error") or "") and len(calls) == 1 and
              took < 10, f"{t} calls {calls}, {took:.1f} s")
        for src, dst, ip in ((net.a, net.b, net.ip_b), (net.b, net.a, net.ip_a)):
            t = net.transfer(src, dst, ip, NBYTES)
            check(f"16 MiB {src} -> {dst}: same SHA-256 both ends", t["ok"], str(t))
            if t["ok"]:
                print(f"     {t['mb_s']:.1f} MB/s, sha256 {t['sent_sha'][:16]}...")
    check("both namespaces removed", not any(n in netns_list() for n in names), netns_list())
    return summary("iknet")


if __name__ == "__main__":
    sys.exit(main())
