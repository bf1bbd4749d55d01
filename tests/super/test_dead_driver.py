#!/usr/bin/env python3
"""A driver that is down answers at once, and fairly (ikernel(1), DEVICE FILES and RECOVERY).

Both through the device files (unmodified Python) and through libikernel directly (the
ikclient helper, tests/super/ikclient.c):
  * a wrong drivers.state (forged 'failed' for a running driver) changes nothing;
  * stopped (`ikernel stop`): calls on files opened before fail with EIO far below the
    recovery wait (10 s, nulldev's default), poll reports POLLERR|POLLHUP (ik_poll: -EIO), a new
    open fails with ENXIO at once, 8 writers at once on the device file all finish at once;
    after `ikernel start` the old files work again (transparent recovery);
  * restarting (a backoff longer than the manifest's recovery_wait): a file waits for the
    driver at most recovery_wait once, not once per call; 6 device-file writers (which the
    kernel serialises per inode) and 3 libikernel writers all end within about one wait; ik_open
    says ENXIO; once the driver is back the old files work again;
  * failed (restart_limit reached): as stopped, a poll sleeping in the driver when it died
    wakes up with POLLERR|POLLHUP, and `drivers.state` says so.
Needs /dev/kvm, /dev/fuse and root: exit 77 otherwise."""
import errno
import fcntl
import os
import select
import signal
import sys
import threading
import time

from ikclient import Client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from iktest import SRC, Supervisor, check, ik, skip_unless_ready, status, summary, wait_until  # noqa: E402

BUILD = os.environ["IKERNEL_BUILD"]

LED_GET, LED_SET = 0x80044C01, 0x40044C02
AT_ONCE = 0.5      # s: "at once" (a call to a down driver takes ~0.1 ms; the waits are 3 s, 10 s)
LED_WAIT = 3.0     # the led manifest's recovery_wait below
LED_BACKOFF = 8.0  # its restart_delay: longer than the wait

def timed(fn):
    """(errno or None, result, seconds) of fn()."""
    t0 = time.monotonic()
    try:
        r = fn()
        return None, r, time.monotonic() - t0
    except OSError as e:
        return e.errno, None, time.monotonic() - t0


def ename(e):
    return errno.errorcode.get(e, str(e)) if e else "no error"


def expect_fast_errno(what, code, fn, bound=AT_ONCE):
    e, _, secs = timed(fn)
    check(f"{what}: {ename(code)} in {secs * 1000:.1f} ms", e == code and secs < bound,
          f"got {ename(e)} after {secs:.3f} s")


def expect_fast_result(what, want, got, bound=AT_ONCE):
    res, secs, _ = got
    check(f"{what}: {want} in {secs * 1000:.1f} ms", res == want and secs < bound,
          f"got {res} after {secs:.3f} s")


def concurrent_writes(paths_fds, data):
    """Write from one thread per fd at once: [(errno, seconds)] measured from the common start."""
    results = [None] * len(paths_fds)
    go = threading.Event()
    t0 = [0.0]

    def writer(i, fd):
        go.wait()
        try:
            os.pwrite(fd, data, 0)
            results[i] = (None, time.monotonic() - t0[0])
        except OSError as e:
            results[i] = (e.errno, time.monotonic() - t0[0])

    threads = [threading.Thread(target=writer, args=(i, fd), daemon=True)
               for i, fd in enumerate(paths_fds)]
    for t in threads:
        t.start()
    t0[0] = time.monotonic()
    go.set()
    for t in threads:
        t.join(120)
    return results


