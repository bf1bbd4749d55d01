"""Network tests' helpers (issue 12, items 8-9): two network namespaces of the test's own.

RULE: a network test sends traffic only between namespaces it created itself (unique names,
with the pid), never the root namespace and never an address outside them, and removes them
at the end, also on failure. NetPair does all of that:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    from iknet import NetPair, skip_unless_netns

    skip_unless_netns()                  # exit 77 unless root, `ip netns` and /dev/net/tun work
    with NetPair("t") as net:            # namespaces ikn<pid>ta and ikn<pid>tb, removed at exit
        net.tap(net.b, "iknwire0")       # a persistent TAP inside namespace b
        net.addr(net.b, "iknwire0", net.ip_b)
        net.run(net.a, "ip", "link", "show")
        p = net.ping(net.a, net.ip_b, count=100)   # {'sent', 'received', 'loss', 'rtt_avg_ms', ...}
        t = net.transfer(net.a, net.b, net.ip_b, 16 << 20)  # {'ok', 'sent_sha', 'recv_sha', ...}

Addresses are 10.77.0.1/24 (a) and 10.77.0.2/24 (b): they exist only inside the two
namespaces, so tests running at the same time cannot meet. Cleanup (kill every process left
inside the namespaces, by pid, then delete them) runs on leaving the `with`, at exit and on
SIGTERM/SIGINT (meson's timeout).

Run as a program this file is its own helpers, started inside a namespace by NetPair:
    iknet.py copy NS1 TAP1 NS2 TAP2   copy frames between two TAPs in two namespaces (no driver)
    iknet.py recv ADDR PORT NBYTES     accept one connection, read NBYTES: "BYTES SHA256"
    iknet.py send ADDR PORT NBYTES     connect (retrying), send NBYTES random bytes: "BYTES SHA256"
    iknet.py watch DEV [rx|tx|rxtx]    sample DEV's frame counters every ms until stdin closes:
                                       "FRAMES LONGEST_GAP_MS ITS_START", then "gap START END"
                                       per pause >= 10 ms (time.monotonic(): the outage)
"""
import atexit
import ctypes
import fcntl
import hashlib
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
FRAME_MAX = 65536
_live = []  # NetPairs not yet cleaned: cleaned at exit and on SIGTERM/SIGINT


def missing_netns():
    """Why this machine cannot run a namespace test, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if not os.access("/dev/net/tun", os.R_OK | os.W_OK):
        return "/dev/net/tun not available"
    name = f"iknprobe{os.getpid()}"
    r = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if r.returncode != 0:
        return f"`ip netns add` does not work here: {r.stderr.strip() or r.returncode}"
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


def skip_unless_netns(need_ping=True):
    """Exit 77 (meson: skipped) with one message when namespaces (or ping) cannot be used."""
    why = missing_netns()
    if not why and need_ping and not _which("ping"):
        why = "ping not installed (Debian package iputils-ping)"
    if why:
        print(f"skipped: {why}")
        sys.exit(77)


def _which(prog):
    return any(os.access(os.path.join(d, prog), os.X_OK)
               for d in os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":") +
               ["/usr/sbin", "/usr/bin", "/sbin", "/bin"])


def _setns(name):
    """Move this (single-threaded) process into network namespace `name`."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY | os.O_CLOEXEC)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns into {name}: {os.strerror(err)}")
    finally:
        os.close(fd)


def open_tap(name):
    """Attach to the existing TAP `name` of this process's namespace: its fd (non-blocking)."""
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    except OSError:
        os.close(fd)
        raise
    return fd


def parse_ping(text):
    """iputils ping's summary as a dict: sent, received, loss (percent), rtt_{min,avg,max,mdev}_ms
    (None without replies)."""
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received.*?([\d.]+)% packet loss",
                  text)
    res = {"sent": 0, "received": 0, "loss": 100.0, "rtt_min_ms": None, "rtt_avg_ms": None,
           "rtt_max_ms": None, "rtt_mdev_ms": None}
    if m:
        res.update(sent=int(m.group(1)), received=int(m.group(2)), loss=float(m.group(3)))
    r = re.search(r"= ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms", text)
    if r:
        res.update(rtt_min_ms=float(r.group(1)), rtt_avg_ms=float(r.group(2)),
                   rtt_max_ms=float(r.group(3)), rtt_mdev_ms=float(r.group(4)))
    return res


