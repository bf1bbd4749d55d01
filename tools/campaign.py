#!/usr/bin/env python3
"""Fault-injection campaign (docs/RELIABILITY.md).

Starts a supervisor (`ikernel up`) on campaign manifests of four drivers -- our led and nulldev
and the unmodified Linux 6.1 nvram and wdt (BUILD/drivers/linux/*.img, `ninja -C BUILD
linux-drivers`) -- with fast restarts, a short hang deadline and transparent recovery, opens
their device files, and per driver runs a loop: inject one fault (`ikernel inject` protocol,
spoken directly on the monitor's socket), run a checking workload on the device files with 2-4
concurrent clients, each on its own open file (every answer compared with what it must be),
read the driver's log to see whether and how the VM ended, undo the fault if it did not
(revert code patches; restart the driver after guest faults with lasting effects), tally per
class and per driver.

  campaign.py BUILD_DIR --faults N [--report docs/RELIABILITY.md] [--plot P.png]
              [--json out.json] [--seed S] [--drivers led,nulldev,nvram,wdt[,ne2000]]
              [--nic-faults N] [--clients N] [--keep]

With ne2000 in --drivers the NIC is covered too (campaign_nic.py: the unmodified Linux NE2000
under TCP transfers between two network namespaces the campaign creates and removes; root).
Its figures go to their own section of the report, so a NIC-only run leaves the others' alone.

Exit status 0 when the criteria for fail-stop faults hold: 100 % host survival, 0 client hangs,
the supervisor stops on `ikernel down`, no byte corrupted or lost by a fail-stop fault, and
>= 99.9 % of the detected fail-stop faults recovered transparently (the report also says
whether the full criteria, counting the silent code faults too, hold).
"""
import argparse
import collections
import errno
import fcntl
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from iklog import LogTail, load_warning
import campaign_nic
import traceback
import zlib
from concurrent.futures import ThreadPoolExecutor

IK_CTL_MAGIC = 0x4C54434B
IK_ABI_VERSION = 1
IK_HELLO_INJECT = 0x4A4E4955
IK_NOTICE_INJECTED = 4
LED_GET = 0x80044C01
LED_SET = 0x40044C02
NULLDEV_SIZE = 65536
NVRAM_SIZE = 114         # drivers/char/nvram.c on x86: CMOS bytes 14..127
NVRAM_CKS_RANGE = (2, 32)  # the checksum covers these bytes of the device (CMOS 0x10..0x2d)...
NVRAM_CKS_LOC = 32       # ...and is kept, big-endian, in bytes 32..33 (pc_nvram_write sets it)
NVRAM_SETCKS = 0x7041    # _IO('p', 0x41), CAP_SYS_ADMIN
WDIOC_GETSUPPORT = 0x80285700
WDIOC_GETSTATUS = 0x80045701
WDIOC_KEEPALIVE = 0x80045705
WDIOC_SETTIMEOUT = 0xC0045706
WDIOC_GETTIMEOUT = 0x80045707
# wdt.c loads timeout * 100 into a 16-bit counter of the card: up to 655 s it is exact.
WDT_TIMEOUTS = (60, 655)
# wdt.c, type=501, no tachometer: WDIOF_ OVERHEAT EXTERN1 EXTERN2 POWERUNDER POWEROVER
# SETTIMEOUT MAGICCLOSE KEEPALIVEPING; firmware version 1; identity.
WDT_SUPPORT = (0x0001 | 0x0004 | 0x0008 | 0x0010 | 0x0040 | 0x0080 | 0x0100 | 0x8000,
               1, b"WDT500/501")
WDT_TEMP = 40  # what the temperature node reads on the wdt501 model's default board (temp=40)
OP_TIMEOUT_S = 60  # an operation blocked this long is a client hang

# class -> (kind, family). kind: code patch or guest hook; family: SWIFI or lkdtm.
CODE_CLASSES = ["code-flip", "deleted-instruction", "skipped-init", "corrupt-dst-reg",
                "corrupt-src-reg", "removed-branch", "inverted-condition", "corrupt-pointer",
                "dropped-argument"]
GUEST_CLASSES = ["panic", "bug", "warning", "exception", "null", "loop", "softlockup",
                 "stack-exhaust", "stack-corrupt", "stack-flip", "list-corrupt", "uaf",
                 "double-free", "exec-data", "exec-stack", "exec-heap", "write-ro", "write-code",
                 "unaligned", "copy-overrun", "alloc-fail", "leak", "lock", "irq-drop",
                 "hang-request", "wild-write"]
# Guest faults that model silent data corruption (a bit flip in the stack, a write through a
# corrupted pointer): like the code faults, they may change data without ever crashing, which no
# isolation can notice; the fail-stop criterion leaves them out, the full one does not.
SILENT = {"stack-flip", "wild-write"}
# Guest faults whose effect outlives the call: the driver is restarted afterwards if its VM
# did not end by itself, so the next fault starts from a clean driver.
LASTING = {"stack-flip", "alloc-fail", "leak", "wild-write", "irq-drop", "warning",
           "unaligned", "copy-overrun"}

MANIFEST = """[driver]
name = {name}
image = {image}
memory = 4M
{params}hang_ms = 100
restart = always
restart_delay = 1ms
restart_delay_max = 5ms
restart_limit = 0
recovery = transparent
recovery_state = {state}
recovery_idempotent = {idem}
request_timeout = 300ms
recovery_wait = 20s
{device}
{nodes}"""


# ---- code targets ------------------------------------------------------------------------------

INSN = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(\S+)\s*(.*)$")
FUNC = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")


def code_targets(image, own):
    """Instructions of the driver's own functions (own(name) is true for them):
    [(addr, bytes, mnemonic, operands, function)]."""
    out = subprocess.run(["objdump", "-d", "-w", image], capture_output=True, text=True,
                         check=True).stdout
    insns, func, seen = [], None, collections.Counter()
    for line in out.splitlines():
        m = FUNC.match(line)
        if m:
            func = m.group(1)
            seen[func] += 1
            continue
        m = INSN.match(line)
        if m and func and own(func):
            insns.append((int(m.group(1), 16), bytes.fromhex(m.group(2).replace(" ", "")),
                          m.group(3), m.group(4), func))
    # A name defined twice (a static function of the same name elsewhere in the image) is
    # ambiguous: leave it out rather than patch code that is not the driver's.
    return [x for x in insns if seen[x[4]] == 1]


def object_functions(objdir):
    """Names of the functions compiled from a Linux driver's source: the text symbols of its
    object file (the unit holds the untouched driver and nothing else; the compat layer and the
    runtime are linked from libraries)."""
    names = set()
    for obj in sorted(os.listdir(objdir)):
        if obj.endswith(".o"):
            out = subprocess.run(["nm", "--defined-only", os.path.join(objdir, obj)],
                                 capture_output=True, text=True, check=True).stdout
            names.update(f[2] for f in (ln.split() for ln in out.splitlines())
                         if len(f) == 3 and f[1] in "tT")
    return names


