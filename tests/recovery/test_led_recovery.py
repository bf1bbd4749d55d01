#!/usr/bin/env python3
"""Suite 'recovery': a client of the LED driver keeps its pattern across driver crashes without
seeing an error (transparent recovery, ikernel(1) RECOVERY), through the device file (FUSE
front end = a libikernel client): the monitor is killed, then a fault is injected."""
import fcntl, json, os, signal, struct, subprocess, sys, tempfile, time

LED_GET, LED_SET = 0x80044C01, 0x40044C02
build = sys.argv[1]
exe = os.path.join(build, "src/cli/ikernel")
if not os.access("/dev/kvm", os.W_OK) or not os.path.exists("/dev/fuse") or os.geteuid() != 0:
    sys.exit(77)
rt = tempfile.mkdtemp(prefix="ikrec.")
env = dict(os.environ, IKERNEL_RUNTIME_DIR=rt)
ok = False
try:
    subprocess.run([exe, "up", "--detach"], env=env, check=True, capture_output=True)
    fd = os.open(os.path.join(rt, "dev/led0"), os.O_RDWR)
    os.write(fd, b"0xA5\n")
    st = json.loads(subprocess.run([exe, "status", "--json"], env=env, capture_output=True,
                                   text=True, check=True).stdout)
    pid = [d for d in st["drivers"] if d["name"] == "led"][0]["pid"]
    os.kill(pid, signal.SIGKILL)                       # the driver VM dies
    assert os.pread(fd, 16, 0) == b"0xa5\n", "pattern after the kill"
    fcntl.ioctl(fd, LED_SET, struct.pack("I", 0x3C))   # ioctl state, replayed next time
    r = subprocess.run([exe, "inject", "led", "null"], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("ok:"), r.stdout + r.stderr
    buf = bytearray(4)
    fcntl.ioctl(fd, LED_GET, buf)                      # fires the fault: crash, restart, replay
    assert struct.unpack("I", buf)[0] == 0x3C, "LED_GET after the injected crash: %r" % buf
    assert os.pread(fd, 16, 0) == b"0x3c\n"
    os.close(fd)
    st = json.loads(subprocess.run([exe, "status", "--json"], env=env, capture_output=True,
                                   text=True, check=True).stdout)
    led = [d for d in st["drivers"] if d["name"] == "led"][0]
    assert led["restarts"] >= 2 and "NULL" in (led["last_crash"] or ""), led
    ok = True
finally:
    subprocess.run([exe, "down"], env=env, capture_output=True)
print("ok" if ok else "FAILED")
sys.exit(0 if ok else 1)
