#!/bin/sh
# test_event_irqs.sh LEVEL IKERNEL PROGRAM: what an interrupt and an idle wait cost, counted by
# the monitor (IKERNEL_EXIT_PROFILE=1: exits of a VM, requests of a process), for the rounds of
# event_irqs.c's modes: the difference between a run of N rounds and one of none, divided by N.
#   irq    a posted write raises a line, the thread waits for its handler: at most 1.2 exits
#          a round and no IK_HC_WAIT (hypercall 4) per round: the line comes in the event page
#          (before IK_FEAT_EVENT_IRQS: 2, the write's request and a WAIT(0) fetching the line)
#   fetch  a DMA report held at an IK_HC_WAIT(0), then the device's DMA: at most 2.2 (the wait
#          carries the report; before IK_FEAT_WAIT_BATCH: 3, the report went alone first)
#   idle   the same with a sleep (msleep): at most 2.2 (at the VM 3 before; a process sleeps
#          by itself, so there it was 2 already)
# Then the rules without counting (no mode: a line raised by a write the wait carries ends the
# wait at once; garbage in the event page hurts only the driver). Exit 77 when LEVEL is vm and
# KVM is not usable here.
set -u
level=$1 ik=$2 prog=$3
. "$(dirname "$0")/../lib/iktest.sh"
test_require_kvm "$level"
rt=$(mktemp -d /tmp/ikevirq.XXXXXX)
trap 'rm -rf "$rt"' EXIT
n=100
run() { # MODE ROUNDS: prints "TOTAL WAITS" from the exit profile
	out=$(IKERNEL_EXIT_PROFILE=1 IKERNEL_RUNTIME_DIR=$rt timeout 60 "$ik" run "$prog" \
		--isolation="$level" --device testdev@0x500,dma=strict --param "mode=$1" \
		--param "cycles=$2" 2>&1)
	if [ $? -ne 0 ] || ! printf '%s\n' "$out" | grep -q "exited with status 0"; then
		printf '%s\n' "$out" | tail -n 20 >&2
		echo "test_event_irqs ($level): FAIL: mode=$1 cycles=$2 did not exit cleanly" >&2
		exit 1
	fi
	prof=$(printf '%s\n' "$out" | sed -n "s/.*exit profile: \([0-9]*\) exits:\(.*\)/\1 \2/p")
	total=${prof%% *}
	waits=$(printf '%s\n' "$prof" | sed -n 's/.*hypercall 4 \([0-9]*\).*/\1/p')
	echo "$total ${waits:-0}"
}
fails=0
check() { # MODE MAX_TENTHS_PER_ROUND CHECK_WAITS
	set -- "$1" "$2" "$3" $(run "$1" 0) $(run "$1" $n)
	per=$(( ($6 - $4) * 10 / n )) waits=$(($7 - $5))
	echo "$level mode=$1: $(($per / 10)).$(($per % 10)) exits a round ($n rounds), $waits IK_HC_WAIT"
	if [ "$per" -gt "$2" ]; then
		echo "test_event_irqs ($level): FAIL: mode=$1 costs more than $(($2 / 10)).$(($2 % 10)) exits a round"
		fails=$((fails + 1))
	fi
	if [ "$3" = waits ] && [ "$waits" -gt $((n / 10)) ]; then
		echo "test_event_irqs ($level): FAIL: mode=$1: $waits IK_HC_WAIT for $n interrupts"
		fails=$((fails + 1))
	fi
}
check irq 12 waits
check fetch 22 -
check idle 22 -
out=$(IKERNEL_RUNTIME_DIR=$rt timeout 60 "$ik" run "$prog" --isolation="$level" \
	--device testdev@0x500,dma=strict 2>&1)
if [ $? -ne 0 ] || ! printf '%s\n' "$out" | grep -q "exited with status 0"; then
	printf '%s\n' "$out" | tail -n 20
	echo "test_event_irqs ($level): FAIL: the rules (raise in a wait, event-page garbage)"
	fails=$((fails + 1))
fi
[ $fails -eq 0 ]