MODRM_OPS = {0x89, 0x8B, 0x01, 0x03, 0x29, 0x2B, 0x31, 0x33, 0x39, 0x3B, 0x85, 0x21, 0x23,
             0x09, 0x0B, 0x88, 0x8A}


def modrm_index(b):
    i = 0
    while i < len(b) and (0x40 <= b[i] <= 0x4F or b[i] in (0x66, 0xF2, 0xF3)):
        i += 1
    if i + 1 < len(b) and b[i] in MODRM_OPS:
        return i + 1
    return None


def plan_code_fault(cls, insns, rng):
    """A spec for `inject` (flip/nop at an address), or None when the driver has no target."""
    def pick(pred):
        cands = [x for x in insns if pred(x)]
        return rng.choice(cands) if cands else None

    if cls == "code-flip":
        a, b, *_ = rng.choice(insns)
        return "flip at=%#x bit=%d" % (a + rng.randrange(len(b)), rng.randrange(8))
    if cls == "deleted-instruction":
        x = rng.choice([x for x in insns if len(x[1]) <= 16])
        return "nop at=%#x len=%d" % (x[0], len(x[1]))
    if cls == "skipped-init":
        x = pick(lambda x: x[2].startswith("mov") and "$" in x[3] and "(" in x[3]) or \
            pick(lambda x: x[2].startswith("mov") and "$" in x[3])
    elif cls in ("corrupt-dst-reg", "corrupt-src-reg"):
        x = pick(lambda x: modrm_index(x[1]) is not None)
        if x:
            bit = rng.randrange(3) + (0 if cls == "corrupt-dst-reg" else 3)
            return "flip at=%#x bit=%d" % (x[0] + modrm_index(x[1]), bit)
    elif cls == "removed-branch":
        x = pick(lambda x: x[2].startswith("j") and not x[2].startswith("jmp"))
    elif cls == "inverted-condition":
        x = pick(lambda x: x[2].startswith("j") and not x[2].startswith("jmp"))
        if x:
            off = 1 if x[1][0] == 0x0F else 0
            return "flip at=%#x bit=0" % (x[0] + off)
    elif cls == "corrupt-pointer":
        x = pick(lambda x: re.search(r"0x[0-9a-f]+\(%r", x[3]) and len(x[1]) >= 3)
        if x:
            return "flip at=%#x bit=%d" % (x[0] + len(x[1]) - 1, rng.randrange(8))
    elif cls == "dropped-argument":
        x = pick(lambda x: x[2].startswith(("mov", "lea")) and
                 re.search(r",%(e|r)(di|si|dx)$", x[3]))
    else:
        raise ValueError(cls)
    if not x:
        return None
    return "nop at=%#x len=%d" % (x[0], len(x[1]))


# ---- talking to the monitor --------------------------------------------------------------------

def inject(rtdir, name, spec, wait_s=20.0):
    """Send one injection spec; returns the monitor's answer. Retries while the driver restarts."""
    req = struct.pack("<IIII", IK_CTL_MAGIC, IK_ABI_VERSION, IK_HELLO_INJECT, 0)
    req += spec.encode().ljust(256, b"\0")[:256]
    deadline = time.monotonic() + wait_s
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            s.settimeout(5)
            s.connect(os.path.join(rtdir, name + ".sock"))
            s.send(req)
            ans = s.recv(264)
            s.close()
            magic, kind = struct.unpack("<II", ans[:8])
            text = ans[8:].split(b"\0")[0].decode(errors="replace")
            if magic == IK_CTL_MAGIC and kind == IK_NOTICE_INJECTED and \
                    "is not running" not in text:
                return text
        except OSError:
            pass
        if time.monotonic() > deadline:
            return "error: driver %s unreachable" % name
        time.sleep(0.002)


# Monitor lines that are no detection: a driver up, a VM's name freed after its end (the end
# itself has its own line), a stop the campaign asked for (`ikernel restart` after a fault that
# did not end the VM), a NIC's host interface (its carrier at a start; the relay's I/O error
# when the VM ended, which has its own line), a wire TAP its previous monitor still held at a
# restart (the supervisor tries again).
NOT_AN_END = re.compile(r"^ikernel: (driver '[^']*' (ready in |is gone \(status |stopped$"
                        r"|host interface )|.*cannot be served"
                        r"|device '[^']*': cannot initialise: wire tap:.*busy)")


def vm_end_reasons(lines):
    out = []
    for ln in lines:
        if ln.startswith("ikernel: ") and not NOT_AN_END.match(ln):
            out.append(ln[len("ikernel: "):])
        elif ln.startswith("[super] monitor pid") and "killed by signal" in ln:
            out.append(ln)
    return out


def reason_kind(r):
    for k in ("page fault", "general protection", "invalid opcode", "hung", "not answered",
              "BUG", "panic", "violation", "stack overflow", "killed by signal", "crashed"):
        if k in r:
            return k
    return "other"


# ---- workloads ---------------------------------------------------------------------------------

class Workload:
    """A checking client of one driver: step() runs a round of operations and compares every
    answer with what the device must hold; resync() puts the device's state back after a fault
    that did not end the VM; check_log() counts wrong behaviour only the driver's log shows."""
    def __init__(self, path, flags=os.O_RDWR):
        self.fd = os.open(path, flags)
        self.errors = 0
        self.eio = 0
        self.bad_bytes = 0
        self.ops = 0

    def op(self, fn):
        self.ops += 1
        try:
            fn()
        except OSError as e:
            self.errors += 1
            if e.errno == errno.EIO:
                self.eio += 1

    def check_log(self, lines):
        return 0

    def close(self):
        os.close(self.fd)


class LedWorkload(Workload):
    def resync(self):
        try:
            if self.pattern is not None:
                self.seen_ok.add(self.pattern)
                fcntl.ioctl(self.fd, LED_SET, struct.pack("I", self.pattern))
                self.last_ioctl = self.pattern
        except OSError:
            pass

    def __init__(self, devdir, rng):
        super().__init__(os.path.join(devdir, "led0"))
        self.rng = rng
        self.pattern = None
        self.last_write = self.last_ioctl = None
        # What the concurrent readers (LedReader) may see during this round: the pattern at its
        # start, every pattern the writer set or is setting, 0 (a restarted driver before the
        # writer's file has replayed its state), and the last write and last LED_SET (the
        # replay sets both, in their order). Patterns go in before the call.
        self.seen_ok = {0}

    def new_round(self):
        self.seen_ok = {0, self.pattern, self.last_write, self.last_ioctl}

    def step(self):
        def set_write():
            p = self.rng.randrange(256)
            self.seen_ok.add(p)
            os.pwrite(self.fd, b"0x%02x\n" % p, 0)
            self.pattern = self.last_write = p

        def set_ioctl():
            p = self.rng.randrange(256)
            self.seen_ok.add(p)
            fcntl.ioctl(self.fd, LED_SET, struct.pack("I", p))
            self.pattern = self.last_ioctl = p

        def check_read():
            got = os.pread(self.fd, 16, 0)
            if self.pattern is not None and got != b"0x%02x\n" % self.pattern:
                self.bad_bytes += 1
                self.mismatch = (got, self.pattern)

        def check_ioctl():
            buf = bytearray(4)
            fcntl.ioctl(self.fd, LED_GET, buf)
            if self.pattern is not None and struct.unpack("I", buf)[0] != self.pattern:
                self.bad_bytes += 1

        self.op(self.rng.choice([set_write, set_ioctl]))
        self.op(check_read)
        self.op(check_ioctl)


