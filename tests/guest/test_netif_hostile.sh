#!/bin/sh
# test_netif_hostile.sh LEVEL IKERNEL IMAGE: a hostile driver's host interface (netif_rogue.c).
# For each attack the monitor's relay must end the driver with a violation naming the interface;
# the valid answer (attack=none) must instead reach the TAP (its MAC and carrier are set). The
# TAP is made in a network namespace of the test's own (no traffic), removed at the end.
set -u
level=$1 ik=$2 img=$3
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (a TAP in a namespace of its own)"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
ns=iknr$$
ip netns add "$ns" 2>/dev/null || { echo "SKIP: ip netns add failed"; exit 77; }
rt=$(mktemp -d /tmp/iknetif.XXXXXX)
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$rt"' EXIT
iso=""
[ "$level" = process ] && iso=--isolation=process
if [ "$level" = vm ] && [ ! -w /dev/kvm ]; then echo "SKIP: no /dev/kvm"; exit 77; fi
fail=0
for attack in overrun type giant link flags; do
	out=$(IKERNEL_RUNTIME_DIR=$rt timeout 30 "$ik" run "$img" $iso --netdev "iknbad0,netns=$ns" \
		--param "attack=$attack" 2>&1)
	status=$?
	if [ $status -eq 1 ] && printf '%s\n' "$out" | grep -q "violation: host interface iknbad0: "; then
		echo "ok   attack=$attack: $(printf '%s\n' "$out" | grep -o 'violation: host interface.*' | head -1)"
	else
		printf '%s\n' "$out" | tail -5
		echo "FAIL attack=$attack: expected a violation naming host interface iknbad0 (status $status)"
		fail=1
	fi
done
# A transmit path that never moves: the host's frames (IPv6 DAD and MLD once the TAP is up)
# are written and never taken; the relay's deadline (10 s) ends the driver as hung.
( sleep 2; ip -n "$ns" link set iknbad0 up ) &
out=$(IKERNEL_RUNTIME_DIR=$rt timeout 60 "$ik" run "$img" $iso --netdev "iknbad0,netns=$ns" \
	--param attack=stuck 2>&1)
status=$?
wait
if [ $status -eq 1 ] && printf '%s\n' "$out" | grep -q "hung: host interface iknbad0: frames written to it not taken"; then
	echo "ok   attack=stuck: $(printf '%s\n' "$out" | grep -o 'hung: host interface.*' | head -1)"
else
	printf '%s\n' "$out" | tail -5
	echo "FAIL attack=stuck: expected the relay's transmit deadline to end it as hung (status $status)"
	fail=1
fi
# The valid answer: the TAP takes the driver's MAC; no violation; stopped by us.
IKERNEL_RUNTIME_DIR=$rt timeout -s INT 3 "$ik" run "$img" $iso --netdev "iknbad0,netns=$ns" \
	--param attack=none > "$rt/none.log" 2>&1
if grep -q "host interface iknbad0: MAC 02:00:00:52:47:31" "$rt/none.log" &&
   ! grep -q violation "$rt/none.log"; then
	echo "ok   attack=none: the link record reached the TAP"
else
	tail -5 "$rt/none.log"
	echo "FAIL attack=none: expected the link record applied and no violation"
	fail=1
fi
exit $fail
