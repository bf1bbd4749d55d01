#!/usr/bin/env bash
# `ikernel up` operated like a service (issue 14.5, 14.6):
# * health: a monitor stopped with SIGSTOP is `stalled` in `status` (table and --json), found
#   within 5 s of its last beat (2 s + the 250 ms poll, said in its log), killed after
#   IKERNEL_STALL_TIMEOUT and restarted by the policy, and its device file works again; one
#   continued before the deadline is `running` again, the same process.
# * logs: every line (`ikernel logs`, the log files, supervisor.log) starts with an ISO 8601
#   timestamp with ms and UTC offset; each run starts and ends with a marker naming the cause
#   (up, ikernel restart, ikernel start, restart policy; stalled, restart, killed, stopped).
# * the log cap applies while running: a driver flooding its console leaves at most
#   IKERNEL_LOG_MAX on disk (NAME.log + NAME.log.1).
# * under systemd (JOURNAL_STREAM naming stderr): every supervisor line on stderr with a "<P>"
#   syslog priority, crashes at <3>, no log files; `ikernel logs` still answers; with
#   NOTIFY_SOCKET the supervisor sends READY=1 and STATUS= once the drivers are up and
#   STOPPING=1 at `ikernel down`.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
need_env
dir=$(mktemp -d /tmp/ikt-svc.XXXXXX)
listener=""
trap 'stop_super; [ -n "$listener" ] && kill "$listener" 2>/dev/null; rm -rf "$dir"' EXIT
for m in led nulldev; do
	cp "$IKERNEL_SRC/manifests/$m.ini" "$dir/$m.ini"
	sed -i "s|^image = .*|image = $IKERNEL_BUILD/drivers/$m.img|" "$dir/$m.ini"
done
TS='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} '
state_of() { status_field "$1" state 2>/dev/null; }
pid_of() { status_field "$1" pid 2>/dev/null; }
all_stamped() { # FILE: every line starts with a timestamp (and there are lines)
	[ -s "$1" ] && ! grep -qvE "$TS" "$1"
}

export IKERNEL_STALL_TIMEOUT=12s IKERNEL_LOG_MAX=64K # time for a slow poller to see 'stalled'
start_super "$dir"
dev="$rt/dev"

# ---- health -------------------------------------------------------------------------------
old=$(pid_of led)
kill -STOP "$old"
t0=$(date +%s%N)
check "a SIGSTOPped monitor is 'stalled'" wait_for 10 bash -c "[ \"\$('$ik' status --json | python3 -c \"import json,sys; print([d for d in json.load(sys.stdin)['drivers'] if d['name']=='led'][0]['state'])\")\" = stalled ]"
echo "     (seen by this test after $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
check "  in the status table too" bash -c "'$ik' status | grep -qE '^led +vm +stalled +$old '"
found=$("$ik" logs led | grep -oE "stalled: no heartbeat from monitor pid $old for [0-9]+ ms \(process state T: stopped\)$" | grep -oE 'for [0-9]+' | grep -oE '[0-9]+')
echo "     (found by the supervisor $found ms after the last beat)"
check "  found within 5 s of the last beat, the stopped state named" test "${found:-99999}" -lt 5000
check "  it is replaced by a new monitor (stall timeout 12 s)" wait_for 25 bash -c "[ \"\$('$ik' status --json | python3 -c \"import json,sys; d=[d for d in json.load(sys.stdin)['drivers'] if d['name']=='led'][0]; print(d['state'], d['pid'] != $old)\")\" = 'running True' ]"
echo "     (after $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
check "  the old one is gone" bash -c "! kill -0 $old 2>/dev/null"
check "  last crash says stalled" bash -c "'$ik' status --json | grep -qF 'stalled: no heartbeat from monitor pid $old for'"
echo 0x3c >"$dev/led0"
check "  led0 works again" test "$(cat "$dev/led0")" = 0x3c
check "  run 1 ended as stalled" bash -c "'$ik' logs led | grep -qE '\\[super\\] ==== run 1 end \\(stalled\\): stalled: no heartbeat from monitor pid $old for [0-9]+ ms \\(process state T: stopped\\): monitor killed ===='"
check "  run 2 started by the policy" bash -c "'$ik' logs led | grep -qF '[super] ==== run 2 start (restart policy): monitor pid'"

npid=$(pid_of nulldev)
kill -STOP "$npid"
check "a stopped monitor continued before the deadline: stalled first" wait_for 8 bash -c "[ \"\$('$ik' status --json | python3 -c \"import json,sys; print([d for d in json.load(sys.stdin)['drivers'] if d['name']=='nulldev'][0]['state'])\")\" = stalled ]"
kill -CONT "$npid"
check "  then running again" wait_for 5 bash -c "[ \"\$('$ik' status --json | python3 -c \"import json,sys; print([d for d in json.load(sys.stdin)['drivers'] if d['name']=='nulldev'][0]['state'])\")\" = running ]"
check "  the same monitor" test "$(pid_of nulldev)" = "$npid"
check "  its log says so" bash -c "'$ik' logs nulldev | grep -qF '[super] making progress again after'"

