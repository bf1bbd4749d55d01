#!/usr/bin/env python3
"""linux-net-host-LEVEL, linux-e1000-host-LEVEL: an unmodified Linux NIC driver (NE2000 or e1000)
gives the host a network interface (issues 12 and 13), at isolation LEVEL (vm or process),
under the supervisor.

    namespace A: iknh0, the driver's host interface (manifest `netdev`, `netns = A`), 10.77.0.1
        |  A's stack -> TAP -> relay -> the driver's ndo_start_xmit -> NE2000 model -> wire
    namespace B: iknw0, the card's wire (`wire=tap:`), 10.77.0.2; the supervisor runs here

Both namespaces are the test's own and are removed at the end (tests/lib/iknet.py). Checks: the
interface takes the card's MAC and carrier; ARP and ping (also MTU-size frames, and nothing
larger than the MTU); IPv6 neighbour discovery, which needs the card's multicast filter;
1 MiB over TCP each way with the same SHA-256 on both ends; link down and up on the host;
the monitor killed mid-transfer (once a sixteenth of the bytes arrived; the last one must come
after the kill): the supervisor restarts the driver, the interface keeps its index and address,
and the transfer completes with the right bytes; forged offload frames (a
root user's packet socket with PACKET_VNET_HDR: segmentation asked for frames that are not TCP
over IP, a TCP header cut short, IPv6 segmentation) are refused or dropped without harm to the
driver (the interface offers the card's own offloads: ABI.md "Host interfaces").

usage: test_net_host.py LEVEL IKERNEL IMAGE [NIC]   (NIC: ne2000, the default, or e1000)
"""
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from iknet import NetPair, _setns, skip_unless_netns, wait  # noqa: E402

HOST_IF, WIRE = "iknh0", "iknw0"
MAC = "02:00:00:4e:45:30"
NBYTES = 1 << 20
# The crash test's transfer: long enough that the bytes still flow when the kill lands.
CRASH_BYTES = {"ne2000": 1 << 20, "e1000": 16 << 20}
failures = []


def check(what, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""),
          flush=True)
    if not ok:
        failures.append(what)
    return ok


class Supervisor:
    """`ikernel up` in namespace B with a private runtime directory."""

    def __init__(self, ik, net):
        self.ik, self.net = ik, net
        self.rt = tempfile.mkdtemp(prefix="iknethost.", dir="/tmp")
        os.chmod(self.rt, 0o755)

    def run(self, *args, ns=None, timeout=60):
        pre = ["nsenter", f"--net=/run/netns/{ns}"] if ns else []
        env = dict(os.environ, IKERNEL_RUNTIME_DIR=self.rt)
        return subprocess.run(pre + [self.ik, *args], capture_output=True, text=True, env=env,
                              timeout=timeout)

    def status(self):
        r = self.run("status", "--json")
        try:
            return json.loads(r.stdout)["drivers"][0]
        except (ValueError, KeyError, IndexError):
            return {}

    def down(self):
        self.run("down", timeout=120)
        subprocess.run(["umount", "-l", f"{self.rt}/dev"], capture_output=True)
        subprocess.run(["rm", "-rf", self.rt])


# What differs per card: [driver] lines and the card's grant (the NE2000 on ISA ports with
# its io=/irq= parameters, the e1000 as a PCI function with strict DMA).
NICS = {
    "ne2000": ("memory = 4M\nparam = io=0x300\nparam = irq=9\n",
               "model = ne2000\nport = 0x300\nirq = 9\n", ""),
    "e1000": ("memory = 16M\n", "model = e1000\nbus = pci\n", "dma=strict,"),
}


def manifest(nic, level, image, netns):
    driver, card, opts = NICS[nic]
    return f"""[driver]
name = {nic}
image = {image}
isolation = {level}
restart = on-failure
{driver}netdev = {HOST_IF}
netns = {netns}

[device card]
{card}options = {opts}wire=tap:{WIRE},mac={MAC}
"""


