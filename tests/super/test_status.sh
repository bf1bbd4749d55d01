#!/usr/bin/env bash
# The status channel (include/ikernel/status.h): the supervisor learns a run's state from the
# monitor's typed records, never from its log text, at both isolation levels. A manifest that
# declares a node the driver never registers is running as soon as the monitor says READY (its
# NODE records name what is there; the log warns about the missing one) instead of after the
# 10 s ready timeout; a panic's summary (CRASH) is what `status` and the run's end marker say,
# and the run is replaced after GONE.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
need_env
mdir=$(mktemp -d /tmp/ikt-st.XXXXXX)
trap 'stop_super; rm -rf "$mdir"' EXIT
img="$IKERNEL_BUILD/drivers/crashtest.img"
[ -x "$IKERNEL_BUILD/drivers/crashtest.proc" ] || { echo "FAIL: no crashtest.proc in the build"; exit 1; }

panic_py='
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.ioctl(fd, 0x4306)   # CRASH_PANIC, drivers/crashtest/crashtest_ioctl.h
except OSError:
    pass
'

for level in vm process; do
	echo "== isolation = $level"
	printf '[driver]\nname = crashtest\nimage = %s\nisolation = %s\nrestart = on-failure\nrestart_delay = 100ms\n[node crash0]\nmode = 0600\n[node ghost0]\nmode = 0600\n' \
		"$img" "$level" >"$mdir/crashtest.ini"
	t0=$(date +%s%N)
	start_super "$mdir"
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "$level: up in ${ms} ms although ghost0 never appears (< 5000: not the 10 s ready timeout)" \
		test "$ms" -lt 5000
	check "$level: running" test "$(status_field crashtest state)" = running
	check "$level: the log names the node the driver did not register" \
		bash -c "'$ik' logs crashtest | grep -q \"did not register every node.*'ghost0'\""
	check "$level: status says the level the monitor runs at" test "$(status_field crashtest isolation)" = "$level"

	timeout 20 python3 -c "$panic_py" "$rt/dev/crash0"
	check "$level: replaced after the panic" wait_for 10 bash -c \
		"[ \"\$('$ik' status --json | python3 -c \"import json,sys; d=[x for x in json.load(sys.stdin)['drivers'] if x['name']=='crashtest'][0]; print(d['state'], d['restarts'])\")\" = 'running 1' ]"
	last=$(status_field crashtest last_crash)
	check "$level: status: last_crash is the panic's summary ($last)" \
		bash -c "[[ \"\$1\" == *\"driver 'crashtest' panic\"*'panic requested by a client'* ]]" _ "$last"
	check "$level: the run's end marker says it" \
		bash -c "'$ik' logs crashtest | grep -qF \"==== run 1 end (crash): driver 'crashtest' panic\""
	check "$level: no status record was refused" bash -c "! '$ik' logs crashtest | grep -q 'status record refused'"
	[ "$fails" -eq 0 ] || dump_logs
	stop_super
done
exit $((fails > 0))