class LedReader(Workload):
    """A concurrent reader of led0 (it sets nothing, so its recovery replays nothing): read
    and LED_GET must give a well-formed pattern that the writer set during the round."""
    def __init__(self, path, rng, writer):
        super().__init__(path, os.O_RDONLY)
        self.rng, self.writer = rng, writer

    def resync(self):
        pass

    def step(self):
        def check_read():
            got = os.pread(self.fd, 16, 0)
            ok = len(got) == 5 and got[:2] == b"0x" and got[4:] == b"\n"
            try:
                v = int(got[2:4], 16) if ok else None
            except ValueError:
                v = None
            if v is None or b"0x%02x\n" % v != got or v not in self.writer.seen_ok:
                self.bad_bytes += 1

        def check_ioctl():
            buf = bytearray(4)
            fcntl.ioctl(self.fd, LED_GET, buf)
            if struct.unpack("I", buf)[0] not in self.writer.seen_ok:
                self.bad_bytes += 1

        self.op(self.rng.choice([check_read, check_ioctl]))


class BlockWorkload(Workload):
    """A device of `size` bytes of storage: random writes at random offsets, each read back,
    plus a read of a random window, compared with a shadow copy of what must be there."""
    size = 0
    window = 0      # the size of the extra read
    min_write, max_write = 1, 0

    base = 0        # the client's region: [base, base + size)

    def __init__(self, path, rng):
        super().__init__(path)
        self.rng = rng
        self.shadow = bytearray(self.size)
        os.pwrite(self.fd, bytes(self.size), self.base)  # a known start: zeroes, recorded too
        self.settle()

    def settle(self):
        """What the driver itself keeps in the device after a write (nothing here)."""

    def resync(self):
        try:
            os.pwrite(self.fd, bytes(self.shadow), self.base)
        except OSError:
            pass

    def check(self, p, k):
        def f():
            got = os.pread(self.fd, k, self.base + p)
            want = bytes(self.shadow[p:p + k])
            if got != want:
                self.bad_bytes += sum(1 for a, b in zip(got, want) if a != b) + \
                    abs(len(got) - len(want))
        return f

    def step(self):
        n = self.rng.randrange(self.min_write, self.max_write + 1)
        pos = self.rng.randrange(self.size - n + 1)
        data = os.urandom(n)

        def write():
            k = os.pwrite(self.fd, data, self.base + pos)
            self.shadow[pos:pos + k] = data[:k]
            self.settle()

        self.op(write)
        self.op(self.check(pos, n))
        q = self.rng.randrange(self.size - self.window + 1)
        self.op(self.check(q, self.window))


class NullWorkload(BlockWorkload):
    size = NULLDEV_SIZE
    window = 4096
    min_write, max_write = 64, 4096

    def __init__(self, devdir, rng, part=0, parts=1):
        """Client `part` of `parts`: each owns its own slice of the device."""
        self.size = NULLDEV_SIZE // parts
        self.base = part * self.size
        super().__init__(os.path.join(devdir, "null0"), rng)


class NvramWorkload(BlockWorkload):
    """drivers/char/nvram.c on the CMOS model: 114 bytes; every write ends with the driver
    storing the checksum of bytes 2..31 in bytes 32..33, so the shadow does the same, and every
    read or write first checks it (a broken checksum fails the call with EIO)."""
    size = window = NVRAM_SIZE  # every step reads all of it back
    max_write = 32  # each byte is two port accesses (~50 us each): keep the steps short

    def __init__(self, devdir, rng):
        super().__init__(os.path.join(devdir, "nvram"), rng)

    def settle(self):
        s = sum(self.shadow[NVRAM_CKS_RANGE[0]:NVRAM_CKS_RANGE[1]]) & 0xffff
        self.shadow[NVRAM_CKS_LOC:NVRAM_CKS_LOC + 2] = struct.pack(">H", s)

    def resync(self):
        for attempt in range(2):
            try:
                os.pwrite(self.fd, bytes(self.shadow), 0)
                return
            except OSError as e:
                if e.errno != errno.EIO or attempt:
                    return
            try:  # a fault left a wrong checksum behind: set it, then write everything again
                fcntl.ioctl(self.fd, NVRAM_SETCKS, 0)
            except OSError:
                return


class NvramReader(Workload):
    """A concurrent reader of nvram (read-only: the driver allows a single writer): bytes
    2..33 must hold a consistent checksum (bytes 32..33, big-endian, the sum of 2..31) whatever
    the writer is doing, since each of the driver's writes sets it under its lock. 32 bytes per
    read: each byte is two port accesses."""
    def __init__(self, path, rng):
        super().__init__(path, os.O_RDONLY)
        self.rng = rng

    def resync(self):
        pass

    def step(self):
        def check():
            lo, hi = NVRAM_CKS_RANGE
            got = os.pread(self.fd, NVRAM_CKS_LOC + 2 - lo, lo)
            if len(got) != NVRAM_CKS_LOC + 2 - lo or \
                    sum(got[:hi - lo]) & 0xffff != struct.unpack(">H", got[hi - lo:])[0]:
                self.bad_bytes += 1

        self.op(check)


class WdtTempReader(Workload):
    """A concurrent reader of wdt's temperature node: one byte, 40."""
    def __init__(self, path, rng):
        super().__init__(path, os.O_RDONLY)

    def resync(self):
        pass

    def step(self):
        def check():
            if os.read(self.fd, 1) != bytes([WDT_TEMP]):
                self.bad_bytes += 1

        self.op(check)


