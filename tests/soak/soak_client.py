#!/usr/bin/env python3
"""soak_client.py: one checking client of the soak in Python, through the device files.

The same workloads, roles, figures and JSON output as soak_client.c (see its header), done by
an unmodified Python program with os.pread/os.pwrite/fcntl.ioctl on $DEV/NODE:

  soak_client.py --driver D --role R [--slot I --slots N] --dev DIR --seconds S
                 --deadline-ms MS --out FILE [--seed N] [--think-us U] [--name NAME]
"""
import argparse
import errno
import fcntl
import json
import math
import os
import random
import select
import signal
import struct
import sys
import time

NULLDEV_SIZE = 65536
NULLDEV_NOP = 0x4E00            # _IO('N', 0)
LED_GET = 0x80044C01
LED_SET = 0x40044C02
NVRAM_SIZE = 114
NVRAM_STATIC = (34, 62)         # a fixed pattern, written by tools/soak.py
NVRAM_DYN = (62, 114)           # the writer's own
WDIOC_GETSUPPORT = 0x80285700
WDIOC_GETSTATUS = 0x80045701
WDIOC_KEEPALIVE = 0x80045705
WDIOC_SETTIMEOUT = 0xC0045706
WDIOC_GETTIMEOUT = 0x80045707
WDT_TEMP = 40
CRASHTEST_UNKNOWN = 0x437F      # _IO('C', 0x7f)
REOPEN_GIVE_UP_S = 60
MAX_NOTES = 5


def nvram_static(i):
    return (i * 37 + 11) & 0xff


def led_valid(v):
    return v == 0 or (v < 256 and ((v >> 4) ^ (v & 15)) == 15)


class Failed(Exception):
    """A call failed: the file is dropped and opened again before the next step."""


