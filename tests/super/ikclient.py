"""The Python side of ikclient (tests/super/ikclient.c): one libikernel client process driven
line by line, shared by the super tests."""
import os
import select
import subprocess

IKCLIENT = os.environ["IKCLIENT"]


class Client:
    """One ikclient process: a libikernel client of its own, optionally in runtime directory
    `rt` and as user `uid` (with that uid as its only group)."""

    def __init__(self, rt=None, uid=None):
        env = dict(os.environ, IKERNEL_RUNTIME_DIR=rt) if rt else None
        kw = {"user": uid, "group": uid, "extra_groups": []} if uid is not None else {}
        self.p = subprocess.Popen([IKCLIENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
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