class Clients:
    """The checking clients of one driver, each with its own open file: client 0 is the
    driver's workload (the state recovery must restore), the others run concurrently with it
    (`step` runs one round of every client at once, each on its own thread), so faults also
    fire while calls race. The figures are the sums over the clients."""
    def __init__(self, drv, devdir, rng):
        n = drv.clients
        seeds = [rng.getrandbits(64) for _ in range(n)]
        dev = lambda node: os.path.join(devdir, node)  # noqa: E731
        if drv.name == "nulldev":
            self.wls = [NullWorkload(devdir, random.Random(seeds[i]) if i else rng, i, n)
                        for i in range(n)]
        else:
            self.wls = [drv.workload(devdir, rng)]
            for i in range(1, n):
                r = random.Random(seeds[i])
                if drv.name == "led":
                    self.wls.append(LedReader(dev("led0"), r, self.wls[0]))
                elif drv.name == "nvram":
                    self.wls.append(NvramReader(dev("nvram"), r))
                elif drv.name == "wdt":
                    self.wls.append(WdtTempReader(dev("temperature"), r))
                else:
                    raise ValueError(drv.name)
        self.pool = ThreadPoolExecutor(n) if n > 1 else None

    errors = property(lambda self: sum(w.errors for w in self.wls))
    eio = property(lambda self: sum(w.eio for w in self.wls))
    bad_bytes = property(lambda self: sum(w.bad_bytes for w in self.wls))

    def step(self, rounds=1):
        def run(w):
            for _ in range(rounds):
                w.step()
        if hasattr(self.wls[0], "new_round"):
            self.wls[0].new_round()
        if not self.pool:
            return run(self.wls[0])
        for f in [self.pool.submit(run, w) for w in self.wls]:
            f.result()  # a broken workload (not an OSError) ends the campaign's thread

    def resync(self):
        for w in self.wls:
            w.resync()

    def check_log(self, lines):
        return self.wls[0].check_log(lines)

    def close(self):
        if self.pool:
            self.pool.shutdown()
        for w in self.wls:
            w.close()


class WdtWorkload(Workload):
    """drivers/watchdog/wdt.c on the wdt501 model: the watchdog node (the timeout is state,
    set at random and read back; keepalives by write and ioctl; status and identity checked)
    and the temperature node. A board reset in the log (the card was not fed) is wrong too."""
    def __init__(self, devdir, rng):
        super().__init__(os.path.join(devdir, "watchdog"), os.O_WRONLY)
        self.tfd = os.open(os.path.join(devdir, "temperature"), os.O_RDONLY)
        self.rng = rng
        self.timeout = None
        self.set_timeout()

    def int_ioctl(self, cmd, value=0):
        buf = bytearray(struct.pack("i", value))
        fcntl.ioctl(self.fd, cmd, buf)
        return struct.unpack("i", buf)[0]

    def set_timeout(self):
        t = self.rng.randint(*WDT_TIMEOUTS)
        got = self.int_ioctl(WDIOC_SETTIMEOUT, t)
        self.timeout = t
        if got != t:
            self.bad_bytes += 1

    def resync(self):
        try:
            if self.timeout is not None:
                self.int_ioctl(WDIOC_SETTIMEOUT, self.timeout)
        except OSError:
            pass

    def step(self):
        def keepalive():
            if self.rng.randrange(2):
                if os.write(self.fd, b"ping") != 4:
                    self.bad_bytes += 1
            else:
                self.int_ioctl(WDIOC_KEEPALIVE)

        def check_timeout():
            if self.int_ioctl(WDIOC_GETTIMEOUT, -1) != self.timeout:
                self.bad_bytes += 1

        def check_status():
            if self.int_ioctl(WDIOC_GETSTATUS, -1) != 0:  # cool, power good, not fired
                self.bad_bytes += 1

        def check_support():
            buf = bytearray(b"\xff" * 40)
            fcntl.ioctl(self.fd, WDIOC_GETSUPPORT, buf)
            opts, fw = struct.unpack("II", buf[:8])
            if (opts, fw, bytes(buf[8:40]).rstrip(b"\0")) != WDT_SUPPORT:
                self.bad_bytes += 1

        def check_temperature():
            if os.read(self.tfd, 1) != bytes([WDT_TEMP]):
                self.bad_bytes += 1

        self.op(self.set_timeout if self.rng.randrange(2) else keepalive)
        self.op(check_timeout)
        self.op(self.rng.choice([check_status, check_support, check_temperature]))

    def check_log(self, lines):
        return sum(1 for ln in lines if "BOARD RESET" in ln)

    def close(self):
        try:
            os.write(self.fd, b"V")  # magic close: the card is stopped, no reset afterwards
        except OSError:
            pass
        os.close(self.tfd)
        super().close()


# ---- the campaign ------------------------------------------------------------------------------

class Tally:
    """Counts per class (all drivers), per driver and class, and the ways VMs ended."""
    def __init__(self):
        self.c = collections.defaultdict(collections.Counter)
        self.d = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
        self.reasons = collections.Counter()
        self.recovery = collections.defaultdict(list)  # NIC: outage and recovery per detection
        self.lock = threading.Lock()

    def add(self, driver, cls, **kw):
        with self.lock:
            for k, v in kw.items():
                self.c[cls][k] += v
                self.d[driver][cls][k] += v


