#!/bin/sh
# test_guest_profile.sh IKERNEL PROGRAM: the guest profile (IKERNEL_GUEST_PROFILE=1) and KVM's
# counters in the exit profile (IKERNEL_EXIT_PROFILE=1) of a driver VM, with guest_profile.c:
#   mode=burn   the guest's own loop is the top function, with at least half the samples
#   mode=exits  port reads (each an exit): ik_inb called by port_reads is the top call chain
#               (the callers come from the guest's frame pointers), burn_cycles is absent;
#               KVM's own count of MMIO exits covers the port reads the monitor served (the
#               port window is MMIO), and more than 1,000 of them were
#   no variable: no profile, no sampler
# Exit 77 when KVM is not usable here.
set -u
ik=$1 prog=$2
. "$(dirname "$0")/../lib/iktest.sh"
test_require_kvm vm
rt=$(mktemp -d /tmp/ikgprof.XXXXXX)
trap 'rm -rf "$rt"' EXIT
fails=0
fail() { echo "test_guest_profile: FAIL: $*"; fails=$((fails + 1)); }
run() { # MODE [ENV...]: the run's log; fails when it did not exit cleanly
	m=$1
	shift
	out=$(env "$@" IKERNEL_RUNTIME_DIR=$rt timeout 60 "$ik" run "$prog" --isolation=vm \
		--device testdev@0x500 --param "mode=$m" 2>&1)
	if [ $? -ne 0 ] || ! printf '%s\n' "$out" | grep -q "exited with status 0"; then
		printf '%s\n' "$out" | tail -n 20
		fail "mode=$m did not exit cleanly"
	fi
	printf '%s\n' "$out"
}
# "CHAIN PERCENT" of the profile's first (top) call chain ("f<caller<caller's caller"), or nothing
top() { sed -n 's/.*guest profile: [0-9]* samples[^:]*: \([A-Za-z0-9_.<]*\) \([0-9.]*\)%.*/\1 \2/p'; }

out=$(run burn IKERNEL_GUEST_PROFILE=1)
line=$(printf '%s\n' "$out" | grep "guest profile:")
echo "burn: ${line#*guest profile: }"
set -- $(printf '%s\n' "$out" | top) "" ""
case $1 in burn_cycles\<ik_guest_test*) ;; *) fail "mode=burn: top chain '$1', not burn_cycles<ik_guest_test" ;; esac
[ "${2%%.*}" -ge 50 ] 2>/dev/null || fail "mode=burn: burn_cycles has ${2:-no}% of the samples (< 50)"

out=$(run exits IKERNEL_GUEST_PROFILE=1 IKERNEL_EXIT_PROFILE=1)
line=$(printf '%s\n' "$out" | grep "guest profile:")
echo "exits: ${line#*guest profile: }"
set -- $(printf '%s\n' "$out" | top) "" ""
case $1 in ik_inb\<port_reads*) ;; *) fail "mode=exits: top chain '$1', not ik_inb<port_reads" ;; esac
printf '%s\n' "$line" | grep -q burn_cycles && fail "mode=exits: burn_cycles in the profile"
reads=$(printf '%s\n' "$out" | sed -n 's/.*exit profile: .* port 0x500 read \([0-9]*\).*/\1/p')
kvm=$(printf '%s\n' "$out" | sed -n "s/.*KVM's counters.*mmio_exits \([0-9]*\).*/\1/p")
echo "exits: the monitor served ${reads:-?} port reads, KVM counted ${kvm:-?} MMIO exits"
[ -n "$reads" ] && [ -n "$kvm" ] && [ "$kvm" -ge "$reads" ] && [ "$reads" -gt 1000 ] ||
	fail "mode=exits: KVM's MMIO exits '${kvm:-none}' not >= the port reads '${reads:-none}' (> 1000)"

out=$(run burn)
printf '%s\n' "$out" | grep -q "guest profile\|KVM's counters" && fail "a profile without the variables"
[ $fails -eq 0 ]
