"""The Python tests' helpers (tests/lib, issue 10 item 5): one copy for tests/super/*.py.

A test script puts tests/lib on its path and imports what it uses:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    from iktest import Supervisor, check, failures, ik, skip_unless_ready, status, wait_until

check() prints "ok   WHAT" or "FAIL WHAT (detail)" and collects the failures; ik() runs the
ikernel binary of $IKERNEL_BIN; Supervisor brings `ikernel up` up in a private runtime
directory with the given manifests and takes it down again (bounded), its logs printed when a
check failed.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

IK = os.environ.get("IKERNEL_BIN", "ikernel")
SRC = os.environ.get("IKERNEL_SRC", ".")

failures = []


def check(what, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + what + (f" ({detail})" if detail and not cond else ""),
          flush=True)
    if not cond:
        failures.append(what)


def ik(*args, timeout=60):
    return subprocess.run([IK, *args], capture_output=True, text=True, timeout=timeout)


def status(name):
    """The `ikernel status --json` entry of driver `name`."""
    out = ik("status", "--json")
    return [d for d in json.loads(out.stdout)["drivers"] if d["name"] == name][0]


def wait_until(what, fn, secs=20, step=0.02):
    """Poll fn until it is true; a check that fails after secs."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if fn():
            return True
        time.sleep(step)
    check(what, False, f"not within {secs} s")
    return False


def missing_requirement():
    """Why this machine cannot run a device-file test (/dev/kvm, /dev/fuse, root), or None."""
    for path, what in (("/dev/kvm", "KVM"), ("/dev/fuse", "FUSE")):
        if not os.access(path, os.R_OK | os.W_OK):
            return f"{path} not available ({what})"
    if os.geteuid() != 0:
        return "mounting the device files needs root"
    return None


def skip_unless_ready():
    """Exit 77 (meson: skipped) with one message when missing_requirement() says why."""
    why = missing_requirement()
    if why:
        print(f"skipped: {why}")
        sys.exit(77)


def summary(what):
    """The last line and the exit status of a test script."""
    print(f"{len(failures)} failure(s)" if failures else f"all {what} checks passed")
    return 1 if failures else 0


class Supervisor:
    """`ikernel up --detach` in a private runtime directory (mode 0755: other users reach the
    device files through it), with manifests {name: text} written to a private directory and
    `extra` manifest paths; ok says whether it came up. down() is bounded and always cleans."""

    def __init__(self, manifests, extra=(), log_lines=20):
        self.rt = tempfile.mkdtemp(prefix="ikt.", dir="/tmp")
        os.chmod(self.rt, 0o755)
        self.mdir = tempfile.mkdtemp(prefix="ikt-manifests.", dir="/tmp")
        self.log_lines = log_lines
        paths = list(extra)
        for name, text in manifests.items():
            with open(f"{self.mdir}/{name}.ini", "w") as f:
                f.write(text)
            paths.append(f"{self.mdir}/{name}.ini")
        os.environ["IKERNEL_RUNTIME_DIR"] = self.rt
        self.dev = f"{self.rt}/dev"
        up = ik("up", "--detach", *paths)
        self.ok = up.returncode == 0
        check("ikernel up", self.ok, up.stdout + up.stderr)
        self.pid = int(open(f"{self.rt}/supervisor.pid").read()) if self.ok else 0

    def exited(self, secs=10):
        """Wait (bounded) for the supervisor process to be gone; SIGKILL it if not."""
        end = time.monotonic() + secs
        while self.pid and time.monotonic() < end and os.path.exists(f"/proc/{self.pid}"):
            time.sleep(0.05)
        if self.pid and os.path.exists(f"/proc/{self.pid}"):
            os.kill(self.pid, signal.SIGKILL)
            return False
        return True

    def dump_logs(self):
        logs = f"{self.rt}/logs"
        for f in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
            print(f"--- {f}")
            print("".join(open(f"{logs}/{f}").readlines()[-self.log_lines:]))

    def down(self, after=None):
        """`ikernel down`, then after() (the test's own checks of what down left), then the
        logs when a check failed, and the directories removed."""
        os.environ["IKERNEL_RUNTIME_DIR"] = self.rt
        down = ik("down", timeout=120)
        check("ikernel down", down.returncode == 0, down.stderr)
        check("the supervisor exits after down", self.exited())
        if after:
            after()
        if failures:
            self.dump_logs()
        subprocess.run(["umount", "-l", self.dev], capture_output=True)
        subprocess.run(["rm", "-rf", self.rt, self.mdir])


def bench_json(ikernel, args, timeout):
    """`ikernel bench ARGS --json`'s object; exits 77 when the benchmark says /dev/kvm is
    missing, 1 (with its output) when it fails or prints no JSON."""
    proc = subprocess.run([ikernel, "bench", *args, "--json"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)
    if proc.returncode == 77:
        print(proc.stderr, end="")
        sys.exit(77)
    if proc.returncode != 0:
        print(f"bench exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        sys.exit(1)
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        print(f"bench output is not JSON ({e}):\n{proc.stdout}")
        sys.exit(1)
