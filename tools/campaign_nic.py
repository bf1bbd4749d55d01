"""The NIC part of the fault-injection campaign (tools/campaign.py, docs/RELIABILITY.md).

The unmodified Linux NE2000 driver (ne.c + 8390p.c, build/drivers/linux/ne2000.img) gives
namespace A its host interface; the card's wire is a TAP in namespace B, where the supervisor
runs. Both namespaces are the campaign's own (tests/lib/iknet.py: named with its pid, no
traffic leaves them, removed at the end, also on failure or a signal):

    namespace A: ikch0, the driver's host interface (`netdev`, `netns = A`), 10.77.0.1/24
        |  TAP -> relay (monitor) -> ndo_start_xmit -> NE2000 model -> wire
    namespace B: ikcw0, the card's wire (`wire=tap:`), 10.77.0.2/24

The checker: per fault two TCP transfers, A -> B then B -> A, each NBYTES of random data with
SHA-256 on both ends; the fault is injected into the first once B has read INJECT_AT_BYTES of
it, so that it comes while the bytes flow (the relay's reads
and writes of the driver's node are driver calls, so a guest fault fires at once). Per fault
it gives: the transfers that failed (not complete within TRANSFER_TIMEOUT_S: client errors),
the transfers that completed with a different SHA-256 (wrong bytes delivered: must be 0, TCP's
checksums catch corruption on the wire), the outage (the longest time without a frame on the
host interface during the first transfer) and the time from the injection to the end of the
first transfer that then completed with the right bytes.

No background ping: with a ping every 10 ms from A next to a TCP transfer, the transfer stalled
(0 bytes in 15 s) while the ping went on, even without a fault (reported; see RELIABILITY.md).
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "lib"))
from iknet import NetPair, missing_netns  # noqa: E402

HOST_IF, WIRE = "ikch0", "ikcw0"
NBYTES = 128 << 10  # ~1 s at the ~0.15 MB/s of a loaded 2-core machine
TRANSFER_TIMEOUT_S = 15   # a crash costs TCP a few retransmissions (~1-3 s); a driver broken
                          # silently (a code fault that stops transmits) never completes one
INJECT_AT_BYTES = NBYTES // 4  # the fault is injected once B has read this much of the first
PORT = 5231


def manifest(image, netns):
    """ne2000's campaign manifest: the fast restarts and short hang deadline of the others
    (campaign.MANIFEST), the host interface in namespace A and the wire TAP (in B, where the
    supervisor runs). No request_timeout: the relay's read of the driver's node waits for
    frames as long as none come, which a request timeout would take for a lost answer; no
    transparent recovery either: the relay is no FUSE client, TCP recovers the transfer."""
    return f"""[driver]
name = ne2000
image = {image}
memory = 4M
param = io=0x300
param = irq=9
hang_ms = 100
restart = always
restart_delay = 1ms
restart_delay_max = 5ms
restart_limit = 0
netdev = {HOST_IF}
netns = {netns}

[device card]
model = ne2000
port = 0x300
irq = 9
options = wire=tap:{WIRE}
"""


class Topology:
    """The two namespaces, the wire TAP in B and the host interface's address in A. Created before the supervisor starts (its manifest names A); the
    supervisor is started inside B (prefix())."""

    def __init__(self):
        why = missing_netns()
        if why:
            raise RuntimeError(f"ne2000 needs network namespaces: {why}")
        self.net = NetPair("c")
        try:
            self.net.tap(self.net.b, WIRE)
            self.net.addr(self.net.b, WIRE, self.net.ip_b)
        except Exception:
            self.net.cleanup()
            raise

    def prefix(self):
        """The command prefix that runs the supervisor in B (the network namespace only)."""
        return ["nsenter", f"--net=/run/netns/{self.net.b}"]

    def start(self, wait_s=60):
        """Once the driver is up: the host interface's address and a first ping reply."""
        net = self.net
        end = time.monotonic() + wait_s
        while net.run(net.a, "ip", "link", "show", HOST_IF).returncode != 0:
            if time.monotonic() > end:
                raise RuntimeError(f"the host interface {HOST_IF} did not appear in {net.a}")
            time.sleep(0.1)
        net.addr(net.a, HOST_IF, net.ip_a)
        while net.ping(net.a, net.ip_b, count=1)["received"] != 1:
            if time.monotonic() > end:
                raise RuntimeError(f"no ping reply from {net.ip_b} through {HOST_IF}")

    def cleanup(self):
        self.net.cleanup()


