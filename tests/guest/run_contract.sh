#!/bin/sh
# run_contract.sh LEVEL IKERNEL IMAGE EXPECT [PATTERN...] [-- RUN-ARGS...]
# One driver-visible check of the driver-host core at one isolation level: runs
# `ikernel run IMAGE --isolation=LEVEL RUN-ARGS...` (LEVEL vm or process; at process the
# monitor-lite runs IMAGE's .proc twin) in a private runtime directory and checks how it ended.
# meson.build runs every check at both levels with the same arguments and expectations.
#   EXPECT   exit: the program returned 0 (`ikernel run` exits 0); fail: it was ended (exit 1)
#   PATTERN  a text the output must hold; !TEXT: a text it must not hold
# Always checked too: the end report, then "ikernel: driver 'NAME' is gone (status S); its name
# is free" with the exit status, and nothing of the driver left in the runtime directory.
# Exits 0 when all holds, 77 when LEVEL is vm and KVM is not usable here.
set -u
level=$1 ik=$2 image=$3 expect=$4
shift 4
n=0
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	n=$((n + 1))
	eval "pat_$n=\$1"
	shift
done
[ $# -gt 0 ] && shift # the --
. "$(dirname "$0")/../lib/iktest.sh"
test_require_kvm "$level"
rt=$(mktemp -d /tmp/ikcontract.XXXXXX)
trap 'rm -rf "$rt"' EXIT
out=$(IKERNEL_RUNTIME_DIR=$rt timeout 60 "$ik" run "$image" --isolation="$level" "$@" 2>&1)
status=$?
printf '%s\n' "$out" | grep -v '^\[contract\] fffff' | tail -n 40
fails=0
fail() { echo "run_contract: FAIL ($level): $*"; fails=$((fails + 1)); }
case $expect in
exit) want=0 ;;
fail) want=1 ;;
*) echo "run_contract: bad EXPECT $expect"; exit 2 ;;
esac
[ $status -eq $want ] || fail "exit status $status, expected $want"
i=1
while [ $i -le $n ]; do
	eval "p=\$pat_$i"
	case $p in
	!*) printf '%s\n' "$out" | grep -qF -- "${p#!}" && fail "the output holds '${p#!}'" ;;
	*) printf '%s\n' "$out" | grep -qF -- "$p" || fail "the output lacks '$p'" ;;
	esac
	i=$((i + 1))
done
name=$(basename "$image")
name=${name%.*}
last=$(printf '%s\n' "$out" | grep "^ikernel: " | tail -n 1)
[ "$last" = "ikernel: driver '$name' is gone (status $want); its name is free" ] ||
	fail "the last line is not the 'is gone (status $want)' line: $last"
report=$(printf '%s\n' "$out" | grep "^ikernel: " | tail -n 2 | head -n 1)
case $report in
*"driver '$name' "*) ;;
*) fail "no end report naming the driver before the 'is gone' line: $report" ;;
esac
left=$(find "$rt" -mindepth 1 -not -path "$rt/nodes" 2>/dev/null)
[ -z "$left" ] || fail "left in the runtime directory: $left"
[ $fails -eq 0 ] && echo "run_contract: ok ($level)"
[ $fails -eq 0 ]