def check_down(dev, name, node, cl, h, fds, data, ioctl_cmd=None):
    """Everything a down (stopped or failed) driver must answer at once."""
    path = f"{dev}/{node}"
    fd = fds[0]
    expect_fast_errno(f"{name}: device file write on a file opened before", errno.EIO,
                      lambda: os.pwrite(fd, data, 0))
    expect_fast_errno(f"{name}: the same file again", errno.EIO, lambda: os.pwrite(fd, data, 0))
    expect_fast_errno(f"{name}: device file read", errno.EIO, lambda: os.pread(fd, 16, 0))
    if ioctl_cmd:
        expect_fast_errno(f"{name}: device file ioctl", errno.EIO,
                          lambda: fcntl.ioctl(fd, ioctl_cmd, b"\0" * 4))
    p = select.poll()
    p.register(fd, select.POLLIN)
    t0 = time.monotonic()
    ev = p.poll(5000)
    secs = time.monotonic() - t0
    want = select.POLLERR | select.POLLHUP
    check(f"{name}: device file poll says POLLERR|POLLHUP in {secs * 1000:.1f} ms",
          len(ev) == 1 and ev[0][1] & want == want and secs < AT_ONCE, f"{ev} after {secs:.3f} s")
    expect_fast_errno(f"{name}: device file open", errno.ENXIO, lambda: os.open(path, os.O_RDWR))

    expect_fast_result(f"{name}: ik_write on a handle opened before", -errno.EIO,
                       cl.call(f"write {h} {data.decode().strip()}"))
    expect_fast_result(f"{name}: ik_write again", -errno.EIO,
                       cl.call(f"write {h} {data.decode().strip()}"))
    expect_fast_result(f"{name}: ik_read", -errno.EIO, cl.call(f"read {h} 16"))
    if ioctl_cmd:
        expect_fast_result(f"{name}: ik_ioctl", -errno.EIO, cl.call(f"ioctl {h} {ioctl_cmd:#x}"))
    expect_fast_result(f"{name}: ik_poll", -errno.EIO, cl.call(f"poll {h} 1 0"))
    expect_fast_result(f"{name}: ik_poll with a timeout", -errno.EIO, cl.call(f"poll {h} 1 5000"))
    expect_fast_result(f"{name}: ik_open", -errno.ENXIO, cl.call(f"open {node} rw"))

    res = concurrent_writes(fds[1:], data)
    worst = max(s for _, s in res)
    check(f"{name}: {len(res)} device-file writers at once all get EIO, the last after "
          f"{worst * 1000:.1f} ms", all(e == errno.EIO for e, _ in res) and worst < 3 * AT_ONCE,
          str(res))


def test_stopped(dev):
    """nulldev (recovery = transparent, recovery_wait 10 s by default) stopped by request."""
    fds = [os.open(f"{dev}/null0", os.O_RDWR) for _ in range(9)]
    os.pwrite(fds[0], b"before\n", 0)
    cl = Client()
    h, _, _ = cl.call("open null0 rw")
    check("ik_open null0", h is not None and h >= 0, str(h))
    check("ik_write before the stop", cl.call(f"pwrite {h} 0 before")[0] == 6)
    r = ik("stop", "nulldev")
    check("ikernel stop nulldev", r.returncode == 0, r.stderr)
    wait_until("nulldev stopped", lambda: status("nulldev")["state"] == "stopped")
    check_down(dev, "stopped", "null0", cl, h, fds, b"0x11\n")

    r = ik("start", "nulldev")
    check("ikernel start nulldev", r.returncode == 0, r.stderr)
    wait_until("nulldev running again", lambda: status("nulldev")["state"] == "running")
    e, n, _ = timed(lambda: os.pwrite(fds[0], b"after\n", 0))
    check("the driver is back: the device file opened before works again", e is None and n == 6,
          ename(e))
    res, _, _ = cl.call(f"pwrite {h} 0 again")
    check("the driver is back: the libikernel handle opened before works again", res == 5, str(res))
    cl.call(f"close {h}")
    cl.close()
    for fd in fds:
        os.close(fd)


