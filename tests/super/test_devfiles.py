#!/usr/bin/env python3
"""Unmodified Python on the device files: open/read/write, fcntl.ioctl with _IOR/_IOW numbers,
select.poll, per-open-file driver state, several concurrent clients, O_NONBLOCK, EINTR on an
interrupted blocking read (and the read really cancelled in the driver VM), EIO after a crash and
a working file again after the restart, ENOENT, EACCES for another user, a clean unmount.

The supervisor runs the manifests of manifests/ plus a 'mailbox' test driver whose read blocks
(tests/super/drivers/mailbox.c). Needs /dev/kvm, /dev/fuse and root: exit 77 otherwise."""
import errno
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iktest import SRC, Supervisor, check, skip_unless_ready, status, summary, wait_until  # noqa: E402

MAILBOX_IMG = os.environ["MAILBOX_IMG"]

# <asm-generic/ioctl.h>
_IOC_NONE, _IOC_WRITE, _IOC_READ = 0, 1, 2


def _IOC(d, t, nr, size):
    return (d << 30) | (size << 16) | (ord(t) << 8) | nr


def _IO(t, nr):
    return _IOC(_IOC_NONE, t, nr, 0)


def _IOR(t, nr, size):
    return _IOC(_IOC_READ, t, nr, size)


def _IOW(t, nr, size):
    return _IOC(_IOC_WRITE, t, nr, size)


LED_GET = _IOR("L", 1, 4)   # drivers/led/led_ioctl.h
LED_SET = _IOW("L", 2, 4)
CRASH_NULL = _IO("C", 1)    # drivers/crashtest/crashtest_ioctl.h

def expect_errno(what, code, fn):
    try:
        fn()
    except OSError as e:
        check(what, e.errno == code, f"got {errno.errorcode.get(e.errno, e.errno)}")
        return
    check(what, False, "no error")


def test_led(dev):
    fd = os.open(f"{dev}/led0", os.O_RDWR)
    fcntl.ioctl(fd, LED_SET, struct.pack("I", 0x5A))
    got = struct.unpack("I", fcntl.ioctl(fd, LED_GET, b"\0" * 4))[0]
    check("fcntl.ioctl LED_SET/LED_GET (_IOW/_IOR) round-trip", got == 0x5A, hex(got))
    buf = bytearray(4)
    fcntl.ioctl(fd, LED_GET, buf, True)
    check("fcntl.ioctl with a mutable buffer", struct.unpack("I", buf)[0] == 0x5A)
    expect_errno("LED_SET 300 is EINVAL", errno.EINVAL,
                 lambda: fcntl.ioctl(fd, LED_SET, struct.pack("I", 300)))
    expect_errno("an unknown ioctl is ENOTTY", errno.ENOTTY, lambda: fcntl.ioctl(fd, _IO("L", 9)))
    check("read honours the position", os.pread(fd, 16, 0) == b"0x5a\n" and os.pread(fd, 16, 5) == b"")
    os.lseek(fd, 2, os.SEEK_SET)
    check("lseek + read", os.read(fd, 16) == b"5a\n")
    os.close(fd)

    # poll + per-open-file state: the driver tracks, per open file, whether it has read the
    # pattern since it last changed.
    a = os.open(f"{dev}/led0", os.O_RDWR)
    b = os.open(f"{dev}/led0", os.O_RDWR)
    os.pread(a, 16, 0)
    os.pread(b, 16, 0)
    p = select.poll()
    p.register(a, select.POLLIN)
    check("poll: nothing new yet", p.poll(0) == [])
    t = threading.Timer(0.3, lambda: os.pwrite(b, b"0x0f\n", 0))
    t.start()
    start = time.monotonic()
    ev = p.poll(10000)
    t.join()
    check("poll wakes when another client changes the pattern",
          ev == [(a, select.POLLIN)] and time.monotonic() - start < 9, str(ev))
    pb = select.poll()
    pb.register(b, select.POLLIN)
    os.pread(a, 16, 0)
    check("each open file has its own state in the driver", p.poll(0) == [] and pb.poll(0) != [])
    os.close(a)
    os.close(b)


def test_concurrent(dev):
    """Eight clients at once, each on its own 4 KiB of null0, each with its own open file."""
    errors = []

    def client(i):
        try:
            fd = os.open(f"{dev}/null0", os.O_RDWR)
            data = bytes([i]) * 4096
            for _ in range(20):
                os.pwrite(fd, data, i * 4096)
                if os.pread(fd, 4096, i * 4096) != data:
                    errors.append(f"client {i}: data mismatch")
            os.close(fd)
        except OSError as e:
            errors.append(f"client {i}: {e}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check("8 concurrent clients on null0", not errors and not any(t.is_alive() for t in threads),
          "; ".join(errors))
    # The same from separate processes.
    procs = [subprocess.Popen(["dd", f"of={dev}/null0", "bs=4096", f"seek={i}", "count=1",
                               "conv=notrunc", "status=none"], stdin=subprocess.PIPE)
             for i in range(8, 12)]
    for i, pr in enumerate(procs):
        pr.communicate(bytes([0x80 + i]) * 4096, timeout=30)
    with open(f"{dev}/null0", "rb") as f:
        f.seek(8 * 4096)
        blob = f.read(4 * 4096)
    check("4 concurrent dd processes", blob == b"".join(bytes([0x80 + i]) * 4096 for i in range(4)))