def wait(fn, secs, step=0.05):
    """Poll fn until it is true or secs have passed; whether it became true (no check)."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if fn():
            return True
        time.sleep(step)
    return False


class NetPair:
    """Two fresh network namespaces, a (holds 10.77.0.1) and b (10.77.0.2), named with the pid
    and `tag` so that concurrent tests never share one; everything is removed by cleanup()."""

    ip_a, ip_b, prefix = "10.77.0.1", "10.77.0.2", 24

    def __init__(self, tag=""):
        base = f"ikn{os.getpid()}{tag}"
        self.a, self.b = base + "a", base + "b"
        self.procs = []
        self.created = []
        _install_cleanup()
        _live.append(self)
        for ns in (self.a, self.b):
            r = subprocess.run(["ip", "netns", "add", ns], capture_output=True, text=True)
            if r.returncode != 0:
                self.cleanup()
                raise RuntimeError(f"ip netns add {ns}: {r.stderr.strip()}")
            self.created.append(ns)
            self.run(ns, "ip", "link", "set", "lo", "up", check=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def run(self, ns, *cmd, check=False, timeout=120, **kw):
        """Run cmd inside namespace ns (ip netns exec); its CompletedProcess (text)."""
        r = subprocess.run(["ip", "netns", "exec", ns, *cmd], capture_output=True, text=True,
                           timeout=timeout, **kw)
        if check and r.returncode != 0:
            raise RuntimeError(f"in {ns}: {' '.join(cmd)}: {r.stderr.strip() or r.returncode}")
        return r

    def spawn(self, ns, *cmd, **kw):
        """Start cmd inside ns in the background; killed by cleanup() if still running."""
        p = subprocess.Popen(["ip", "netns", "exec", ns, *cmd], **kw)
        self.procs.append(p)
        return p

    def tap(self, ns, name, up=True):
        """A persistent TAP `name` inside ns (removed with the namespace)."""
        self.run(ns, "ip", "tuntap", "add", name, "mode", "tap", check=True)
        if up:
            self.run(ns, "ip", "link", "set", name, "up", check=True)

    def addr(self, ns, dev, ip):
        self.run(ns, "ip", "addr", "add", f"{ip}/{self.prefix}", "dev", dev, check=True)
        self.run(ns, "ip", "link", "set", dev, "up", check=True)

    def copier(self, tap_a="iknta", tap_b="ikntb"):
        """Join a and b with no driver: a TAP in each (with the pair's addresses) and the
        frame copier between them (this file's `copy`); its Popen."""
        self.tap(self.a, tap_a)
        self.tap(self.b, tap_b)
        self.addr(self.a, tap_a, self.ip_a)
        self.addr(self.b, tap_b, self.ip_b)
        p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "copy", self.a, tap_a,
                              self.b, tap_b], stdout=subprocess.PIPE, text=True)
        self.procs.append(p)
        if p.stdout.readline().strip() != "copying":
            raise RuntimeError("the TAP copier did not start")
        return p

    def ping(self, ns, dst, count=100, interval=0.01, timeout=None):
        """ping -c count from ns to dst: parse_ping()'s dict plus 'output'."""
        args = ["ping", "-n", "-q", "-c", str(count), "-i", str(interval), "-W", "2"]
        r = self.run(ns, *args, dst, timeout=timeout or 30 + count * max(interval, 0.2))
        res = parse_ping(r.stdout)
        res["output"] = r.stdout + r.stderr
        return res

    def transfer(self, src_ns, dst_ns, dst_ip, nbytes, port=5201, timeout=120, during=None,
                 during_at=0):
        """nbytes of random data over TCP from src_ns to dst_ip:port in dst_ns, SHA-256 on both
        sides. during(), if given, is called once the transfer runs (e.g. to crash a driver):
        with during_at > 0, once the receiver has read during_at bytes, so that it comes while
        bytes still flow (check end_t against when it acted: a fast card can finish a transfer
        before a slow caller acts); a transfer that does not get that far within timeout s is
        ended and failed without calling it. A dict: ok (both ends saw nbytes and the same
        SHA-256), sent/recv bytes and SHA-256, seconds, mb_s, end_t (time.monotonic() when the
        receiver had the last byte), mark_t (when it had during_at bytes; None without), and
        the helpers' errors."""
        me = os.path.abspath(__file__)
        rx = self.spawn(dst_ns, sys.executable, me, "recv", dst_ip, str(port), str(nbytes),
                        str(during_at), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = rx.stdout.readline().strip()
        t0 = time.monotonic()
        tx = self.spawn(src_ns, sys.executable, me, "send", dst_ip, str(port), str(nbytes),
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The receiver's lines, read by a thread of their own: the mark comes while it runs.
        lines, marked, ended = [], threading.Event(), threading.Event()

        def read_rx():
            for line in rx.stdout:
                lines.append(line.split())
                if lines[-1][:1] == ["mark"]:
                    marked.set()
            ended.set()
            marked.set()  # no mark will come now
        reader = threading.Thread(target=read_rx, daemon=True)
        reader.start()
        res = {"ok": False, "nbytes": nbytes, "mark_t": None}

        def give_up(why):
            for p in (tx, rx):
                p.kill()
                p.wait()
            reader.join(5)
            res["error"] = why
            return res
        if during and during_at > 0:
            marked.wait(timeout)
            mark = [l for l in lines if l[:1] == ["mark"] and len(l) == 3]
            if mark:
                res["mark_t"] = float(mark[0][2])
            elif not ended.is_set():
                return give_up(f"the receiver did not have {during_at} bytes within {timeout} s")
        if during and (res["mark_t"] is not None or not during_at):
            during()
        try:
            tx_out, tx_err = tx.communicate(timeout=timeout)
            rx.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return give_up(f"transfer not done within {timeout} s")
        reader.join(5)
        rx_err = rx.stderr.read()
        secs = time.monotonic() - t0
        sent = tx_out.split()
        recv = next((l for l in lines if l[:1] != ["mark"]), [])
        res.update(seconds=secs, mb_s=nbytes / secs / 1e6 if secs > 0 else 0,
                   sent_bytes=int(sent[0]) if len(sent) == 2 else -1,
                   sent_sha=sent[1] if len(sent) == 2 else "",
                   recv_bytes=int(recv[0]) if len(recv) == 3 else -1,
                   recv_sha=recv[1] if len(recv) == 3 else "",
                   end_t=float(recv[2]) if len(recv) == 3 else None,
                   error=(tx_err + rx_err).strip() or (None if ready == "listening" else
                                                       "receiver did not listen"))
        res["ok"] = (res["sent_bytes"] == nbytes == res["recv_bytes"] and
                     res["sent_sha"] == res["recv_sha"] != "")
        return res

    def watch(self, ns, dev, count="rxtx"):
        """Start watching the frames through dev in ns (its counters: rx, tx or rxtx); the
        returned function stops it and gives {'frames', 'gap_ms' (the longest time without a
        frame), 'gap_at' (when it began), 'gaps' [(start, end), ...] (every pause of 10 ms or
        more)}; times are time.monotonic() values, comparable with this process's.
        """
        p = self.spawn(ns, sys.executable, os.path.abspath(__file__), "watch", dev, count,
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if p.stdout.readline().strip() != "watching":
            raise RuntimeError(f"cannot watch {dev} in {ns}")

        def stop():
            out, _ = p.communicate(input="", timeout=10)
            lines = out.splitlines()
            f = lines[0].split()
            gaps = [tuple(float(x) for x in l.split()[1:3]) for l in lines[1:] if l.startswith("gap ")]
            return {"frames": int(f[0]), "gap_ms": float(f[1]), "gap_at": float(f[2]), "gaps": gaps}
        return stop

    def kill_inside(self):
        """Kill (by pid) every process still inside our namespaces: a namespace with a process
        in it outlives `ip netns del`."""
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        for ns in self.created:
            r = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True)
            for pid in r.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ValueError, ProcessLookupError):
                    pass

    def cleanup(self):
        """Kill what runs inside, delete both namespaces (their TAPs go with them). Idempotent."""
        for ns in self.created:
            for _ in range(50):  # a process still exiting can hold the mount a moment (EBUSY)
                self.kill_inside()
                if (subprocess.run(["ip", "netns", "del", ns], capture_output=True).returncode == 0
                        or not os.path.exists(f"/run/netns/{ns}")):
                    break
                time.sleep(0.1)
        self.created = []
        if self in _live:
            _live.remove(self)


def _cleanup_all(*_):
    for n in list(_live):
        n.cleanup()


_installed = False


def _install_cleanup():
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(_cleanup_all)

    def on_signal(sig, _frame):
        _cleanup_all()
        sys.exit(128 + sig)

    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, on_signal)


