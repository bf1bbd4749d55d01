#!/usr/bin/env python3
"""A hung or hostile driver costs only its own device files (issue 11, findings 4, 5 and 9;
docs/THREAT-MODEL.md, "Attacks and their tests"). Through the device files, with hostile driver
images (tests/malicious/guest, build/tests/malicious/*.img) and clients running as uid 65534:

  hung_readers   300 readers (uid 65534) of a driver that never answers a read (or an open,
                 at process level): another driver's null0 and `ls dev/` still answer within
                 1 s, and so does another user's open of the driver's other node (process
                 level); calls beyond the user's share fail at once with EAGAIN; a SIGINT ends a
                 reader's call with EINTR within 1 s; SIGKILLed readers are gone (never in
                 state D) within 1 s.
  hung_open      `cat` of a driver that never answers an open dies of SIGKILL within 1 s; an
                 interrupted open says EINTR.
Both with two hostile drivers: raw VM images that speak the ABI by hand (never_answer_read,
never_answer_open: they take the request and never answer it nor its cancellation), and one
built from the runtime whose read and open sleep uninterruptibly for ever (drivers/stuck.c),
run at isolation=process.
  file_table     uid 65534 holding 70 files of null0 (more than a driver's file table per
                 client, 64) does not make an open by root or by uid 65533 fail.
Each part brings up its own supervisor. Needs /dev/kvm, /dev/fuse and root: exit 77 otherwise."""
import errno
import os
import select
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iktest import SRC, check, failures, missing_requirement  # noqa: E402
from iktest import Supervisor as _Supervisor  # noqa: E402

BUILD = os.environ["IKERNEL_BUILD"]
READER = os.environ["FUSEREADER"]

PROMPT = 1.0   # s: "answers within about a second"
NOBODY = 65534

def bounded(fn, secs):
    """Run fn() on a thread: (finished, result or exception, seconds). A call that hangs (in
    state D on the old code) is left behind: `ikernel down` ends it."""
    out = {}

    def run():
        t0 = time.monotonic()
        try:
            out["r"] = fn()
        except OSError as e:
            out["r"] = e
        out["t"] = time.monotonic() - t0

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(secs)
    return ("t" in out), out.get("r"), out.get("t", secs)


def null0_round_trip(dev):
    fd = os.open(f"{dev}/null0", os.O_RDWR)
    try:
        os.pwrite(fd, b"alive", 0)
        return os.pread(fd, 5, 0)
    finally:
        os.close(fd)