EINTR_CHILD = r"""
import ctypes, errno, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
signal.signal(signal.SIGALRM, lambda *a: None)   # a handler, no SA_RESTART
signal.setitimer(signal.ITIMER_REAL, 0.5)
fd = os.open(sys.argv[1], os.O_RDONLY)
buf = ctypes.create_string_buffer(64)
r = libc.read(fd, buf, 64)
print(r, errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno()))
"""


def test_blocking(dev):
    fd = os.open(f"{dev}/mbox0", os.O_RDONLY | os.O_NONBLOCK)
    expect_errno("O_NONBLOCK read of an empty mailbox is EAGAIN", errno.EAGAIN,
                 lambda: os.read(fd, 64))
    os.close(fd)

    # A blocking read, interrupted by a signal: EINTR, and cancelled in the driver VM.
    out = subprocess.run([sys.executable, "-c", EINTR_CHILD, f"{dev}/mbox0"],
                         capture_output=True, text=True, timeout=30)
    check("a blocking read interrupted by SIGALRM returns EINTR", out.stdout.split() == ["-1", "EINTR"],
          out.stdout + out.stderr)
    w = os.open(f"{dev}/mbox0", os.O_WRONLY)
    os.write(w, b"hello")
    r = os.open(f"{dev}/mbox0", os.O_RDONLY | os.O_NONBLOCK)
    check("the interrupted read was cancelled in the driver (the message is still there)",
          os.read(r, 64) == b"hello")
    os.close(r)

    # A blocking read woken by a writer; and poll on the mailbox.
    r = os.open(f"{dev}/mbox0", os.O_RDONLY)
    threading.Timer(0.3, lambda: os.write(w, b"wake")).start()
    check("a blocking read returns what a writer sends", os.read(r, 64) == b"wake")
    p = select.poll()
    p.register(r, select.POLLIN)
    threading.Timer(0.3, lambda: os.write(w, b"again")).start()
    ev = p.poll(10000)
    check("poll POLLIN on the mailbox", ev == [(r, select.POLLIN)], str(ev))
    check("then the read does not block", os.read(r, 64) == b"again")
    # Ctrl-C on a blocked `cat`: SIGINT ends it promptly.
    cat = subprocess.Popen(["cat", f"{dev}/mbox0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.3)
    cat.send_signal(signal.SIGINT)
    try:
        cat.wait(10)
        check("SIGINT ends a cat blocked in a read", cat.returncode != 0)
    except subprocess.TimeoutExpired:
        cat.kill()
        check("SIGINT ends a cat blocked in a read", False, "still blocked after 10 s")
    os.close(r)
    os.close(w)


def test_crash(dev):
    before = status("crashtest")["restarts"]
    fd1 = os.open(f"{dev}/crash0", os.O_RDWR)
    fd2 = os.open(f"{dev}/crash0", os.O_RDWR)
    expect_errno("the crashing call gets EIO", errno.EIO, lambda: fcntl.ioctl(fd1, CRASH_NULL))
    expect_errno("another file opened before the crash gets EIO", errno.EIO,
                 lambda: fcntl.ioctl(fd2, _IO("C", 99)))
    os.close(fd1)
    os.close(fd2)
    wait_until("crashtest restarted", lambda: (lambda s: s["state"] == "running" and
                                                s["restarts"] == before + 1)(status("crashtest")))
    s = status("crashtest")
    check("status: last_crash names the fault", "NULL pointer dereference" in (s["last_crash"] or "")
          or "page fault" in (s["last_crash"] or ""), str(s["last_crash"]))
    fd = os.open(f"{dev}/crash0", os.O_RDWR)
    expect_errno("the restarted driver answers (ENOTTY for an unknown ioctl)", errno.ENOTTY,
                 lambda: fcntl.ioctl(fd, _IO("C", 99)))
    os.close(fd)
    check("the LED driver was not affected", status("led")["restarts"] == 0)


def test_access(dev):
    expect_errno("an unknown node is ENOENT", errno.ENOENT, lambda: os.open(f"{dev}/nosuch", os.O_RDONLY))
    out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                          sys.executable, "-c",
                          f"import os\ntry:\n os.open('{dev}/crash0', os.O_RDWR)\nexcept OSError as e:\n"
                          " print(e.errno)"], capture_output=True, text=True, timeout=30)
    check("crash0 (mode 0600) is EACCES for nobody", out.stdout.strip() == str(errno.EACCES),
          out.stdout + out.stderr)
    expect_errno("chmod of a node is refused (modes come from the manifest)", errno.EPERM,
                 lambda: os.chmod(f"{dev}/led0", 0o600))


def main():
    skip_unless_ready()
    sup = Supervisor({"mailbox": f"[driver]\nname = mailbox\nimage = {MAILBOX_IMG}\n"
                                 "restart = on-failure\n[node mbox0]\nmode = 0666\n"},
                     extra=[f"{SRC}/manifests"])
    if not sup.ok:
        return 1
    dev = sup.dev
    try:
        test_led(dev)
        test_concurrent(dev)
        test_blocking(dev)
        test_crash(dev)
        test_access(dev)
    finally:
        sup.down(after=lambda: check("the device files are unmounted", not any(
            line.split()[1] == dev for line in open("/proc/self/mounts"))))
    return summary("device-file")


if __name__ == "__main__":
    sys.exit(main())