def link(net, ns, dev):
    r = net.run(ns, "ip", "-o", "link", "show", dev)
    return r.stdout if r.returncode == 0 else ""


def ifindex(net):
    m = re.match(r"(\d+):", link(net, net.a, HOST_IF))
    return int(m.group(1)) if m else -1


def ipv6_link_local(net, ns, dev):
    r = net.run(ns, "ip", "-6", "-o", "addr", "show", "dev", dev, "scope", "link")
    m = re.search(r"inet6 (fe80::[0-9a-f:]+)/64 scope link (?!tentative)", r.stdout)
    return m.group(1) if m else None


def ping(net, *args):
    """ping from A to B; a reply may take seconds on a loaded machine (-W 10): only a frame
    that never comes back counts as lost."""
    return net.run(net.a, "ping", "-n", "-q", "-W", "10", *args, net.ip_b, timeout=300)


def test_traffic(net):
    r = ping(net, "-c", "50", "-i", "0.02")
    check("ARP and ping -c 50 A -> B: 0 % loss", " 0% packet loss" in r.stdout, r.stdout + r.stderr)
    r = ping(net, "-c", "20", "-i", "0.02", "-s", "1472", "-M", "do")
    check("MTU-size frames (1,514 bytes) both ways: 0 % loss", " 0% packet loss" in r.stdout,
          r.stdout + r.stderr)
    r = net.run(net.a, "ping", "-n", "-c", "1", "-s", "1473", "-M", "do", "-W", "1", net.ip_b)
    check("a frame larger than the MTU is refused on the host", r.returncode != 0, r.stdout)
    # IPv6 neighbour discovery: solicitations go to a solicited-node multicast address, which
    # the card receives only through its multicast filter (the relay opens it for the host).
    have = wait(lambda: ipv6_link_local(net, net.b, WIRE) and ipv6_link_local(net, net.a, HOST_IF), 10)
    dst = ipv6_link_local(net, net.b, WIRE)
    r = net.run(net.a, "ping", "-6", "-n", "-c", "3", "-i", "0.2", "-W", "10", f"{dst}%{HOST_IF}") \
        if have else None
    check("IPv6 neighbour discovery (multicast) and ping6", bool(r) and r.returncode == 0,
          r.stdout + r.stderr if r else "no link-local addresses")
    for src, dst_ns, ip, what in ((net.a, net.b, net.ip_b, "A -> B (the driver transmits)"),
                                  (net.b, net.a, net.ip_a, "B -> A (the driver receives)")):
        t = net.transfer(src, dst_ns, ip, NBYTES, timeout=120)
        check(f"1 MiB over TCP {what}: the same SHA-256 both ends", t["ok"], str(t))
        if t["ok"]:
            print(f"     {t['mb_s']:.2f} MB/s", flush=True)


PACKET_VNET_HDR = 15  # <linux/if_packet.h>
VNET_F_NEEDS_CSUM, GSO_TCPV4, GSO_TCPV6 = 1, 1, 4


