#!/usr/bin/env bash
# `isolation = process` in a manifest: nulldev as a jailed process next to the LED driver in its
# VM under one supervisor; both serve their device files, `status` labels the process one as
# weaker (table and --json), its log says so, a killed process-level monitor comes back, and the
# VM-level driver is untouched by it, a file open across its crash keeps its data (transparent
# recovery). Then the LED driver itself at isolation = process, with its
# [device parport] grant served by the monitor-lite: the pattern round-trips through led0 and
# the parport model draws the board in its log.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
need_env
trap 'stop_super' EXIT
img="$IKERNEL_BUILD/drivers/nulldev.img"
[ -x "$IKERNEL_BUILD/drivers/nulldev.proc" ] || { echo "FAIL: no nulldev.proc in the build"; exit 1; }

mdir=$(mktemp -d /tmp/ikt-iso.XXXXXX)
trap 'stop_super; rm -rf "$mdir"' EXIT
cp "$IKERNEL_SRC/manifests/led.ini" "$mdir/led.ini"
printf '[driver]\nname = nullproc\nimage = %s\nisolation = process\nrecovery = transparent\nrecovery_state = write:all\nrecovery_idempotent = read write llseek\n[node null0]\nmode = 0666\n' \
	"$img" >"$mdir/nullproc.ini"

start_super "$mdir"
dev="$rt/dev"
head -c 65536 /dev/urandom >"$rt/data"
check "dd into null0" dd if="$rt/data" of="$dev/null0" bs=4096 status=none
check "dd back out of null0 is identical" bash -c "dd if='$dev/null0' bs=8192 status=none | cmp - '$rt/data'"
echo 0x3c >"$dev/led0"
check "led0 round-trips" test "$(cat "$dev/led0")" = "0x3c"
check "status --json: nullproc isolation process" test "$(status_field nullproc isolation)" = process
check "status --json: led isolation vm" test "$(status_field led isolation)" = vm
check "status table: nullproc is labelled weaker" bash -c "'$ik' status | grep -E '^nullproc +process \\(weaker\\) +running'"
check "status table: led runs in a vm" bash -c "'$ik' status | grep -E '^led +vm +running'"
check "the process driver's log says it is weaker" bash -c "'$ik' logs nullproc | grep -q 'WEAKER than a VM'"

vm_pid=$(status_field led pid)
kill -KILL "$(status_field nullproc pid)"
check "the killed process-level driver comes back" wait_for 10 bash -c "[ \"\$('$ik' status --json | python3 -c \"import json,sys; d=[x for x in json.load(sys.stdin)['drivers'] if x['name']=='nullproc'][0]; print(d['state'], d['restarts'])\")\" = 'running 1' ]"
check "and serves again" bash -c "head -c 4096 '$rt/data' > '$dev/null0' && head -c 4096 '$dev/null0' | cmp - <(head -c 4096 '$rt/data')"
# Transparent recovery at the process level too: a file open across a driver crash keeps its data.
recov_py='
import json, os, subprocess, sys
ik, dev = sys.argv[1], sys.argv[2]
fd = os.open(dev + "/null0", os.O_RDWR)
data = os.urandom(3000)
os.pwrite(fd, data, 100)
st = json.loads(subprocess.check_output([ik, "status", "--json"]))
pid = [d for d in st["drivers"] if d["name"] == "nullproc"][0]["pid"]
os.kill(pid, 9)
back = os.pread(fd, 3000, 100)
sys.exit(0 if back == data else 1)
'
check "a file open across a process-level crash keeps its data (transparent recovery)" \
	timeout 30 python3 -c "$recov_py" "$ik" "$dev"
check "the VM-level driver was not touched" test "$(status_field led pid)" = "$vm_pid"
check "nor its state" test "$(cat "$dev/led0")" = "0x3c"
[ "$fails" -eq 0 ] || dump_logs

# The LED driver at isolation = process: the shipped manifest (its device grant) plus the level.
stop_super
rm -f "$mdir"/*.ini
sed 's/^\[driver\]$/[driver]\nisolation = process/' "$IKERNEL_SRC/manifests/led.ini" >"$mdir/led.ini"
check "the LED manifest at isolation = process is accepted" bash -c "'$ik' up --check '$mdir/led.ini' | grep -q 'isolation process (weaker).*device parport@0x378'"
start_super "$mdir"
dev="$rt/dev"
check "status --json: led isolation process" test "$(status_field led isolation)" = process
echo 0xa5 >"$dev/led0"
check "led0 at process level round-trips" test "$(cat "$dev/led0")" = "0xa5"
echo 0x0f >"$dev/led0"
check "and takes a second pattern" test "$(cat "$dev/led0")" = "0x0f"
check "the parport model draws the board in its log" bash -c "'$ik' logs led | grep -qF '[led] led0: ●○●○○●○● (0xa5)'"
check "and the next pattern" bash -c "'$ik' logs led | grep -qF '[led] led0: ○○○○●●●● (0x0f)'"
check "the log says it is weaker" bash -c "'$ik' logs led | grep -q 'WEAKER than a VM'"
[ "$fails" -eq 0 ] || dump_logs
exit $((fails > 0))