class NicClients:
    """The checker of the NIC, with the interface of campaign.Clients (errors, eio, bad_bytes,
    step, resync, check_log, close); step() also takes the fault to inject during it."""

    fault_during_step = True

    def __init__(self, topo):
        self.net = topo.net
        self.errors = self.eio = self.bad_bytes = self.ops = 0
        self.last = {}

    def transfer(self, src, dst, ip, during=None):
        self.ops += 1
        t = self.net.transfer(src, dst, ip, NBYTES, port=PORT, timeout=TRANSFER_TIMEOUT_S,
                              during=during, during_at=INJECT_AT_BYTES if during else 0)
        t["end"] = time.monotonic()
        if not t["ok"]:
            whole = t.get("sent_bytes") == NBYTES == t.get("recv_bytes")
            if whole and t.get("sent_sha") != t.get("recv_sha"):
                self.bad_bytes += 1  # all the bytes arrived, not the ones sent
            else:
                self.errors += 1
        return t

    def step(self, rounds=1, during=None):
        """rounds x (A -> B, B -> A); the fault (during) is injected into the first once B has
        read INJECT_AT_BYTES of it (a fixed delay could come after the end on a quiet machine),
        and the outage is measured over it. self.last: the outage and recovery time."""
        net, at = self.net, {}

        def inject():
            at["t"] = time.monotonic()
            during()

        stop = net.watch(net.a, HOST_IF)
        results = [self.transfer(net.a, net.b, net.ip_b, inject if during else None)]
        w = stop()
        results.append(self.transfer(net.b, net.a, net.ip_a))
        for _ in range(rounds - 1):
            results.append(self.transfer(net.a, net.b, net.ip_b))
            results.append(self.transfer(net.b, net.a, net.ip_a))
        t0 = at.get("t")
        ok_after = [t["end"] - t0 for t in results if t["ok"]] if t0 else []
        self.last = {"outage_ms": w["gap_ms"], "recovery_s": ok_after[0] if ok_after else None}

    def resync(self):
        pass  # no state: the interface's addresses and routes are held by the supervisor's TAP

    def check_log(self, lines):
        return 0

    def close(self):
        pass


def recovery_figures(samples):
    """Median and maximum of the outages and recovery times of the detected faults."""
    out = [s["outage_ms"] for s in samples]
    rec = [s["recovery_s"] for s in samples if s["recovery_s"] is not None]
    f = {"detected_samples": len(samples)}
    if out:
        f.update(outage_ms_median=statistics.median(out), outage_ms_max=max(out))
    if rec:
        f.update(recovery_s_median=statistics.median(rec), recovery_s_max=max(rec))
    return f


def recovery_line(r):
    """The recovery figures in one line (the campaign's summary)."""
    if not r.get("detected_samples"):
        return "no detected fault: no recovery measured"
    line = "outage (longest time without a frame on %s) median %.0f ms, max %.0f ms" % (
        HOST_IF, r["outage_ms_median"], r["outage_ms_max"])
    if "recovery_s_median" in r:
        line += "; injection to the next good transfer's end median %.2f s, max %.2f s" % (
            r["recovery_s_median"], r["recovery_s_max"])
    return line + " (%d detected faults)" % r["detected_samples"]


METHOD = """The driver gives namespace A its host interface `%s` (manifest `netdev`, `netns`; the
supervisor holds the TAP across restarts); the card's wire is a TAP in namespace B. Both
namespaces are the campaign's own (`tests/lib/iknet.py`), removed at the end, also on failure;
no traffic reaches the root namespace. Manifest as the others' (`hang_ms = 100`,
`restart = always`, `restart_delay = 1ms`) without `request_timeout` (the relay's read waits
for frames as long as none come) and without transparent recovery (the relay is no FUSE client:
TCP recovers the transfer). Per fault, round robin over the same classes as the others (code
targets: the functions of the driver's object files): a TCP transfer of %d KiB of random data
A -> B with SHA-256 on both ends, the fault injected once B has read %d KiB of it (`ikernel inject`: the
relay's reads and writes of the driver's node are driver calls, so a guest fault fires at
once; `irq-drop` fires at the card's next interrupt), then one B -> A. *Detected*: the VM ended
with a reason; *recovered*: detected and both transfers complete with the right bytes; a
transfer not complete in %d s failed (a driver broken without crashing: reverted and restarted
as for the others); a complete transfer whose SHA-256 differs is **wrong bytes delivered**,
which must never happen (TCP's checksums catch corruption on the wire; the run fails
otherwise). *Outage*: the longest time without a frame on the host interface during the first
transfer (sampled every ms); *recovery*: from the injection to the end of the next transfer
with the right bytes. A driver that stops answering without spending CPU time (`lock`,
`hang-request`, or one starved by `alloc-fail`/`leak`/`irq-drop`) is not detected here: with no
request timeout the relay cannot tell it from an idle wire; its transfers fail (counted) until
the campaign restarts it.""" % (HOST_IF, NBYTES >> 10, INJECT_AT_BYTES >> 10, TRANSFER_TIMEOUT_S)