def forged_offload_frames():
    """Frames with a virtio_net_hdr whose offload does not fit the frame. Each is either refused
    by the host's kernel, dropped by the relay (an offload the card does not offer) or by the
    driver side's checks (netif_host.c), never handed to the driver's TSO code as it is."""
    eth = bytes.fromhex("ffffffffffff") + bytes.fromhex(MAC.replace(":", ""))
    ip = bytes.fromhex("45000028000140004006") + b"\0\0" + socket.inet_aton("10.77.0.1") + \
        socket.inet_aton("10.77.0.2")
    tcp = struct.pack("!HHIIBBHHH", 5201, 5201, 1, 0, 0x50, 0x10, 1024, 0, 0)
    arp = eth + b"\x08\x06" + b"\0" * 28 + b"\xaa" * 3000
    ip6 = eth + b"\x86\xdd" + bytes.fromhex("60000000") + struct.pack("!HBB", 3020, 6, 64) + \
        b"\0" * 32 + tcp + b"\xbb" * 3000

    def vnet(flags, gso, hdr_len, gso_size, start, off):
        return struct.pack("<BBHHHH", flags, gso, hdr_len, gso_size, start, off)

    return [
        ("segmentation of an ARP frame", vnet(VNET_F_NEEDS_CSUM, GSO_TCPV4, 54, 1000, 14, 16) + arp),
        ("a TCP header cut short", vnet(VNET_F_NEEDS_CSUM, GSO_TCPV4, 54, 1000, 14 + 20, 16) +
         eth + b"\x08\x00" + ip + tcp[:12]),
        ("a checksum field past the frame", vnet(VNET_F_NEEDS_CSUM, 0, 0, 0, 34, 4000) +
         eth + b"\x08\x00" + ip + tcp),
        ("IPv6 segmentation", vnet(VNET_F_NEEDS_CSUM, GSO_TCPV6, 74, 1000, 54, 16) + ip6),
        ("a segment size over the MTU", vnet(VNET_F_NEEDS_CSUM, GSO_TCPV4, 54, 9000, 34, 16) +
         eth + b"\x08\x00" + ip + tcp + b"\xcc" * 20000),
    ]


def send_forged(ns, frames):
    """Send each frame from A's interface through a packet socket with PACKET_VNET_HDR (a
    thread in A: setns moves only it). What the kernel refuses is fine."""
    said, sent, failed = [], [], []

    def run():
        try:
            _setns(ns)
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
            s.setsockopt(263, PACKET_VNET_HDR, 1)  # SOL_PACKET
            s.bind((HOST_IF, 0))
        except OSError as e:
            failed.append(str(e))
            return
        for what, f in frames:
            try:
                s.send(f)
                said.append(f"{what}: sent")
                sent.append(what)
            except OSError as e:
                said.append(f"{what}: refused by the kernel ({e.strerror})")
        s.close()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return said, sent, failed


def test_forged_offloads(net, sup):
    before = sup.status().get("restarts", 0)
    said, sent, failed = send_forged(net.a, forged_offload_frames())
    print("     " + "; ".join(said), flush=True)
    check("forged offload frames: a packet socket in A sends them (some reach the relay)",
          not failed and len(sent) > 0, "; ".join(failed + said))
    time.sleep(1)
    st = sup.status()
    check("forged offload frames: the driver keeps running, not restarted",
          st.get("state") == "running" and st.get("restarts", 0) == before, str(st))
    r = ping(net, "-c", "10", "-i", "0.02")
    check("and the interface still works: ping -c 10, 0 % loss", " 0% packet loss" in r.stdout,
          r.stdout + r.stderr)


def test_link_down_up(net):
    net.run(net.a, "ip", "link", "set", HOST_IF, "down", check=True)
    r = net.run(net.a, "ping", "-n", "-c", "1", "-W", "1", net.ip_b)
    check("host interface down: no traffic", r.returncode != 0, r.stdout)
    net.run(net.a, "ip", "link", "set", HOST_IF, "up", check=True)
    ok = wait(lambda: net.ping(net.a, net.ip_b, count=1)["received"] == 1, 15)
    check("host interface up again: traffic again", ok)