def test_stale_state(dev, rt):
    """drivers.state is read only when a driver cannot be reached: a wrong one (here: forged)
    never fails calls or opens on a live driver."""
    path = f"{rt}/drivers.state"
    real = open(path).read()
    check("drivers.state lists nulldev running", any(line.split()[:2] == ["nulldev", "running"]
                                                     for line in real.splitlines()), real)
    fd = os.open(f"{dev}/null0", os.O_RDWR)
    cl = Client()
    h, _, _ = cl.call("open null0 rw")
    with open(path + ".forged", "w") as f:
        f.write(real.replace("nulldev running", "nulldev failed"))
    os.rename(path + ".forged", path)
    e, n, _ = timed(lambda: os.pwrite(fd, b"live\n", 0))
    check("a forged 'failed' state: the device file still works", e is None and n == 5, ename(e))
    e, fd2, _ = timed(lambda: os.open(f"{dev}/null0", os.O_RDWR))
    check("a forged 'failed' state: a new open of the device file works", e is None, ename(e))
    if fd2 is not None:
        os.close(fd2)
    check("a forged 'failed' state: ik_write works", cl.call(f"pwrite {h} 0 live")[0] == 4)
    h2, _, _ = cl.call("open null0 rw")
    check("a forged 'failed' state: ik_open works", h2 is not None and h2 >= 0, str(h2))
    with open(path + ".forged", "w") as f:
        f.write(real)
    os.rename(path + ".forged", path)
    cl.close()
    os.close(fd)


def led_pid():
    return status("led")["pid"]


