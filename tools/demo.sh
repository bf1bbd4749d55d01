#!/usr/bin/env bash
# `make demo`: the paper's example, end to end, through the supervisor and the device files.
#  1. `ikernel up` starts every shipped driver in its own VM (the LED driver granted only the
#     parallel port at 0x378) and mounts their device files;
#  2. ordinary tools -- echo, cat, Python's fcntl.ioctl -- drive /…/dev/led0 while the monitor
#     draws the LED board (followed with `ikernel logs -f led`);
#  3. a deliberately crashing driver shows containment: the caller gets EIO instead of a hang,
#     `ikernel status` names the fault, the LED driver is unaffected, and the crashed driver is
#     back a moment later (restart = on-failure) with a working device file.
set -euo pipefail
build=${1:-build}
ik="$build/src/cli/ikernel"
if [ ! -e /dev/kvm ]; then
	echo "demo: /dev/kvm is missing: iKernel needs KVM to run driver VMs" >&2
	exit 1
fi
if [ ! -e /dev/fuse ] || [ "$(id -u)" -ne 0 ]; then
	echo "demo: the device files need /dev/fuse and root (to mount them)" >&2
	exit 1
fi
export IKERNEL_RUNTIME_DIR
IKERNEL_RUNTIME_DIR=$(mktemp -d /tmp/ikernel-demo.XXXXXX)
dev="$IKERNEL_RUNTIME_DIR/dev"
follower=""
cleanup() {
	[ -n "$follower" ] && kill "$follower" 2>/dev/null
	if [ -S "$IKERNEL_RUNTIME_DIR/control.sock" ]; then
		timeout 30 "$ik" down >/dev/null 2>&1 || true
	fi
	wait 2>/dev/null || true
	rm -rf "$IKERNEL_RUNTIME_DIR"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
pause() { sleep "${1:-0.3}"; }

step "Starting the supervisor: every shipped driver in its own VM, device files in $dev"
run "$ik" up --detach
run "$ik" status
run ls -l "$dev"

step "The LED board (the monitor draws it; followed with: ikernel logs -f led)"
"$ik" logs -f led | grep --line-buffered 'led0: ' | sed -u 's/^/    board: /' &
follower=$!
pause 0.5

step "Plain shell tools on $dev/led0"
for p in 0xA5 10100101 165 0x0f 11110000; do
	echo "$p" >"$dev/led0"
	printf '$ echo %s > led0; cat led0  ->  %s\n' "$p" "$(cat "$dev/led0")"
	pause
done
printf '$ echo hello > led0  ->  '
(echo hello >"$dev/led0") 2>&1 | sed 's/.*: //' || true

step "Python's fcntl.ioctl with the driver's _IOW/_IOR numbers: a knight-rider sweep"
python3 - "$dev/led0" <<'PY'
import fcntl, os, struct, sys, time
def IOC(d, t, nr, size): return (d << 30) | (size << 16) | (ord(t) << 8) | nr
LED_GET, LED_SET = IOC(2, "L", 1, 4), IOC(1, "L", 2, 4)   # drivers/led/led_ioctl.h
fd = os.open(sys.argv[1], os.O_RDWR)
for i in range(15):
    fcntl.ioctl(fd, LED_SET, struct.pack("I", 1 << (i if i < 8 else 14 - i)))
    time.sleep(0.08)
print("python: LED_GET says 0x%02x" % struct.unpack("I", fcntl.ioctl(fd, LED_GET, bytes(4)))[0])
PY
pause 0.5

step "A driver that crashes on request (crash0): the fault stays in its VM"
python3 - "$dev/crash0" <<'PY'
import errno, fcntl, os, sys
CRASH_NULL = (ord("C") << 8) | 1   # _IO('C', 1): dereference NULL in the driver
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.ioctl(fd, CRASH_NULL)
except OSError as e:
    print("python: ioctl(crash0, CRASH_NULL) failed promptly with %s (%s)" %
          (errno.errorcode[e.errno], e.strerror))
PY
pause 0.5
run "$ik" status

step "The LED driver is unaffected"
echo 0x81 >"$dev/led0"
printf '$ echo 0x81 > led0; cat led0  ->  %s\n' "$(cat "$dev/led0")"

step "The crashed driver is back (restart = on-failure) and its device file works again"
for _ in $(seq 1 100); do
	"$ik" status --json | grep -q '"name": "crashtest", "state": "running", "pid": [0-9]*, "uptime_s": [0-9.]*, "restarts": 1' && break
	sleep 0.1
done
python3 - "$dev/crash0" <<'PY'
import errno, fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.ioctl(fd, (ord("C") << 8) | 99)   # not a crash command
except OSError as e:
    print("python: the restarted crashtest answers an unknown ioctl with %s" % errno.errorcode[e.errno])
PY
run "$ik" logs crashtest
pause 0.3
kill "$follower" 2>/dev/null || true
follower=""

step "Done: ikernel down stops every driver and unmounts the device files"
run "$ik" down