class Client:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed * 1000003 + a.slot)
        self.deadline_ns = a.deadline_ms * 1000000
        self.calls = self.bad = self.over = self.max_ns = self.reopens = self.retries = 0
        self.errors, self.hist, self.notes = {}, {}, []
        self.fd = None
        self.need_resync = False
        self.writer = a.role in ("writer", "owner")
        self.shadow = bytearray(NULLDEV_SIZE)
        self.led_pattern = None
        self.wdt_timeout = None
        d = a.driver
        if d == "nulldev":
            per = NULLDEV_SIZE // a.slots
            self.lo, self.hi = a.slot * per, a.slot * per + per
            self.shadow[self.lo:self.hi] = self.randbytes(per)
            self.node, self.flags, self.step = "null0", os.O_RDWR, self.step_nulldev
        elif d == "led":
            self.node = "led0"
            self.flags = os.O_RDWR if self.writer else os.O_RDONLY
            self.step = self.step_led
        elif d == "nvram":
            for i in range(*NVRAM_STATIC):
                self.shadow[i] = nvram_static(i)
            self.shadow[NVRAM_DYN[0]:NVRAM_DYN[1]] = self.randbytes(NVRAM_DYN[1] - NVRAM_DYN[0])
            self.node = "nvram"
            self.flags = os.O_RDWR if self.writer else os.O_RDONLY
            self.step = self.step_nvram
        elif d == "wdt":
            self.node = "watchdog" if self.writer else "temperature"
            self.flags = os.O_WRONLY if self.writer else os.O_RDONLY
            self.step = self.step_wdt
        elif d == "crashtest":
            self.node, self.flags, self.step = "crash0", os.O_RDWR, self.step_crashtest
        else:
            raise SystemExit("soak_client.py: unknown driver %s" % d)

    def randbytes(self, n):
        return bytes(self.rng.getrandbits(8) for _ in range(n))

    def note(self, text):
        if len(self.notes) < MAX_NOTES:
            self.notes.append(text)

    def record(self, what, ns):
        b = min(max(int(math.floor(math.log2(ns) * 8)) if ns > 0 else 0, 0), 64 * 8 - 1)
        self.hist[b] = self.hist.get(b, 0) + 1
        self.calls += 1
        self.max_ns = max(self.max_ns, ns)
        if ns > self.deadline_ns:
            self.over += 1
            self.note("%s took %.1f ms (deadline %.0f ms)" % (what, ns / 1e6,
                                                              self.deadline_ns / 1e6))

    def call(self, what, fn, *args, expect=None):
        """One call: latency recorded; an OSError other than `expect` counted by errno and
        raised as Failed; `expect` is returned as -errno."""
        t0 = time.monotonic_ns()
        try:
            r = fn(*args)
        except OSError as e:
            self.record(what, time.monotonic_ns() - t0)
            if expect is not None and e.errno == expect:
                return -e.errno
            name = errno.errorcode.get(e.errno, "E%d" % e.errno)
            self.errors[name] = self.errors.get(name, 0) + 1
            self.drop()
            raise Failed() from None
        self.record(what, time.monotonic_ns() - t0)
        return r

    def snapshot(self, done):
        s = {"name": self.a.name or self.a.driver, "kind": "py-file", "driver": self.a.driver,
             "role": self.a.role, "pid": os.getpid(), "calls": self.calls, "bad": self.bad,
             "over_deadline": self.over, "max_ns": self.max_ns, "reopens": self.reopens,
             "open_retries": self.retries, "done": done, "errors": self.errors,
             "hist": {str(k): v for k, v in sorted(self.hist.items())}, "notes": self.notes}
        tmp = self.a.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(s, f)
        os.rename(tmp, self.a.out)

    # ---- the open file ----

    def drop(self):
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
        self.fd = None

    def retire(self):
        if self.fd is not None and self.writer and self.a.driver == "wdt":
            try:
                self.call("write", os.write, self.fd, b"V")  # magic close: the card stops
            except Failed:
                pass
        self.drop()

    def reopen(self, stop):
        self.drop()
        path = os.path.join(self.a.dev, self.node)
        t0 = time.monotonic_ns()
        err = None
        while True:
            try:
                self.fd = os.open(path, self.flags | os.O_CLOEXEC)
                break
            except OSError as e:
                err = e
            if stop() or time.monotonic_ns() - t0 > REOPEN_GIVE_UP_S * 1e9:
                break
            self.retries += 1
            time.sleep(0.001)
        self.record("open", time.monotonic_ns() - t0)
        if self.fd is None:
            name = errno.errorcode.get(err.errno, "E%d" % err.errno)
            self.errors[name] = self.errors.get(name, 0) + 1
            return False
        self.reopens += 1
        self.need_resync = True
        return True

    def compare(self, what, got, lo, hi):
        want = bytes(self.shadow[lo:hi])
        if len(got) != hi - lo:
            self.note("%s: %d bytes at %d gave %d" % (what, hi - lo, lo, len(got)))
            self.bad += hi - lo
            return
        bad = [i for i in range(hi - lo) if got[i] != want[i]]
        if bad:
            i = bad[0]
            self.note("%s: byte %d is %#x, expected %#x" % (what, lo + i, got[i], want[i]))
            self.bad += len(bad)

    # ---- nulldev, nvram ----

    def write_back(self, lo, hi):
        n = self.call("write", os.pwrite, self.fd, bytes(self.shadow[lo:hi]), lo)
        if n != hi - lo:
            self.note("write of %d bytes at %d wrote %d" % (hi - lo, lo, n))
            self.bad += hi - lo - n

    def check_range(self, what, lo, hi):
        self.compare(what, self.call("read", os.pread, self.fd, hi - lo, lo), lo, hi)

    def random_write(self, lo, hi, maxlen):
        n = self.rng.randint(1, min(maxlen, hi - lo))
        pos = self.rng.randint(lo, hi - n)
        self.shadow[pos:pos + n] = self.randbytes(n)
        try:
            self.write_back(pos, pos + n)
        except Failed:
            self.need_resync = True  # written or not: all of it again
            raise
        return pos, n

    def step_nulldev(self):
        if self.need_resync:
            self.write_back(self.lo, self.hi)
            self.need_resync = False
        r = self.rng.randrange(10)
        if r < 6:
            pos, n = self.random_write(self.lo, self.hi, 4096)
            self.check_range("nulldev read-back", pos, pos + n)
        elif r < 8:
            self.check_range("nulldev region", self.lo, self.hi)
        else:
            v = self.call("ioctl", fcntl.ioctl, self.fd, NULLDEV_NOP, 0)
            if v != 0:
                self.note("NULLDEV_NOP returned %d" % v)
                self.bad += 1

    def step_nvram(self):
        if self.writer and self.need_resync:
            self.write_back(*NVRAM_DYN)
            self.need_resync = False
        if self.writer and self.rng.randrange(2):
            pos, n = self.random_write(NVRAM_DYN[0], NVRAM_DYN[1], 16)
            self.check_range("nvram read-back", pos, pos + n)
            return
        if self.rng.randrange(8):  # mostly the fixed bytes only: each byte is 2 port accesses
            self.check_range("nvram fixed bytes", *NVRAM_STATIC)
            return
        got = self.call("read", os.pread, self.fd, NVRAM_SIZE, 0)
        if len(got) != NVRAM_SIZE:
            self.note("nvram read gave %d bytes" % len(got))
            self.bad += 1
            return
        self.compare("nvram fixed bytes", got[NVRAM_STATIC[0]:NVRAM_STATIC[1]], *NVRAM_STATIC)
        if self.writer:
            self.compare("nvram writer's bytes", got[NVRAM_DYN[0]:], *NVRAM_DYN)

    # ---- led ----

    def step_led(self):
        if not self.writer and self.rng.randrange(3) == 0:
            # Wait briefly for the writer's next change (pollers sleep in the driver).
            p = select.poll()
            p.register(self.fd, select.POLLIN)
            ev = self.call("poll", p.poll, self.rng.randrange(20))
            r = ev[0][1] if ev else 0  # POLLIN or a timeout, nothing else
            if r & (select.POLLERR | select.POLLHUP | select.POLLNVAL):
                self.drop()
                self.errors["POLLERR"] = self.errors.get("POLLERR", 0) + 1
            elif r & ~(select.POLLIN | select.POLLRDNORM):
                self.note("led poll for POLLIN gave %#x" % r)
                self.bad += 1
            return
        if self.writer and (self.need_resync or self.rng.randrange(2)):
            n = self.rng.randrange(16)
            p = ((~n & 15) << 4) | n
            self.led_pattern = p
            self.need_resync = True
            if self.rng.randrange(2):
                self.call("ioctl", fcntl.ioctl, self.fd, LED_SET, struct.pack("I", p))
            else:
                text = self.rng.choice([b"0x%02X\n" % p, b"%d" % p,
                                        format(p, "08b").encode() + b"\n"])
                k = self.call("write", os.pwrite, self.fd, text, 0)
                if k != len(text):
                    self.note("led write of %d bytes returned %d" % (len(text), k))
                    self.bad += 1
            self.need_resync = False
        text = self.call("read", os.pread, self.fd, 16, 0)
        ok = len(text) == 5 and text.startswith(b"0x") and text.endswith(b"\n")
        v = int(text[2:4], 16) if ok and all(c in b"0123456789abcdef" for c in text[2:4]) \
            else None
        if v is None or (v != self.led_pattern if self.writer else not led_valid(v)):
            self.note("led read %r (writer's pattern %s)" % (text, self.led_pattern))
            self.bad += 1
        buf = bytearray(struct.pack("I", 0xdead))
        self.call("ioctl", fcntl.ioctl, self.fd, LED_GET, buf)
        v = struct.unpack("I", buf)[0]
        if v != self.led_pattern if self.writer else not led_valid(v):
            self.note("LED_GET gave %#x (writer's pattern %s)" % (v, self.led_pattern))
            self.bad += 1

    # ---- wdt ----

    def wdt_int(self, cmd, value):
        buf = bytearray(struct.pack("i", value))
        self.call("ioctl", fcntl.ioctl, self.fd, cmd, buf)
        return struct.unpack("i", buf)[0]

    def step_wdt(self):
        if not self.writer:
            got = self.call("read", os.read, self.fd, 1)
            if got != bytes([WDT_TEMP]):
                self.note("temperature read gave %r" % got)
                self.bad += 1
            return
        if self.need_resync or self.rng.randrange(8) == 0:
            t = self.rng.randint(60, 655)
            v = self.wdt_int(WDIOC_SETTIMEOUT, t)
            self.wdt_timeout = t
            self.need_resync = False
            if v != t:
                self.note("WDIOC_SETTIMEOUT %d answered %d" % (t, v))
                self.bad += 1
        r = self.rng.randrange(5)
        if r == 0:
            k = self.call("write", os.write, self.fd, b"ping")
            if k != 4:
                self.note("keepalive write returned %d" % k)
                self.bad += 1
        elif r == 1:
            self.wdt_int(WDIOC_KEEPALIVE, 0)
        elif r == 2:
            v = self.wdt_int(WDIOC_GETTIMEOUT, -1)
            if v != self.wdt_timeout:
                self.note("WDIOC_GETTIMEOUT %d, set %d" % (v, self.wdt_timeout))
                self.bad += 1
        elif r == 3:
            v = self.wdt_int(WDIOC_GETSTATUS, -1)
            if v != 0:
                self.note("WDIOC_GETSTATUS %#x" % v)
                self.bad += 1
        else:
            buf = bytearray(b"\xff" * 40)
            self.call("ioctl", fcntl.ioctl, self.fd, WDIOC_GETSUPPORT, buf)
            fw = struct.unpack("I", buf[4:8])[0]
            ident = bytes(buf[8:40]).split(b"\0")[0]
            if fw != 1 or ident != b"WDT500/501":
                self.note("WDIOC_GETSUPPORT: firmware %d, identity %r" % (fw, ident))
                self.bad += 1

    # ---- crashtest ----

    def step_crashtest(self):
        r = self.call("ioctl", fcntl.ioctl, self.fd, CRASHTEST_UNKNOWN, 0, expect=errno.ENOTTY)
        if r != -errno.ENOTTY:
            self.note("unknown crashtest ioctl returned %d" % r)
            self.bad += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--role", required=True)
    ap.add_argument("--slot", type=int, default=0)
    ap.add_argument("--slots", type=int, default=1)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--deadline-ms", type=int, default=5000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--think-us", type=int, default=1000)
    ap.add_argument("--name")
    a = ap.parse_args()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    c = Client(a)
    end = time.monotonic() + a.seconds
    last = 0
    while not stopping and time.monotonic() < end:
        if c.fd is None and not c.reopen(lambda: bool(stopping)):
            continue
        try:
            c.step()
        except Failed:
            pass
        if c.fd is not None and c.rng.randrange(2000) == 0:
            c.retire()
        if a.think_us:
            time.sleep(c.rng.randint(0, a.think_us) / 1e6)
        if time.monotonic() - last > 1:
            c.snapshot(False)
            last = time.monotonic()
    c.retire()
    c.snapshot(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
