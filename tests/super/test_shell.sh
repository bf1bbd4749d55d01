#!/usr/bin/env bash
# Unmodified shell tools on the device files of the shipped drivers, brought up by
# `ikernel up` with no arguments: echo/cat round trip through the LED driver VM, dd through
# nulldev, ENOENT, permission denied for another user, status --json, a killed monitor brought
# back under restart=on-failure (EIO for the file opened before, a working file after),
# `ikernel down` unmounting cleanly, and a stale mount of a killed supervisor cleaned up.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
need_env
trap 'stop_super' EXIT

start_super # no manifests: the shipped drivers
dev="$rt/dev"
check "led0, null0, crash0 appear" test -f "$dev/led0" -a -f "$dev/null0" -a -f "$dev/crash0"
check "ls lists the nodes" bash -c "ls '$dev' | tr '\n' ' ' | grep -qx 'crash0 led0 null0 '"

echo 0xA5 >"$dev/led0"
check "echo 0xA5 > led0; cat led0 round-trips" test "$(cat "$dev/led0")" = "0xa5"
echo 11110000 >"$dev/led0"
check "binary notation" test "$(cat "$dev/led0")" = "0xf0"
check "the monitor drew the LED board" bash -c "'$ik' logs led | grep -q 'led0: ●●●●○○○○ (0xf0)'"
err=$( (echo hello >"$dev/led0") 2>&1)
check "a bad pattern is refused: Invalid argument" grep -q "Invalid argument" <<<"$err"

head -c 65536 /dev/urandom >"$rt/data"
check "dd into null0" dd if="$rt/data" of="$dev/null0" bs=4096 status=none
check "dd back out of null0 is identical" bash -c "dd if='$dev/null0' bs=8192 status=none | cmp - '$rt/data'"
check "dd at an offset (seek)" bash -c "printf 'iKernel' | dd of='$dev/null0' bs=1 seek=100 conv=notrunc status=none && dd if='$dev/null0' bs=1 skip=100 count=7 status=none | grep -qx iKernel"

err=$(cat "$dev/nosuch" 2>&1)
check "unknown node: No such file or directory" grep -q "No such file or directory" <<<"$err"
err=$(setpriv --reuid=65534 --regid=65534 --clear-groups cat "$dev/crash0" 2>&1)
check "crash0 (0600 root) refused to nobody: Permission denied" grep -q "Permission denied" <<<"$err"
check "led0 (0666) works for nobody" bash -c "setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo 0x42 > $dev/led0 && cat $dev/led0' | grep -qx 0x42"

check "status --json: led running" test "$(status_field led state)" = running
check "status --json counts the calls" test "$(status_field led calls)" -gt 5
check "status table is aligned" bash -c "'$ik' status | head -1 | grep -q '^NAME  *ISOLATION  *STATE  *PID  *UPTIME  *RESTARTS  *CALLS  *ERRORS'"

# Kill the LED driver's monitor: restart=on-failure brings it back.
exec 3<>"$dev/led0"
pid=$(status_field led pid)
kill -KILL "$pid"
check "the killed driver comes back" wait_for 10 bash -c "[ \"\$('$ik' status --json | python3 -c \"import json,sys; d=[x for x in json.load(sys.stdin)['drivers'] if x['name']=='led'][0]; print(d['state'], d['restarts'])\")\" = 'running 1' ]"
check "last crash says why" bash -c "'$ik' status --json | grep -q 'monitor killed by signal 9'"
# led.ini: recovery = transparent: the open file is reopened on the new VM, no error.
err=$( (echo 0x01 >&3) 2>&1)
check "the file opened before the crash recovers transparently" test -z "$err"
exec 3>&-
echo 0x3c >"$dev/led0"
check "a new open works again" test "$(cat "$dev/led0")" = "0x3c"
check "other drivers were not restarted" test "$(status_field nulldev restarts)" = 0

# Kill the supervisor itself: its monitors go with it; the next `up` cleans the stale mount.
monitors="$(status_field led pid) $(status_field nulldev pid) $(status_field crashtest pid)"
kill -KILL "$super_pid"
check "monitors die with a killed supervisor ($monitors)" wait_for 10 bash -c "! kill -0 $monitors 2>/dev/null"
check "the mount is left stale" grep -q " $rt/dev " /proc/self/mounts
timeout 30 "$ik" up --detach 2>"$rt/up2.err"
super_pid=$(cat "$rt/supervisor.pid")
check "the next up cleaned the stale mount" grep -q "removed a stale device-file mount" "$rt/up2.err"
check "and serves again" bash -c "echo 0x99 > '$dev/led0' && test \"\$(cat '$dev/led0')\" = 0x99"

out=$(timeout 30 "$ik" down 2>&1)
check "ikernel down: $out" test $? -eq 0
check "unmounted" bash -c "! grep -q ' $rt/dev ' /proc/self/mounts"
check "the supervisor exited" wait_for 10 bash -c "! kill -0 $super_pid 2>/dev/null"
err=$("$ik" status 2>&1)
check "status afterwards: not running" grep -q "the supervisor is not running" <<<"$err"
[ "$fails" -eq 0 ] || dump_logs
exit $((fails > 0))