def test_crash_mid_transfer(net, sup, nic):
    """SIGKILL to the driver's monitor while the bytes flow: once the receiver has a sixteenth
    of them (a fast card could finish a fixed-delay transfer before the crash; the e1000 moves
    1 MiB in ~10 ms), checked against when the receiver had the last byte."""
    nbytes = CRASH_BYTES[nic]
    before = sup.status()
    index = ifindex(net)
    pid = before.get("pid", 0)  # looked up before: the kill then comes at once
    killed = {}

    def crash():
        if pid > 0:
            os.kill(pid, 9)
            killed["t"] = time.monotonic()
        killed["back"] = wait(lambda: sup.status().get("restarts", 0) > before.get("restarts", 0)
                              and sup.status().get("state") == "running", 20)

    t = net.transfer(net.a, net.b, net.ip_b, nbytes, port=5202, during=crash,
                     during_at=nbytes // 16, timeout=150)
    check("the driver's monitor was killed and restarted", pid > 0 and killed.get("back"),
          f"pid {pid}, {killed}")
    check("...while the transfer ran (the receiver's last byte came after the kill)",
          "t" in killed and t.get("end_t") is not None and t["end_t"] > killed["t"],
          f"mark at {t.get('mark_t')}, kill at {killed.get('t')}, last byte at {t.get('end_t')}")
    check(f"{nbytes >> 20} MiB across the crash: the same SHA-256 both ends", t["ok"], str(t))
    check("the host interface kept its index across the restart", ifindex(net) == index,
          f"{index} -> {ifindex(net)}")
    r = net.run(net.a, "ip", "-o", "-4", "addr", "show", "dev", HOST_IF)
    check("...and its address", f"{net.ip_a}/24" in r.stdout, r.stdout)


def test_inject(net, sup, nic):
    """`ikernel inject NIC panic` (a guest fault, at both levels): it fires at the driver's next
    call (the relay's, as traffic flows), the driver is restarted once -- the card's wire TAP is
    free for the replacement -- and traffic flows again."""
    wait(lambda: sup.status().get("state") == "running", 20)
    before = sup.status().get("restarts", 0)
    r = sup.run("inject", nic, "panic")
    check(f"ikernel inject {nic} panic is armed", r.returncode == 0 and "armed" in r.stdout + r.stderr,
          r.stdout + r.stderr)
    fired = wait(lambda: net.ping(net.a, net.ip_b, count=1)["received"] == 1 and
                 sup.status().get("restarts", 0) > before and
                 sup.status().get("state") == "running", 30)
    check("...it fired on the next call, and traffic flows again", fired, str(sup.status()))
    time.sleep(1)
    check("...after exactly one restart (the wire TAP was free for the replacement)",
          sup.status().get("restarts", 0) == before + 1, str(sup.status()))


def main():
    if len(sys.argv) not in (4, 5) or (len(sys.argv) == 5 and sys.argv[4] not in NICS):
        sys.exit(__doc__)
    level, ik, image = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    nic = sys.argv[4] if len(sys.argv) == 5 else "ne2000"
    skip_unless_netns()
    if level == "vm" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        print("SKIP: no /dev/kvm")
        sys.exit(77)
    with NetPair("h") as net:
        sup = Supervisor(ik, net)
        try:
            path = os.path.join(sup.rt, nic + ".ini")
            with open(path, "w") as f:
                f.write(manifest(nic, level, image, net.a))
            net.tap(net.b, WIRE)
            net.addr(net.b, WIRE, net.ip_b)
            up = sup.run("up", "--detach", path, ns=net.b, timeout=120)
            if not check("ikernel up with netdev in A and the wire in B", up.returncode == 0,
                         up.stdout + up.stderr):
                return 1
            if not check("the host interface appears in A", wait(lambda: link(net, net.a, HOST_IF), 60)):
                return 1
            net.addr(net.a, HOST_IF, net.ip_a)
            ok = wait(lambda: MAC in link(net, net.a, HOST_IF), 10)
            check("it takes the card's MAC address", ok, link(net, net.a, HOST_IF))
            # the carrier follows the driver's netif_carrier_on, which e1000 calls from its
            # watchdog a moment after the MAC is known: wait for it (bounded), as a user would
            ok = wait(lambda: "LOWER_UP" in link(net, net.a, HOST_IF), 10)
            check("and its carrier", ok, link(net, net.a, HOST_IF))
            wait(lambda: net.ping(net.a, net.ip_b, count=1)["received"] == 1, 20)
            test_traffic(net)
            test_forged_offloads(net, sup)
            test_link_down_up(net)
            test_crash_mid_transfer(net, sup, nic)
            test_inject(net, sup, nic)
            st = sup.status()
            check("status --json lists the netdev", st.get("netdevs") == [HOST_IF], str(st))
        finally:
            sup.down()
    print("FAILED: " + ", ".join(failures) if failures else "all checks passed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