# ---- the helpers run inside a namespace ---------------------------------------------------------

def _copy(ns1, tap1, ns2, tap2):
    """Frames both ways between TAP tap1 in ns1 and tap2 in ns2, until killed."""
    _setns(ns1)
    f1 = open_tap(tap1)
    _setns(ns2)
    f2 = open_tap(tap2)
    other = {f1: f2, f2: f1}
    print("copying", flush=True)
    poll = select.poll()
    for f in other:
        poll.register(f, select.POLLIN)
    while True:
        for fd, _ in poll.poll():
            while True:
                try:
                    frame = os.read(fd, FRAME_MAX)
                except BlockingIOError:
                    break
                try:
                    os.write(other[fd], frame)
                except BlockingIOError:
                    pass  # a full queue drops the frame, as a busy wire does


def _recv(addr, port, nbytes, mark=0):
    """Read nbytes; print "mark GOT T" once GOT >= mark > 0, and at the end "GOT SHA256 T" (T:
    time.monotonic(), one clock for every process of this host)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(1)
    s.settimeout(60)
    print("listening", flush=True)
    c, _ = s.accept()
    c.settimeout(60)
    h, got = hashlib.sha256(), 0
    while got < nbytes:
        b = c.recv(min(1 << 16, nbytes - got))
        if not b:
            break
        h.update(b)
        if got < mark <= got + len(b):
            print("mark", got + len(b), f"{time.monotonic():.6f}", flush=True)
        got += len(b)
    print(got, h.hexdigest(), f"{time.monotonic():.6f}", flush=True)


def _send(addr, port, nbytes):
    deadline = time.monotonic() + 30
    while True:
        try:
            s = socket.create_connection((addr, port), timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    s.settimeout(60)
    h, sent = hashlib.sha256(), 0
    while sent < nbytes:
        b = os.urandom(min(1 << 16, nbytes - sent))
        s.sendall(b)
        h.update(b)
        sent += len(b)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # the receiver closes after the last byte: all of it arrived
    print(sent, h.hexdigest(), flush=True)


def _watch(dev, count):
    stats = [f"/sys/class/net/{dev}/statistics/{d}_packets" for d in ("rx", "tx") if d in count]

    def frames():
        return sum(int(open(f).read()) for f in stats)

    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    first = last = frames()
    last_t, gaps = None, []  # the time before the first frame is no pause
    print("watching", flush=True)
    while not done.wait(0.001):
        now, n = time.monotonic(), frames()
        if n != last:
            if last_t is not None and now - last_t >= 0.010:
                gaps.append((last_t, now))
            last, last_t = n, now
    longest = max(gaps, key=lambda g: g[1] - g[0], default=(0.0, 0.0))
    print(last - first, f"{(longest[1] - longest[0]) * 1000:.1f}", f"{longest[0]:.6f}")
    for g in gaps:
        print(f"gap {g[0]:.6f} {g[1]:.6f}")
    sys.stdout.flush()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "copy" and len(args) == 4:
        _copy(*args)
    elif cmd == "recv" and len(args) in (3, 4):
        _recv(args[0], int(args[1]), int(args[2]), int(args[3]) if len(args) == 4 else 0)
    elif cmd == "send" and len(args) == 3:
        _send(args[0], int(args[1]), int(args[2]))
    elif cmd == "watch" and len(args) in (1, 2):
        _watch(args[0], args[1] if len(args) == 2 else "rxtx")
    else:
        sys.exit(f"usage: {sys.argv[0]} copy NS1 TAP1 NS2 TAP2 | recv ADDR PORT NBYTES [MARK] | send ADDR PORT NBYTES | watch DEV [rx|tx|rxtx]")