class Readers:
    """One fusereader: n child processes, each opening (and reading) a device file."""

    def __init__(self, path, n, mode="read", uid=None, kill_on_sigint=False):
        args = [READER, "-n", str(n), "-m", mode]
        if uid is not None:
            args += ["-u", str(uid)]
        if kill_on_sigint:
            args.append("-k")
        self.p = subprocess.Popen(args + [path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)
        self.n = n
        self.started = []
        self.results = {}  # pid -> (kind, result, ms, seen at)
        self.buf = ""

    def pump(self, secs):
        """Read what the children said for up to secs."""
        end = time.monotonic() + secs
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if not r:
                return
            data = os.read(self.p.stdout.fileno(), 65536).decode()
            if not data:
                return
            self.buf += data
            while "\n" in self.buf:
                line, self.buf = self.buf.split("\n", 1)
                f = line.split()
                if f[0] == "start":
                    self.started.append(int(f[1]))
                elif f[0] in ("open", "read"):
                    self.results[int(f[1])] = (f[0], int(f[2]), float(f[3]), time.monotonic())

    def wait_started(self, secs=20):
        end = time.monotonic() + secs
        while len(self.started) < self.n and time.monotonic() < end:
            self.pump(0.1)
        return len(self.started) == self.n

    def pending(self):
        return [p for p in self.started if p not in self.results]

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass


def proc_state(pid):
    """The state letter of /proc/PID/stat, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def gone_within(pids, secs):
    """Wait until every pid is gone (or a zombie): (all gone, {pid: state} of the others)."""
    end = time.monotonic() + secs
    while True:
        left = {p: s for p in pids if (s := proc_state(p)) not in (None, "Z")}
        if not left or time.monotonic() >= end:
            return not left, left
        time.sleep(0.02)


def Supervisor(manifests):
    """The honest nulldev (its node null0) beside the hostile drivers of this part."""
    return _Supervisor(manifests, extra=[f"{SRC}/manifests/nulldev.ini"], log_lines=15)


def raw_attack(attack):
    """A raw attack image (tests/malicious/guest): its node is "mal"."""
    return {"hostile": f"""[driver]
name = {attack.replace('_', '')}
image = {BUILD}/tests/malicious/{attack}.img
memory = 4M
restart = never
[node mal]
mode = 0666
"""}, "mal"


def stuck_proc(node):
    """drivers/stuck.c at isolation=process, serving `node`."""
    return {"hostile": f"""[driver]
name = stuck
image = {BUILD}/tests/super/stuck.img
isolation = process
restart = never
[node stuckread0]
mode = 0666
[node stuckopen0]
mode = 0666
"""}, node


# At process level the readers wait in the open: a user's share of the driver's file table (64)
# would let only 64 of them reach the read.
HUNG_READ = {"vm": raw_attack("never_answer_read"), "process": stuck_proc("stuckopen0")}
# A node of the hung driver that another user can still use (the raw attack serves only its
# first channel, so at the vm level there is none).
OTHER_USERS_NODE = {"vm": None, "process": "stuckread0"}
HUNG_OPEN = {"vm": raw_attack("never_answer_open"), "process": stuck_proc("stuckopen0")}


def test_hung_readers(level):
    """Finding 4: a driver that never answers a read, 300 readers."""
    manifests, node = HUNG_READ[level]
    s = Supervisor(manifests)
    if not s.ok:
        return
    listing = sorted(["null0"] + [line.split()[1].rstrip("]") for line in
                                  manifests["hostile"].splitlines() if line.startswith("[node ")])
    readers = None
    try:
        readers = Readers(f"{s.dev}/{node}", 300, "read", uid=NOBODY)
        check("300 readers (uid 65534) of the hung driver started", readers.wait_started())
        readers.pump(1.5)  # let them reach the driver (or their share of it)
        hung = readers.pending()
        check(f"the hung driver holds readers ({len(hung)} waiting)", len(hung) >= 15)
        early = list(readers.results.values())
        refused = [g for g in early if g[1] == -errno.EAGAIN]
        check(f"calls beyond the user's share fail at once with EAGAIN ({len(refused)} of them, "
              f"the slowest in {max((g[2] for g in refused), default=0):.1f} ms)",
              bool(refused) and all(g[1] in (-errno.EAGAIN, -errno.EMFILE) for g in early) and
              all(g[2] < PROMPT * 1000 for g in refused), repr(sorted({g[1] for g in early})))

        done, r, secs = bounded(lambda: null0_round_trip(s.dev), 5)
        check(f"another driver's null0 answers while they hang ({secs:.2f} s)",
              done and r == b"alive" and secs < PROMPT, repr(r))
        if OTHER_USERS_NODE[level]:
            other = Readers(f"{s.dev}/{OTHER_USERS_NODE[level]}", 1, "open", uid=NOBODY - 1)
            other.wait_started()
            other.pump(PROMPT)
            got = list(other.results.values())
            check("another user (65533) opens the hung driver's other node within 1 s",
                  len(got) == 1 and got[0][1] == 0, repr(got))
            other.close()
        done, r, secs = bounded(lambda: sorted(os.listdir(s.dev)), 5)
        check(f"`ls dev/` answers while they hang ({secs:.2f} s)",
              done and r == listing and secs < PROMPT, repr(r))
        done, r, secs = bounded(lambda: os.stat(f"{s.dev}/{node}").st_mode & 0o777, 5)
        check(f"getattr of the hung driver's own file answers ({secs:.2f} s)",
              done and r == 0o666 and secs < PROMPT, repr(r))

        # Interrupted and killed at once: the driver ignores cancellations too (and is ended
        # for it after the answer grace, 2 s): every client must be free well before.
        hung = readers.pending()
        intr, killed = hung[:10], hung[10:]
        t0 = time.monotonic()
        for p in intr:
            os.kill(p, signal.SIGINT)
        for p in killed:
            os.kill(p, signal.SIGKILL)
        all_gone, left = gone_within(killed, PROMPT)
        check(f"{len(killed)} SIGKILLed readers are gone within {PROMPT:.0f} s "
              f"({time.monotonic() - t0:.2f} s)", all_gone,
              f"{len(left)} left, states {sorted(set(left.values()))}")
        readers.pump(max(0.0, t0 + PROMPT - time.monotonic()))
        got = [readers.results.get(p) for p in intr]
        ok = [g for g in got if g and g[1] == -errno.EINTR and g[3] - t0 < PROMPT]
        check(f"SIGINT ends {len(ok)} of {len(intr)} interrupted calls with EINTR within "
              f"{PROMPT:.0f} s", len(ok) == len(intr), repr(got))
    finally:
        if readers:
            readers.close()
        s.down()


def test_hung_open(level):
    """Finding 5: a driver that never answers an open: `cat` stays killable."""
    manifests, node = HUNG_OPEN[level]
    s = Supervisor(manifests)
    if not s.ok:
        return
    readers = None
    try:
        cat = subprocess.Popen(["cat", f"{s.dev}/{node}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        state = proc_state(cat.pid)
        check("cat waits in the open the driver never answers", state in ("S", "D"), state)
        t0 = time.monotonic()
        cat.kill()
        all_gone, left = gone_within([cat.pid], PROMPT)
        check(f"the SIGKILLed cat is gone within {PROMPT:.0f} s ({time.monotonic() - t0:.2f} s)",
              all_gone, repr(left))
        if all_gone:
            cat.wait()

        readers = Readers(f"{s.dev}/{node}", 3, "open", uid=NOBODY)
        readers.wait_started()
        readers.pump(0.5)
        waiting = readers.pending()
        check("3 more opens wait on the driver", len(waiting) == 3, repr(readers.results))
        t0 = time.monotonic()
        for p in waiting:
            os.kill(p, signal.SIGINT)
        readers.pump(PROMPT)
        got = [readers.results.get(p) for p in waiting]
        check("SIGINT ends each waiting open with EINTR within 1 s",
              all(g and g[0] == "open" and g[1] == -errno.EINTR and g[3] - t0 < PROMPT
                  for g in got), repr(got))
        done, r, secs = bounded(lambda: null0_round_trip(s.dev), 5)
        check(f"null0 answers meanwhile ({secs:.2f} s)", done and r == b"alive", repr(r))
    finally:
        if readers:
            readers.close()
        s.down()


def open_as(path, uid):
    """Open path as uid in a child process: 0 or the errno."""
    r = subprocess.run([READER, "-u", str(uid), "-n", "1", "-m", "open", path],
                       capture_output=True, text=True, timeout=30)
    for line in r.stdout.splitlines():
        f = line.split()
        if f[0] == "open":
            return -int(f[2])
    return None


def test_file_table():
    """Finding 9: one user cannot exhaust a driver's file table for the others."""
    s = Supervisor({})
    if not s.ok:
        return
    holders = None
    try:
        holders = Readers(f"{s.dev}/null0", 70, "hold", uid=NOBODY)
        holders.wait_started()
        end = time.monotonic() + 20
        while len(holders.results) < 70 and time.monotonic() < end:
            holders.pump(0.2)
        opened = sum(1 for g in holders.results.values() if g[1] == 0)
        refused = sorted({g[1] for g in holders.results.values() if g[1] != 0})
        check(f"uid 65534 holds {opened} files of null0 (refused: {refused})",
              opened >= 63 and all(e in (-errno.EMFILE, -errno.ENFILE) for e in refused))
        done, r, secs = bounded(lambda: null0_round_trip(s.dev), 10)
        check("root's open of null0 still works", done and r == b"alive", repr(r))
        e = open_as(f"{s.dev}/null0", NOBODY - 1)
        check("uid 65533's open of null0 still works", e == 0,
              errno.errorcode.get(e, str(e)) if e else repr(e))
    finally:
        if holders:
            holders.close()
        s.down()


def main():
    why = missing_requirement()
    if why:
        print(f"skipped: {why}")
        return 77
    parts = {"hung_readers": lambda: test_hung_readers("vm"),
             "hung_open": lambda: test_hung_open("vm"),
             "hung_readers_process": lambda: test_hung_readers("process"),
             "hung_open_process": lambda: test_hung_open("process"),
             "file_table": test_file_table}
    for name in sys.argv[1:] or parts:
        print(f"== {name}", flush=True)
        parts[name]()
    print(f"{len(failures)} failure(s)" if failures else "all FUSE isolation checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