def restart_driver(ctx, name):
    for _ in range(50):  # the binary may be being rebuilt meanwhile
        try:
            subprocess.run([ctx.exe, "restart", name], env=ctx.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            return
        except OSError:
            time.sleep(0.1)


def plan_fault(cls, insns, rng):
    if cls in CODE_CLASSES:
        spec = plan_code_fault(cls, insns, rng)
        return spec or "flip at=%#x bit=%d" % (rng.choice(insns)[0], rng.randrange(8))
    return "%s arg=%d" % (cls, rng.getrandbits(48))


def run_driver(ctx, drv, classes, count, tally, progress):
    name = drv.name
    rng = random.Random(ctx.seed ^ zlib.crc32(name.encode()))  # reproducible per driver
    wl = campaign_nic.NicClients(drv.topology) if drv.topology else \
        Clients(drv, os.path.join(ctx.rtdir, "dev"), rng)
    insns = code_targets(drv.image, drv.own)
    drv.targets = (len({x[4] for x in insns}), len(insns))
    log = LogTail(os.path.join(ctx.rtdir, "logs", name + ".log"), from_end=True)
    for i in range(count):
        cls = classes[i % len(classes)]
        e0, eio0, bad0 = wl.errors, wl.eio, wl.bad_bytes
        spec = plan_fault(cls, insns, rng)
        progress[name] = time.monotonic()  # the workload's calls in flight since (hang watch)
        if getattr(wl, "fault_during_step", False):
            # The NIC: the fault goes in during the checker's first transfer (a crash mid-TCP).
            answer = []
            wl.step(rounds=1, during=lambda: answer.append(inject(ctx.rtdir, name, spec)))
            ans = answer[0] if answer else "error: not injected"
        else:
            ans = inject(ctx.rtdir, name, spec)
            if ans.startswith("ok:"):
                wl.step(rounds=2)
        progress.pop(name, None)  # between calls, and once this driver is done, nothing to watch
        if not ans.startswith("ok:"):
            tally.add(name, cls, inject_failed=1)
            continue
        lines = log.lines()
        ends = vm_end_reasons(lines)
        fired = any("fault injection:" in ln for ln in lines)
        errs, eios = wl.errors - e0, wl.eio - eio0
        bad = wl.bad_bytes - bad0 + wl.check_log(lines)
        if bad:
            wl.resync()  # the damage stays in the device: count it once, for this fault
        detected = bool(ends)
        activated = detected or errs > 0 or bad > 0 or fired
        if not detected:
            # Undo: code patches reverted; a guest fault with lasting effects, a code fault
            # that had an effect (it may have damaged the driver's state silently), or any fault
            # the clients saw fail without the VM ending (the NIC's `lock`: no request timeout
            # ends a driver that waits forever): a fresh driver. Either way the device's data is
            # put back (resync), so nothing a silent fault left behind is charged to the faults
            # that come after it.
            inject(ctx.rtdir, name, "revert")
            if (cls in LASTING and fired) or (cls in CODE_CLASSES and activated) or errs > 0:
                restart_driver(ctx, name)
                progress[name] = time.monotonic()
                wl.resync()
                wl.step()
                progress.pop(name, None)
                bad += wl.check_log(log.lines())
            elif cls in CODE_CLASSES:
                wl.resync()
        with tally.lock:
            for r in ends:
                tally.reasons[reason_kind(r)] += 1
            if detected and getattr(wl, "last", None):
                tally.recovery[name].append(dict(wl.last, cls=cls))
        tally.add(name, cls, injected=1, activated=int(activated), detected=int(detected),
                  recovered=int(detected and errs == 0 and bad == 0),
                  eio=int(detected and eios > 0), errors=errs, bad_bytes=bad,
                  undetected_effect=int(not detected and (errs > 0 or bad > 0)))
        ctx.done += 1
    wl.close()


class Ctx:
    pass


class Driver:
    """One driver of the campaign: its image, where its code is (own(function name)), its
    campaign manifest's parts, and its checking clients."""
    def __init__(self, name, image, origin, workload, state, idem, params=(), device="",
                 nodes=(), prefix=None, objdir=None, clients=1):
        self.name, self.image, self.origin, self.workload = name, image, origin, workload
        self.clients = clients  # concurrent checking clients (Clients)
        self.topology = None    # the NIC's namespaces (campaign_nic.Topology)
        self.state, self.idem, self.params, self.device = state, idem, params, device
        self.nodes, self.prefix, self.objdir = nodes, prefix, objdir

    def own(self, func):
        if self.prefix:
            return func.startswith(self.prefix)
        if not hasattr(self, "functions"):
            self.functions = object_functions(self.objdir)
        return func in self.functions

    def manifest(self):
        if self.topology:
            return campaign_nic.manifest(self.image, self.topology.net.a)
        return MANIFEST.format(
            name=self.name, image=self.image, state=self.state, idem=self.idem,
            params="".join("param = %s\n" % p for p in self.params), device=self.device,
            nodes="".join("[node %s]\nmode = 0666\n" % n for n in self.nodes))


OURS = "ours"
LINUX = "Linux 6.1, unmodified"


def campaign_drivers(build):
    """The drivers, our own and unmodified Linux ones (docs/RELIABILITY.md, Method)."""
    def img(rel):
        return os.path.abspath(os.path.join(build, rel))

    return [
        Driver("led", img("drivers/led.img"), OURS, LedWorkload, prefix="led_",
               state="ioctl:0x40044c02 write:last",
               idem="read write llseek poll ioctl:0x80044c01 ioctl:0x40044c02",
               params=["io=0x378"], device="[device parport]\nmodel = parport\nport = 0x378\n",
               nodes=["led0"], clients=3),
        Driver("nulldev", img("drivers/nulldev.img"), OURS, NullWorkload, prefix="nulldev_",
               state="write:all", idem="read write llseek ioctl:*", nodes=["null0"], clients=4),
        # No backing file for the CMOS: a restarted driver VM (a new monitor) starts from a
        # fresh CMOS, so its data come back only through the replay of the recorded writes.
        Driver("nvram", img("drivers/linux/nvram.img"), LINUX, NvramWorkload,
               objdir=img("drivers/linux/nvram.img.p"), state="write:all",
               idem="read write llseek ioctl:%#x" % NVRAM_SETCKS,
               params=["ikernel.caps=sys_admin"],  # NVRAM_SETCKS (resync after a fault)
               device="[device cmos]\nmodel = cmos\nport = 0x70\n", nodes=["nvram"],
               clients=2),  # two: each call is ~150 port accesses (RELIABILITY.md, Method)
        Driver("wdt", img("drivers/linux/wdt.img"), LINUX, WdtWorkload,
               objdir=img("drivers/linux/wdt.img.p"), state="ioctl:%#x" % WDIOC_SETTIMEOUT,
               idem="read write ioctl:*", params=["io=0x240", "irq=11", "type=501"],
               device="[device board]\nmodel = wdt501\nport = 0x240\nirq = 11\n",
               nodes=["watchdog", "temperature"], clients=3),
        # The NIC (campaign_nic.py): only when asked for (--drivers), since it needs root and
        # network namespaces; its checker is TCP between two namespaces of the campaign's own.
        Driver("ne2000", img("drivers/linux/ne2000.img"), LINUX, None,
               objdir=img("drivers/linux/ne2000.img.p"), state="", idem=""),
    ]


DEFAULT_DRIVERS = "led,nulldev,nvram,wdt"


def write_manifests(drivers, d):
    for drv in drivers:
        with open(os.path.join(d, drv.name + ".ini"), "w") as f:
            f.write(drv.manifest())


def stop_supervisor(ctx, mdir):
    """`ikernel down`; True when the supervisor then ends (its device files unmounted). If it
    does not within 20 s, say so, end it (SIGKILL, by the pid whose command line names this
    run's manifests) and unmount, so that no campaign leaves a supervisor behind."""
    dev = os.path.join(ctx.rtdir, "dev")
    try:
        subprocess.run([ctx.exe, "down"], env=ctx.env, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + 20
    while os.path.ismount(dev) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not os.path.ismount(dev):
        return True
    print("campaign: FAIL: the supervisor did not stop after 'ikernel down' (logs: %s)"
          % os.path.join(ctx.rtdir, "logs"))
    want = ("up --detach " + mdir).encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if want in f.read().replace(b"\0", b" "):
                    os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
    subprocess.run(["umount", "-l", dev], capture_output=True)
    return False


def supervisor_alive(ctx):
    r = subprocess.run([ctx.exe, "status", "--json"], env=ctx.env, capture_output=True, text=True)
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--faults", type=int, default=10000)
    ap.add_argument("--report")
    ap.add_argument("--plot")
    ap.add_argument("--json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--drivers", default=DEFAULT_DRIVERS,
                    help="comma-separated, of led,nulldev,nvram,wdt,ne2000 (default: %s; "
                    "ne2000 needs root and network namespaces)" % DEFAULT_DRIVERS)
    ap.add_argument("--nic-faults", type=int, help="faults for ne2000 on top of --faults "
                    "(default: an even share of --faults); each is ~1-2 s of TCP transfers")
    ap.add_argument("--clients", type=int, help="concurrent checking clients per driver "
                    "(default: led 3, nulldev 4, nvram 2, wdt 3; 1: the writer alone)")
    ap.add_argument("--keep", action="store_true", help="keep the runtime dir (logs) afterwards")
    a = ap.parse_args()
    if not os.access("/dev/kvm", os.R_OK | os.W_OK) or not os.path.exists("/dev/fuse"):
        print("campaign: needs /dev/kvm and /dev/fuse: skipped")
        return 77
    ctx = Ctx()
    ctx.seed = a.seed
    ctx.done = 0
    ctx.exe = os.path.abspath(os.path.join(a.build, "src/cli/ikernel"))
    drivers = campaign_drivers(a.build)
    unknown = set(a.drivers.split(",")) - {d.name for d in drivers}
    if unknown:
        print("campaign: unknown driver(s) %s" % ", ".join(sorted(unknown)))
        return 2
    drivers = [d for d in drivers if d.name in a.drivers.split(",")]
    for d in drivers:
        d.clients = a.clients or d.clients
    missing = [d.image for d in drivers if not os.path.exists(d.image)]
    if missing:
        print("campaign: missing driver image(s) %s (the Linux ones: ninja -C %s linux-drivers)"
              % (", ".join(missing), a.build))
        return 1
    warn = load_warning("campaign")
    if warn:
        print(warn, flush=True)
    nic = [d for d in drivers if d.name == "ne2000"]
    ctx.topology = None
    if nic:
        try:
            ctx.topology = nic[0].topology = campaign_nic.Topology()
        except RuntimeError as e:
            print("campaign: %s: skipped" % e)
            return 77

    def on_signal(sig, frame):
        raise KeyboardInterrupt()
    # meson ends a test that runs out of time with SIGTERM: stop the supervisor all the same
    # (a killed campaign left `ikernel up` and its drivers running), then remove the
    # namespaces (installed after the Topology, whose NetPair has handlers of its own that
    # would remove them with the supervisor still running).
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        return run_campaign(a, ctx, drivers)
    finally:
        if ctx.topology:  # the namespaces go, whatever happened (also after a signal)
            ctx.topology.cleanup()


def run_campaign(a, ctx, drivers):
    """The runtime directory and manifests, then the campaign; the supervisor stopped also on
    a signal."""
    tmp = tempfile.mkdtemp(prefix="ikcampaign.")
    ctx.rtdir = os.path.join(tmp, "run")
    os.mkdir(ctx.rtdir)
    mdir = os.path.join(tmp, "manifests")
    os.mkdir(mdir)
    write_manifests(drivers, mdir)
    ctx.env = dict(os.environ, IKERNEL_RUNTIME_DIR=ctx.rtdir)
    try:
        return campaign(a, ctx, drivers, tmp, mdir)
    except KeyboardInterrupt:
        print("campaign: interrupted: stopping the supervisor", flush=True)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if stop_supervisor(ctx, mdir) and not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("campaign: logs kept in %s" % os.path.join(ctx.rtdir, "logs"))
        return 130


def campaign(a, ctx, drivers, tmp, mdir):
    """Bring the drivers up, inject the faults, stop the supervisor, report."""
    # With the NIC the supervisor runs in namespace B (its card's wire is a TAP there); the
    # others do not mind which network namespace they are in.
    pre = ctx.topology.prefix() if ctx.topology else []
    up = subprocess.run(pre + [ctx.exe, "up", "--detach", mdir], env=ctx.env,
                        capture_output=True, text=True)
    if up.returncode != 0:
        print("campaign: ikernel up failed:", up.stdout, up.stderr)
        stop_supervisor(ctx, mdir)
        return 1
    if ctx.topology:
        try:
            ctx.topology.start()
        except RuntimeError as e:
            print("campaign: ne2000: %s" % e)
            stop_supervisor(ctx, mdir)
            return 1
    tally = Tally()
    classes = CODE_CLASSES + GUEST_CLASSES
    progress, hangs, crashed = {}, [], []
    t0 = time.monotonic()
    # The faults are shared out evenly; every driver goes round robin over all the classes.
    # With --nic-faults the NIC's come on top, the others share --faults.
    shared = [d for d in drivers if a.nic_faults is None or not d.topology] or [None]
    per = {d.name: a.faults // len(shared) + (i < a.faults % len(shared))
           for i, d in enumerate(shared) if d}
    per.update({d.name: a.nic_faults for d in drivers if d.name not in per})
    ctx.total = a.total = sum(per.values())
    threads = []
    for drv in drivers:
        def body(drv=drv):
            try:
                run_driver(ctx, drv, classes, per[drv.name], tally, progress)
            except Exception:  # a broken campaign, not a result: say so, fail the run
                crashed.append(drv.name)
                traceback.print_exc()
        t = threading.Thread(target=body, daemon=True)
        t.start()
        threads.append(t)
    last_print = 0
    while any(t.is_alive() for t in threads):
        time.sleep(0.5)
        now = time.monotonic()
        for name, ts in list(progress.items()):
            if now - ts > OP_TIMEOUT_S and name not in hangs:
                hangs.append(name)
        if hangs:
            break
        if now - last_print > 10:
            print("campaign: %d/%d faults, %.0f s" % (ctx.done, ctx.total, now - t0), flush=True)
            last_print = now
    elapsed = time.monotonic() - t0
    host_ok = supervisor_alive(ctx)
    stopped = stop_supervisor(ctx, mdir)
    if a.keep or not stopped:
        print("campaign: logs kept in %s" % os.path.join(ctx.rtdir, "logs"))
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    summary = report(a, drivers, tally, hangs, host_ok, elapsed, stopped)
    return 0 if summary["pass"] and not crashed else 1


def class_rows(counts):
    return [(cls, counts.get(cls, collections.Counter())) for cls in CODE_CLASSES + GUEST_CLASSES]


def figures(rows):
    """The report's figures over (class, counts) rows: all drivers, or one."""
    tot = collections.Counter()
    for _, c in rows:
        tot.update(c)
    det = tot["detected"]
    guest_bad = sum(c["bad_bytes"] for cls, c in rows if cls in GUEST_CLASSES)
    failstop = [c for cls, c in rows if cls in GUEST_CLASSES and cls not in SILENT]
    failstop_det = sum(c["detected"] for c in failstop)
    return {
        "faults_injected": tot["injected"], "activated": tot["activated"],
        "detected": det, "recovered_transparently": tot["recovered"], "failed_eio": tot["eio"],
        "recovered_pct": 100.0 * tot["recovered"] / det if det else 100.0,
        "client_errors": tot["errors"], "undetected_effect": tot["undetected_effect"],
        "bytes_corrupted": tot["bad_bytes"],
        "bytes_corrupted_guest_classes": guest_bad,
        "bytes_corrupted_code_classes": tot["bad_bytes"] - guest_bad,
        "bytes_corrupted_failstop_classes": sum(c["bad_bytes"] for c in failstop),
        "recovered_pct_failstop_classes": (100.0 * sum(c["recovered"] for c in failstop) /
                                           failstop_det if failstop_det else 100.0),
        "inject_failed": tot["inject_failed"],
    }


def report(a, drivers, tally, hangs, host_ok, elapsed, stopped):
    rows = class_rows(tally.c)
    summary = figures(rows)
    summary.update({
        "client_hangs": len(hangs), "host_survival_pct": 100.0 if host_ok else 0.0,
        "supervisor_stopped_on_down": stopped,
        "elapsed_s": elapsed, "detection_reasons": dict(tally.reasons),
        "per_class": {cls: dict(c) for cls, c in rows},
        "per_driver": {d.name: dict(figures(class_rows(tally.d[d.name])), origin=d.origin,
                                    code_targets=getattr(d, "targets", (0, 0)),
                                    per_class={cls: dict(c) for cls, c in
                                               class_rows(tally.d[d.name])})
                       for d in drivers},
    })
    for d in drivers:
        if d.topology:
            summary["per_driver"][d.name]["recovery"] = campaign_nic.recovery_figures(
                tally.recovery[d.name])
    tot = {"injected": summary["faults_injected"], "bad_bytes": summary["bytes_corrupted"]}
    rec_pct = summary["recovered_pct"]
    failstop_bad = summary["bytes_corrupted_failstop_classes"]
    failstop_rec_pct = summary["recovered_pct_failstop_classes"]
    # The full criteria (issue 6) and what holds for fail-stop faults (the guest classes but
    # SILENT): silent corruption by a fault that never crashes cannot be caught by isolation.
    base = tot["injected"] >= a.total * 0.99 and host_ok and stopped and not hangs
    # A NIC delivers no wrong byte whatever the fault: TCP's checksums catch corruption.
    nic_bad = sum(summary["per_driver"][d.name]["bytes_corrupted"] for d in drivers
                  if d.topology)
    summary["pass_all"] = base and tot["bad_bytes"] == 0 and rec_pct >= 99.9
    summary["pass"] = base and failstop_bad == 0 and failstop_rec_pct >= 99.9 and nic_bad == 0
    print(json.dumps({k: v for k, v in summary.items() if k not in ("per_class", "per_driver")},
                     indent=1))
    for d in drivers:
        f = summary["per_driver"][d.name]
        print("campaign: %-8s %5d injected, %5d activated, %5d detected, %5d recovered, "
              "%d EIO, %d client errors, %d bytes corrupted (fail-stop classes: %d)" % (
                  d.name, f["faults_injected"], f["activated"], f["detected"],
                  f["recovered_transparently"], f["failed_eio"], f["client_errors"],
                  f["bytes_corrupted"], f["bytes_corrupted_failstop_classes"]))
        if "recovery" in f:
            print("campaign: %-8s %s" % (d.name, campaign_nic.recovery_line(f["recovery"])))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=1)
    if a.report:
        nic = [d for d in drivers if d.topology]
        if len(nic) < len(drivers):
            write_report(a, drivers, summary, rows)
        if nic:  # its own section, so that a NIC-only run leaves the others' figures alone
            campaign_nic.write_section(a.report, nic[0].name, summary["per_driver"][nic[0].name],
                                       " ".join(sys.argv[1:]))
    return summary


def per_driver_tables(L, drivers, s):
    L.append("\n## Per driver\n")
    L.append("| driver | origin | code targets | injected | activated | detected | recovered "
             "| EIO | client errors | undetected effect | bytes corrupted (fail-stop classes) |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for d in drivers:
        f = s["per_driver"][d.name]
        L.append("| %s | %s | %d functions, %d instructions | %d | %d | %d | %d (%.2f %%) | %d "
                 "| %d | %d | %d (%d) |" % (
                     d.name, d.origin, f["code_targets"][0], f["code_targets"][1],
                     f["faults_injected"], f["activated"], f["detected"],
                     f["recovered_transparently"], f["recovered_pct"], f["failed_eio"],
                     f["client_errors"], f["undetected_effect"], f["bytes_corrupted"],
                     f["bytes_corrupted_failstop_classes"]))
    L.append("\n### Per class and driver\n")
    L.append("Each cell: injected / activated / detected / recovered transparently; a `*` marks "
             "bytes corrupted (`*N`).\n")
    L.append("| class | " + " | ".join(d.name for d in drivers) + " |")
    L.append("|---|" + "---|" * len(drivers))
    for cls in CODE_CLASSES + GUEST_CLASSES:
        cells = []
        for d in drivers:
            c = s["per_driver"][d.name]["per_class"][cls]
            cell = "%d / %d / %d / %d" % (c.get("injected", 0), c.get("activated", 0),
                                          c.get("detected", 0), c.get("recovered", 0))
            if c.get("bad_bytes"):
                cell += " *%d" % c["bad_bytes"]
            cells.append(cell)
        L.append("| %s | %s |" % (cls, " | ".join(cells)))


def write_report(a, drivers, s, rows):
    plot_name = os.path.basename(a.plot) if a.plot else None
    if a.plot and shutil.which("gnuplot"):
        dat = a.plot + ".dat"
        with open(dat, "w") as f:
            for cls, c in rows:
                f.write("%s %d %d %d %d\n" % (cls, c["injected"], c["activated"], c["detected"],
                                              c["recovered"]))
        script = ("set terminal pngcairo size 1400,600 noenhanced\n" if subprocess.run(
            ["gnuplot", "-e", "set terminal pngcairo"], capture_output=True).returncode == 0
            else "set terminal png size 1400,600\n")
        script += ("set output '%s'\nset style data histograms\nset style histogram cluster gap 1\n"
                   "set style fill solid border -1\nset xtics rotate by -45\nset key top right\n"
                   "set ylabel 'faults'\nset title 'iKernel fault injection: %d faults, %d detected,"
                   " %.2f%% of detected recovered transparently'\n"
                   "plot '%s' using 2:xtic(1) title 'injected', '' using 3 title 'activated', "
                   "'' using 4 title 'detected (VM ended)', '' using 5 title 'recovered "
                   "transparently'\n") % (a.plot, s["faults_injected"], s["detected"],
                                          s["recovered_pct"], dat)
        subprocess.run(["gnuplot"], input=script, text=True)
        os.unlink(dat)
    else:
        plot_name = None
    L = []
    L.append("# Reliability: fault injection\n")
    L.append("Generated by `make campaign` (`tools/campaign.py`); do not edit by hand.\n")
    L.append("## Result\n")
    L.append("| | |\n|---|---|")
    L.append("| faults injected | %d |" % s["faults_injected"])
    L.append("| activated (an observable effect) | %d |" % s["activated"])
    L.append("| detected (the driver VM ended with a reason) | %d |" % s["detected"])
    L.append("| recovered transparently (client saw no error, all data right) | %d (%.2f %% of detected; "
             "fail-stop faults: %.2f %%) |" % (s["recovered_transparently"], s["recovered_pct"],
                                              s["recovered_pct_failstop_classes"]))
    L.append("| failed with EIO | %d |" % s["failed_eio"])
    L.append("| host survival | %.0f %% |" % s["host_survival_pct"])
    L.append("| client hangs | %d |" % s["client_hangs"])
    L.append("| bytes corrupted or lost | %d (code faults: %d, guest-hook faults: %d, of them "
             "fail-stop: %d) |" % (s["bytes_corrupted"], s["bytes_corrupted_code_classes"],
                                   s["bytes_corrupted_guest_classes"],
                                   s["bytes_corrupted_failstop_classes"]))
    L.append("| time | %.0f s |" % s["elapsed_s"])
    L.append("| all criteria met (incl. 0 bytes corrupted) | %s |" % ("yes" if s["pass_all"] else "**no**"))
    L.append("| criteria met for fail-stop faults (guest hooks but %s) | %s |\n" % (
        ", ".join(sorted(SILENT)), "yes" if s["pass"] else "**no**"))
    if plot_name:
        L.append("![per class](%s)\n" % plot_name)
    L.append("## Per class\n")
    L.append("| class | kind | injected | activated | detected | recovered | EIO | client errors | undetected effect | bytes corrupted |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    for cls, c in rows:
        kind = "code (monitor patch)" if cls in CODE_CLASSES else "guest hook"
        L.append("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d |" % (
            cls, kind, c["injected"], c["activated"], c["detected"], c["recovered"], c["eio"],
            c["errors"], c["undetected_effect"], c["bad_bytes"]))
    per_driver_tables(L, drivers, s)
    L.append("\n## How the VMs ended\n")
    L.append("| detection | count |\n|---|---|")
    for k, v in sorted(s["detection_reasons"].items(), key=lambda kv: -kv[1]):
        L.append("| %s | %d |" % (k, v))
    L.append(METHOD)
    tail = campaign_nic.kept_section(a.report) + soak_section(a.report)
    with open(a.report, "w") as f:
        f.write("\n".join(L) + "\n" + tail)


def soak_section(path):
    """The soak's section of the report (tools/soak.py writes it between its markers): kept."""
    try:
        text = open(path).read()
    except OSError:
        return ""
    mark = "<!-- soak: generated by"
    return "\n" + text[text.index(mark):] if mark in text else ""


METHOD = """
## Method

* **Drivers**: four (and the NIC with `--drivers ...,ne2000`, as `make campaign` runs it: its
  own section, *The NIC driver*), each under the supervisor with a campaign manifest (`hang_ms = 100`,
  `request_timeout = 300ms`, `restart = always`, `restart_delay = 1ms`,
  `recovery = transparent`), the faults shared out evenly:
  * ours: `led` (parallel-port LEDs on the parport model; state: `LED_SET` and the last write)
    and `nulldev` (64 KiB RAM device; state: every byte written);
  * unmodified Linux 6.1 (`drivers/linux/drivers.list`, built by `ninja -C build
    linux-drivers`): `nvram` (`drivers/char/nvram.c` on the MC146818 CMOS model, 114 bytes;
    state: every byte written; the CMOS has no backing file, so a restarted driver VM starts
    from a fresh CMOS and gets its data back only from the replay of the recorded writes) and
    `wdt` (`drivers/watchdog/wdt.c`, WDT501-P on the wdt501 model; state: `WDIOC_SETTIMEOUT`).
* **Clients**: through the FUSE device files (so through libikernel's recovery), several per
  driver, each with its own open file, running concurrently (each round starts every client's
  steps at once, so a fault fires while calls race): led 3, nulldev 4, nvram 2, wdt 3
  (`--clients`). Client 0 is the writer described next, the state recovery must restore;
  nulldev's four are all writers, each owning a quarter of the device; led's others read the
  pattern (`read` or `LED_GET`: well-formed and one the writer set during the round, its last
  write or `LED_SET` (the replay sets both), or 0 for a restarted driver before the writer's
  file replayed its state); nvram's other (read-only: the driver allows one writer) reads bytes
  2..33 and checks that the checksum matches (only two clients: each nvram call is ~150 port
  accesses, and a scheduler pass that serves several of them back to back can outlast the
  100 ms hang deadline); wdt's others read the temperature node (40). The writers: led sets a
  random pattern (write or `LED_SET`) and checks it with `read` and `LED_GET`; nulldev writes random blocks at random offsets and reads them back, and reads
  a random 4 KiB window, comparing with a shadow copy; nvram writes 1..32 random bytes at a
  random offset, reads them back and reads all 114 bytes (the shadow also holds the checksum of
  bytes 2..31 that the driver keeps in bytes 32..33; every read and write of the driver checks
  it); wdt sets a random timeout (60..655 s,
  `WDIOC_SETTIMEOUT`, the answer checked) or feeds the card (write or `WDIOC_KEEPALIVE`), reads
  the timeout back (`WDIOC_GETTIMEOUT`), and checks the status (`WDIOC_GETSTATUS`: 0), the
  identity (`WDIOC_GETSUPPORT`) or the temperature node (one byte, 40); a board reset in the log
  (the card not fed in time) counts as wrong too. Every answer is checked; an error, a wrong
  byte (led, wdt: a wrong value counts 1) or an operation blocked for more than 60 s is counted.
* **Faults**: one at a time per driver, round robin over the classes. Code classes are patched
  into the loaded image by the monitor (`ikernel inject NAME flip|nop --at ADDR`), at targets
  chosen in the driver's own functions from its disassembly (ours: the functions named
  `led_*`/`nulldev_*`; Linux: every function of the driver's object file, i.e. compiled from
  its untouched source, not the compat layer or the runtime): code-flip (a random bit of a random
  instruction byte), deleted-instruction (NOPs), skipped-init (NOP a store of an immediate),
  corrupt-dst/src-reg (flip a ModRM register bit), removed-branch (NOP a conditional jump),
  inverted-condition (flip the condition bit of a jcc), corrupt-pointer (flip a displacement
  bit), dropped-argument (NOP the load of an argument register). Guest classes are armed in the
  event page and fired by the guest runtime at the next driver call (lkdtm and SWIFI classes).
  The hooks live in the guest runtime that every image links (the call hook in the guest stub,
  just before the driver's file operation; allocation failures in the heap under `kmalloc`),
  so they fire inside the unmodified Linux drivers as in ours. `irq-drop` fires at the next
  interrupt only, and none of the four workloads raises one (led and nulldev have none, nvram
  has no interrupt, wdt's card interrupts only when it expires, which a fed watchdog never
  does): it stays armed, is disarmed by the revert and counts as injected, not activated.
* **Per fault**: inject, two workload rounds (six checked operations by each writer, two by
  each reader, all clients at once), read the driver's log.
  *Activated*: the VM ended, a client saw an error or wrong data, or the guest hook fired.
  *Detected*: the VM ended with a reason (crash, hang, panic/BUG, violation, request timeout).
  *Recovered transparently*: detected and the client saw neither an error nor wrong data.
  When the VM did not end, the fault is undone (code patches reverted; after a guest fault with
  lasting effects, a code fault with an effect, or any fault the clients saw fail, the driver is
  restarted) so each fault starts from a clean driver.
* **Not detected** faults that had no visible effect are benign (code never executed, or
  executed harmlessly: `unaligned` does not fault on x86, `warning` only prints).
"""

if __name__ == "__main__":
    sys.exit(main())
