#!/bin/sh
# test_rendezvous.sh IKERNEL CONTRACT_IMG LEVEL_A LEVEL_B: the socket rendezvous of the
# driver-host core (src/monitor/rendezvous.c) is one for both isolation levels. A driver 'contract'
# (node contract0) is served at LEVEL_A; then at LEVEL_B:
#   - its socket is mode 0666 and its node link points to it;
#   - a second monitor for the same name is refused ("already served by another monitor") and
#     the first one's socket file is untouched (same inode) and still answers;
#   - a driver of another name claiming the same node is ended ("node 'contract0' is already
#     served by another driver"), the first one's link untouched;
#   - a monitor removes only its own socket file: after its socket file was replaced, the
#     replacement survives its end (its link, its own, is removed);
#   - a stale socket (its monitor SIGKILLed at LEVEL_A) is taken over at LEVEL_B.
# LEVEL vm or process; exits 77 when a level is vm and KVM is not usable here.
set -u
ik=$1 img=$2 a=$3 b=$4
. "$(dirname "$0")/../lib/iktest.sh"
test_require_kvm "$a"
test_require_kvm "$b"
rt=$(mktemp -d /tmp/ikrdv.XXXXXX)
export IKERNEL_RUNTIME_DIR=$rt
bg=""
trap '[ -n "$bg" ] && kill -KILL $bg 2>/dev/null; rm -rf "$rt"' EXIT
fails=0
check() { # DESCRIPTION COMMAND...
	what=$1
	shift
	if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}
# wait_for FILE TEXT: up to 15 s for TEXT in FILE
wait_for() {
	i=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 150 ] && return 1
		sleep 0.1
	done
}
# serve LEVEL LOG [ARGS...]: a contract driver in the background (bg), kept 60 s
serve() {
	level=$1 log=$2
	shift 2
	"$ik" run "$img" --isolation="$level" --param hold_ms=60000 "$@" >"$log" 2>&1 &
	bg=$!
}
sock=$rt/contract.sock
link=$rt/nodes/contract0

serve "$a" "$rt/a.log"
check "[$a] the driver is served" wait_for "$rt/a.log" "ikernel: driver 'contract' ready in "
check "[$a] its socket is mode 0666" sh -c "[ \"\$(stat -c %a '$sock')\" = 666 ]"
check "[$a] its node links to it" sh -c "[ \"\$(readlink '$link')\" = ../contract.sock ]"
ino=$(stat -c %i "$sock")

out=$(timeout 30 "$ik" run "$img" --isolation="$b" 2>&1)
st=$?
printf '%s\n' "$out" | tail -n 2
check "[$b] a second monitor for the name is refused" sh -c \
	"[ $st -ne 0 ] && printf '%s\n' \"\$1\" | grep -qF \"driver 'contract' is already served by another monitor\"" - "$out"
check "[$b] ...and the first one's socket is untouched" sh -c "[ \"\$(stat -c %i '$sock')\" = $ino ]"

out=$(timeout 30 "$ik" run "$img" --isolation="$b" --name other 2>&1)
st=$?
printf '%s\n' "$out" | tail -n 2
check "[$b] another driver claiming the node is ended, a failure (exit status 1, not 0)" sh -c \
	"[ $st -eq 1 ] && printf '%s\n' \"\$1\" | grep -qF \"driver 'other' cannot be served: node 'contract0' is already served by another driver\"" - "$out"
check "[$b] ...and the first one's link is untouched" sh -c "[ \"\$(readlink '$link')\" = ../contract.sock ]"
check "[$b] ...and the other's socket is gone" sh -c "[ ! -e '$rt/other.sock' ]"

# A stranger's file where the socket was: the monitor must not remove it at its end.
rm -f "$sock" && echo stranger >"$sock"
kill -TERM $bg
wait $bg
bg=""
check "[$a] a stopped driver says its name is free" \
	grep -qF "ikernel: driver 'contract' is gone (status 0); its name is free" "$rt/a.log"
check "[$a] ...and removed only what was its own (not a replaced socket file)" \
	sh -c "[ \"\$(cat '$sock')\" = stranger ] && [ ! -e '$link' ] && [ ! -L '$link' ]"
rm -f "$sock"

# A stale socket: its monitor killed, the file left behind.
serve "$a" "$rt/d.log"
check "[$a] served again" wait_for "$rt/d.log" "ikernel: driver 'contract' ready in "
kill -KILL $bg
wait $bg 2>/dev/null
bg=""
sleep 0.2
check "[$a] a SIGKILLed monitor leaves its socket behind" test -S "$sock"
serve "$b" "$rt/e.log"
check "[$b] the stale socket is taken over" wait_for "$rt/e.log" "ikernel: driver 'contract' ready in "
check "[$b] ...and answers" sh -c "[ \"\$(stat -c %a '$sock')\" = 666 ] && [ \"\$(readlink '$link')\" = ../contract.sock ]"
kill -TERM $bg
wait $bg
bg=""
check "[$b] its end frees the name" sh -c "[ ! -e '$sock' ] && [ ! -L '$link' ]"
[ $fails -eq 0 ] && echo "test_rendezvous: ok ($a, then $b)"
[ $fails -eq 0 ]
