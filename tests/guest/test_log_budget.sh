#!/bin/sh
# test_log_budget.sh LEVEL IKERNEL IMAGE: a driver floods everything it can make the host write
# (newline-only console writes, LED board changes on a granted parport) for FLOOD_MS at
# isolation LEVEL under `--log-budget 4K,50,2s`; what reaches the log must stay within the
# budget (bytes and lines: the burst plus the rate times the run's length) plus a small
# allowance for the host's own lines (ready, the "output flood" notes, the end report). The
# notes and the end report's dropped count must be there, and the LED board must have been
# shown (device output goes through the budget, it is not simply cut off).
# Exits 77 when LEVEL is vm and KVM is not usable here.
set -u
level=$1 ik=$2 image=$3
FLOOD_MS=6000
RATE=4096 LINES=50 BURST=2
. "$(dirname "$0")/../lib/iktest.sh"
test_require_kvm "$level"
rt=$(mktemp -d /tmp/ikbudget.XXXXXX)
trap 'rm -rf "$rt"' EXIT
t0=$(date +%s%N)
IKERNEL_RUNTIME_DIR=$rt timeout 60 "$ik" run "$image" --isolation="$level" --device parport@0x378 \
	--log-budget "$RATE,$LINES,${BURST}s" --param case=outflood --param flood_ms=$FLOOD_MS \
	>"$rt/out.log" 2>&1
status=$?
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
bytes=$(wc -c <"$rt/out.log")
lines=$(wc -l <"$rt/out.log")
# the budget over the run, then the host's own lines: about 1 KiB and 12 lines, plus the
# flood notes (one when dropping starts, one when it stops, at most once a second each)
max_bytes=$(( RATE * BURST + RATE * ms / 1000 + 2048 + 400 * ms / 1000 ))
max_lines=$(( LINES * BURST + LINES * ms / 1000 + 20 + 4 * ms / 1000 ))
echo "$level: ${ms} ms, $bytes bytes and $lines lines written (at most $max_bytes and $max_lines)"
fails=0
fail() { echo "test_log_budget: FAIL ($level): $*"; fails=$((fails + 1)); }
[ $status -eq 0 ] || fail "exit status $status, expected 0"
[ "$ms" -ge "$FLOOD_MS" ] || fail "the run took $ms ms, less than the flood's $FLOOD_MS"
[ "$bytes" -le "$max_bytes" ] || fail "$bytes bytes written, more than the budget's $max_bytes"
[ "$lines" -le "$max_lines" ] || fail "$lines lines written, more than the budget's $max_lines"
for p in "ikernel: driver 'contract' output flood: over its budget of 4 KiB and 50 lines a second, burst 2 s; dropping its lines" \
	"[contract] led0: " "ikernel: driver 'contract' exited with status 0"; do
	grep -qF -- "$p" "$rt/out.log" || fail "the output lacks '$p'"
done
grep -qE "^ikernel: driver 'contract' output budget: [1-9][0-9]* lines \([0-9]+ bytes\) dropped in this run$" "$rt/out.log" ||
	fail "the end report does not give the dropped count"
[ $fails -eq 0 ] || { head -n 20 "$rt/out.log"; echo ...; tail -n 20 "$rt/out.log"; }
[ $fails -eq 0 ] && echo "test_log_budget: ok ($level)"
[ $fails -eq 0 ]