NIC_MARK = "<!-- nic: generated by tools/campaign.py with ne2000 in --drivers; do not edit by hand -->"
NIC_END = "<!-- /nic -->"
SOAK_MARK = "<!-- soak: generated by"


def kept_section(path):
    """The NIC's section of the report, kept when the other drivers' part is rewritten."""
    try:
        text = open(path).read()
    except OSError:
        return ""
    if NIC_MARK not in text or NIC_END not in text:
        return ""
    return "\n" + text[text.index(NIC_MARK):text.index(NIC_END) + len(NIC_END)] + "\n"


def section(name, f, args):
    """The NIC's section: its figures (campaign.report's per-driver dict) and how to get them."""
    r = f.get("recovery", {})
    L = [NIC_MARK, "", "## The NIC driver (%s)" % name, "",
         "`python3 tools/campaign.py %s` (%s, %d functions, %d instructions of `ne.c` + "
         "`8390p.c`/`lib8390.c` as code targets)." % (args, f["origin"], f["code_targets"][0],
                                                        f["code_targets"][1]), "", METHOD, "",
         "| | |", "|---|---|",
         "| faults injected | %d |" % f["faults_injected"],
         "| activated | %d |" % f["activated"],
         "| detected (the VM ended with a report) | %d |" % f["detected"],
         "| detected, the transfers then intact (TCP retransmitted across the restart) | %d |"
         % f["recovered_transparently"],
         "| not detected | %d (with an effect: %d, transfers that did not complete) |"
         % (f["faults_injected"] - f["detected"], f["undetected_effect"]),
         "| transfers failed (not complete in %d s) | %d |" % (TRANSFER_TIMEOUT_S,
                                                               f["client_errors"]),
         "| **transfers with wrong bytes delivered** (SHA-256 differs) | **%d** |"
         % f["bytes_corrupted"]]
    if r.get("detected_samples"):
        L.append("| outage (longest gap without a frame on the host interface), detected faults "
                 "| median %.0f ms, max %.0f ms |" % (r["outage_ms_median"], r["outage_ms_max"]))
    if "recovery_s_median" in r:
        L.append("| injection to the end of the next transfer with the right bytes "
                 "(%d KiB), detected faults | median %.2f s, max %.2f s |"
                 % (NBYTES >> 10, r["recovery_s_median"], r["recovery_s_max"]))
    L += ["", "| class | injected | activated | detected | recovered | transfers failed "
          "| wrong bytes |", "|---|---|---|---|---|---|---|"]
    for cls, c in f["per_class"].items():
        if c.get("injected") or c.get("inject_failed"):
            L.append("| %s | %d | %d | %d | %d | %d | %d |" % (
                cls, c.get("injected", 0), c.get("activated", 0), c.get("detected", 0),
                c.get("recovered", 0), c.get("errors", 0), c.get("bad_bytes", 0)))
    L += ["", NIC_END]
    return "\n".join(L)


def write_section(path, name, f, args):
    """Put the NIC's section into the report: in place of the previous one, else before the
    soak's section, else at the end."""
    try:
        text = open(path).read()
    except OSError:
        text = ""
    new = section(name, f, args)
    if NIC_MARK in text and NIC_END in text:
        text = text[:text.index(NIC_MARK)] + new + text[text.index(NIC_END) + len(NIC_END):]
    elif SOAK_MARK in text:
        i = text.index(SOAK_MARK)
        text = text[:i] + new + "\n\n" + text[i:]
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    with open(path, "w") as fh:
        fh.write(text)
