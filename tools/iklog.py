# SPDX-License-Identifier: MIT
"""Following the supervisor's log files, and the machine's load (tools/soak.py,
tools/campaign.py)."""
import os
import re

# A log line may start with its time (ISO 8601, as the supervisor writes them): not part of it.
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)? ")


class LogTail:
    """New complete lines of a log file since the last look, without their time stamps; counts
    the bytes it grew by. From its start, or (from_end) from its size now. When the supervisor
    rotates the log (NAME.log becomes NAME.log.1, a new NAME.log starts), the rest of the old
    file is read from NAME.log.1 first."""
    def __init__(self, path, from_end=False):
        self.path, self.off, self.grown, self.ino = path, 0, 0, None
        if from_end:
            try:
                st = os.stat(path)
                self.off, self.ino = st.st_size, st.st_ino
            except OSError:
                pass

    @staticmethod
    def _read(path, off, ino=None):
        try:
            with open(path, "rb") as f:
                if ino is not None and os.fstat(f.fileno()).st_ino != ino:
                    return b""
                f.seek(off)
                return f.read()
        except OSError:
            return b""

    def lines(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return []
        text = b""
        if self.ino is not None and st.st_ino != self.ino:  # rotated
            rest = self._read(self.path + ".1", self.off, self.ino)
            self.grown += len(rest)
            text = rest if not rest or rest.endswith(b"\n") else rest + b"\n"
            self.off = 0
        elif st.st_size < self.off:  # started afresh
            self.off = 0
        self.ino = st.st_ino
        data = self._read(self.path, self.off)
        cut = data.rfind(b"\n") + 1
        self.off += cut
        self.grown += cut
        text += data[:cut]
        return [STAMP.sub("", ln) for ln in text.decode(errors="replace").splitlines()]


def load_warning(what, when="at the start"):
    """A warning line when the 1-minute load average exceeds the CPU count, else None: on a
    loaded machine calls are slower and deadlines closer."""
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    if load <= cpus:
        return None
    return ("%s: warning: load average %.2f %s exceeds the %d CPUs: calls are slower and "
            "deadlines closer than on a quiet machine" % (what, load, when, cpus))
