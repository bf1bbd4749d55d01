"""The Python side of ikclient (tests/super/ikclient.c): one libikernel client process driven
line by line, shared by the super tests."""
import atexit
import os
import select
import shutil
import subprocess
import tempfile

IKCLIENT = os.environ["IKCLIENT"]
_copy = None


def runnable_by_anyone():
    """IKCLIENT for a client of another user: a copy in a directory anyone can traverse (the
    build tree may sit in a 0700 checkout, and exec after dropping to that user checks every
    directory on the path); made once, removed at exit."""
    global _copy
    if _copy is None:
        d = tempfile.mkdtemp(prefix="ikclient.")
        os.chmod(d, 0o755)
        _copy = os.path.join(d, "ikclient")
        shutil.copy2(IKCLIENT, _copy)
        os.chmod(_copy, 0o755)
        atexit.register(shutil.rmtree, d, True)
    return _copy


class Client:
    """One ikclient process: a libikernel client of its own, optionally in runtime directory
    `rt` and as user `uid` (with that uid as its only group)."""

    def __init__(self, rt=None, uid=None):
        env = dict(os.environ, IKERNEL_RUNTIME_DIR=rt) if rt else None
        kw = {"user": uid, "group": uid, "extra_groups": []} if uid is not None else {}
        exe = runnable_by_anyone() if uid is not None else IKCLIENT
        self.p = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1, env=env, **kw)

    def send(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def answer(self, timeout=60):
        """(result, seconds, value): result None when it did not answer within timeout."""
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return None, timeout, None
        f = self.p.stdout.readline().split()
        if not f:
            return None, timeout, None
        return int(f[0]), float(f[1]) / 1e6, (int(f[2]) if len(f) > 2 else None)

    def call(self, line, timeout=60):
        self.send(line)
        return self.answer(timeout)

    def close(self):
        self.p.stdin.close()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