# ---- timestamps and run markers -----------------------------------------------------------
"$ik" restart led >/dev/null
check "restart: run 2 ends (restart)" wait_for 10 bash -c "'$ik' logs led | grep -qF '==== run 2 end (restart): '"
check "  run 3 starts (ikernel restart)" wait_for 10 bash -c "'$ik' logs led | grep -qF '==== run 3 start (ikernel restart): monitor pid'"
wait_for 10 bash -c "[ \"\$('$ik' status --json | python3 -c \"import json,sys; print([d for d in json.load(sys.stdin)['drivers'] if d['name']=='led'][0]['state'])\")\" = running ]"
kill -KILL "$(pid_of led)"
check "a killed monitor: run 3 ends (killed)" wait_for 10 bash -c "'$ik' logs led | grep -qF '==== run 3 end (killed): monitor killed by signal 9 (Killed) ===='"
check "  run 4 starts (restart policy)" wait_for 10 bash -c "'$ik' logs led | grep -qF '==== run 4 start (restart policy)'"
wait_for 10 bash -c "[ \"\$('$ik' status --json | python3 -c \"import json,sys; print([d for d in json.load(sys.stdin)['drivers'] if d['name']=='led'][0]['state'])\")\" = running ]"
"$ik" stop led >/dev/null
check "stop: run 4 ends (stopped)" wait_for 10 bash -c "'$ik' logs led | grep -qF '==== run 4 end (stopped): '"
"$ik" start led >/dev/null
check "start: run 5 starts (ikernel start)" wait_for 10 bash -c "'$ik' logs led | grep -qF '==== run 5 start (ikernel start)'"
"$ik" logs led >"$dir/led.logs"
check "every line of 'ikernel logs' is timestamped" all_stamped "$dir/led.logs"
check "every line of logs/led.log is timestamped" all_stamped "$rt/logs/led.log"
check "every line of supervisor.log is timestamped" all_stamped "$rt/logs/supervisor.log"

# ---- the log cap while running --------------------------------------------------------------
floods=0
end=$(($(date +%s) + 12))
while [ "$(date +%s)" -lt "$end" ]; do
	"$ik" inject nulldev console-flood >/dev/null 2>&1 && floods=$((floods + 1))
	dd if="$dev/null0" of=/dev/null bs=1 count=1 status=none 2>/dev/null # fires it
done
sleep 1
sz=$(( $(stat -c %s "$rt/logs/nulldev.log") + $(stat -c %s "$rt/logs/nulldev.log.1" 2>/dev/null || echo 0) ))
echo "     $floods console floods of 20000 lines in 12 s; nulldev.log + .1: $sz bytes (cap 65536)"
check "a flooding driver was flooding (>= 2 floods)" test "$floods" -ge 2
check "  it rotated to nulldev.log.1" test -s "$rt/logs/nulldev.log.1"
check "  and left at most the cap on disk" test "$sz" -le 65536
check "  the newest lines are in the file" bash -c "tail -n 5 '$rt/logs/nulldev.log' | grep -qE '$TS'"
check "  'ikernel logs' still answers" bash -c "'$ik' logs nulldev | tail -n 1 | grep -qE '$TS'"
[ "$fails" -eq 0 ] || dump_logs
stop_super
unset IKERNEL_STALL_TIMEOUT IKERNEL_LOG_MAX

# ---- under systemd: the journal's priorities, readiness ---------------------------------------
rt=$(mktemp -d /tmp/ikt.XXXXXX)
chmod 755 "$rt"
export IKERNEL_RUNTIME_DIR="$rt"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", 0) as f:
    while True:
        f.write(s.recv(4096) + b"\n--\n")
' "$dir/notify.sock" "$dir/notify.txt" &
listener=$!
wait_for 5 test -S "$dir/notify.sock"
: >"$dir/journal"
js=$(stat -c '%d:%i' "$dir/journal")
JOURNAL_STREAM=$js NOTIFY_SOCKET="$dir/notify.sock" timeout 30 "$ik" up --detach "$dir" 2>>"$dir/journal"
check "up under systemd: exit 0" test $? -eq 0
super_pid=$(cat "$rt/supervisor.pid")
check "READY=1 and STATUS= once the drivers are up" wait_for 5 grep -qF "READY=1
STATUS=2 of 2 drivers running; device files in $rt/dev" "$dir/notify.txt"
check "every supervisor line has a syslog priority" bash -c "[ -s '$dir/journal' ] && ! grep -qvE '^<[0-7]>' '$dir/journal'"
check "  and no timestamp (the journal keeps the time)" bash -c "! grep -qE '^<[0-7]>[0-9]{4}-' '$dir/journal'"
check "  the supervisor's own, info" grep -qF "<6>ikernel up: 2 of 2 drivers running" "$dir/journal"
check "  a driver's console, info" grep -qE "^<6>nulldev: \\[nulldev\\] nulldev: 65536 byte RAM device" "$dir/journal"
check "  its run markers" grep -qF "nulldev: [super] ==== run 1 start (up): monitor pid" "$dir/journal"
check "no log files under systemd" test ! -e "$rt/logs/led.log"
check "'ikernel logs' answers (timestamped)" bash -c "'$ik' logs led | grep -E '$TS' | grep -qF '==== run 1 start (up)'"
kill -KILL "$(pid_of led)"
check "a killed monitor's end is an error (<3>)" wait_for 10 grep -qF "<3>led: [super] ==== run 1 end (killed): monitor killed by signal 9 (Killed) ====" "$dir/journal"
check "STATUS= follows the drivers" wait_for 10 grep -qF "STATUS=1 of 2 drivers running (1 restarting)" "$dir/notify.txt"
timeout 30 "$ik" down >/dev/null
check "STOPPING=1 at down" wait_for 5 grep -qF "STOPPING=1" "$dir/notify.txt" # the listener may lag
[ "$fails" -eq 0 ] || { echo "--- journal"; tail -n 40 "$dir/journal"; echo "--- notify"; cat "$dir/notify.txt"; }
exit $((fails > 0))