def test_restarting_then_failed(dev, rt):
    """led with a backoff (8 s) longer than its recovery_wait (3 s), then past restart_limit."""
    fds = [os.open(f"{dev}/led0", os.O_RDWR) for _ in range(7)]
    os.pwrite(fds[0], b"0x5a\n", 0)
    clients = [Client() for _ in range(3)]
    handles = [c.call("open led0 rw")[0] for c in clients]
    check("ik_open led0 in 3 clients", all(h is not None and h >= 0 for h in handles), str(handles))

    # First failure after a stable start: restarted at once. The second: backoff.
    os.kill(led_pid(), signal.SIGKILL)
    wait_until("led restarted at once", lambda: (lambda s: s["state"] == "running" and
                                                  s["restarts"] == 1)(status("led")))
    os.kill(led_pid(), signal.SIGKILL)
    wait_until("led in backoff", lambda: status("led")["state"] == "restarting")
    t_dead = time.monotonic()

    # Every old file waits once, at most recovery_wait, and all of them at the same time: the
    # device-file writers are serialised by the kernel (one inode), yet none waits behind another.
    for c, h in zip(clients, handles):
        c.send(f"write {h} 0x0f")
    res = concurrent_writes(fds[1:], b"0x0f\n")
    answers = [c.answer(30) for c in clients]
    worst = max(s for _, s in res)
    check(f"restarting: {len(res)} device-file writers all get EIO, the last after {worst:.2f} s "
          f"(recovery_wait {LED_WAIT:.0f} s)",
          all(e == errno.EIO for e, _ in res) and worst < LED_WAIT + 1.5, str(res))
    check("restarting: 3 libikernel writers get EIO after about one recovery_wait "
          f"({', '.join(f'{a[1]:.2f} s' for a in answers)})",
          all(a[0] == -errno.EIO and LED_WAIT - 0.5 < a[1] < LED_WAIT + 1.5 for a in answers),
          str(answers))
    still_backoff = status("led")["state"] == "restarting"
    check("(the driver is still in its backoff)", still_backoff)
    expect_fast_errno("restarting: the next call on a file that waited already", errno.EIO,
                      lambda: os.pwrite(fds[1], b"0x0f\n", 0))
    expect_fast_result("restarting: the next ik_write on a handle that waited already", -errno.EIO,
                       clients[0].call(f"write {handles[0]} 0x0f"))
    expect_fast_result("restarting: ik_open during the restart", -errno.ENXIO,
                       clients[0].call("open led0 rw"))

    wait_until("led back after its backoff", lambda: (lambda s: s["state"] == "running" and
                                                       s["restarts"] == 2)(status("led")), 30)
    check(f"(the backoff lasted {time.monotonic() - t_dead:.1f} s)", True)
    e, n, _ = timed(lambda: os.pwrite(fds[1], b"0x3c\n", 0))
    check("the driver is back: a device file that gave up works again", e is None and n == 5,
          ename(e))
    res, _, _ = clients[0].call(f"write {handles[0]} 0x3c")
    check("the driver is back: a libikernel handle that gave up works again", res == 4, str(res))

    # A third failure in a row: restart_limit = 2 reached, the driver is failed for good.
    for c, h in zip(clients[1:], handles[1:]):
        c.call(f"write {h} 0x3c")  # recovered onto the running driver
    for fd in fds:
        os.pwrite(fd, b"0x3c\n", 0)
    os.pread(fds[0], 16, 0)  # nothing new for this file: a poll sleeps in the driver
    polled = {}

    def poller():
        p = select.poll()
        p.register(fds[0], select.POLLIN)
        polled["ev"] = p.poll(15000)
        polled["t"] = time.monotonic()

    pt = threading.Thread(target=poller, daemon=True)
    pt.start()
    time.sleep(0.3)
    t_kill = time.monotonic()
    os.kill(led_pid(), signal.SIGKILL)
    wait_until("led failed", lambda: status("led")["state"] == "failed")
    t_failed = time.monotonic()
    pt.join(20)
    ev, woke = polled.get("ev"), polled.get("t", t_kill + 99)
    want = select.POLLERR | select.POLLHUP
    # The kill takes a while to tear the VM down (the monitor's socket closes as it exits);
    # the poll must wake up no later than the test itself sees the state (no recovery wait).
    check(f"failed: a poll sleeping when the driver died wakes up with POLLERR|POLLHUP "
          f"{(woke - t_kill) * 1000:.1f} ms after the kill ({(t_failed - t_kill) * 1000:.1f} ms "
          "to see 'failed')", ev is not None and len(ev) == 1 and ev[0][1] & want == want and
          woke - t_failed < AT_ONCE and woke - t_kill < LED_WAIT, f"{ev} {woke - t_kill:.3f} s")
    try:
        state = open(f"{rt}/drivers.state").read()
    except OSError as e:
        state = str(e)
    check("drivers.state says led failed", any(line.split()[:2] == ["led", "failed"]
                                               for line in state.splitlines()), state)
    check_down(dev, "failed", "led0", clients[1], handles[1], fds, b"0x0f\n", LED_GET)
    for c in clients:
        c.close()
    for fd in fds:
        os.close(fd)


def main():
    skip_unless_ready()
    sup = Supervisor({"led": f"""[driver]
name = led
image = {BUILD}/drivers/led.img
param = io=0x378
restart = on-failure
restart_delay = {LED_BACKOFF:.0f}s
restart_delay_max = {LED_BACKOFF:.0f}s
restart_limit = 2
recovery = transparent
recovery_state = ioctl:0x40044c02 write:last
recovery_idempotent = read write llseek poll ioctl:0x80044c01 ioctl:0x40044c02
recovery_wait = {LED_WAIT:.0f}s
[device parport]
model = parport
port = 0x378
[node led0]
mode = 0666
"""}, extra=[f"{SRC}/manifests/nulldev.ini"])
    if not sup.ok:
        return 1
    dev, rt = sup.dev, sup.rt
    try:
        test_stale_state(dev, rt)
        test_stopped(dev)
        test_restarting_then_failed(dev, rt)
    finally:
        sup.down(after=lambda: check("drivers.state is gone with the supervisor",
                                     not os.path.exists(f"{rt}/drivers.state")))
    return summary("dead-driver")


if __name__ == "__main__":
    sys.exit(main())
