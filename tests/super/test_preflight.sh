#!/usr/bin/env bash
# Pre-flight and the KVM fallback (issue 14.4). `ikernel up --check` reports every problem it
# finds, one line each naming the manifest file and line: a backing file's missing directory,
# grants of two drivers that overlap (ports, IRQ lines: refused, by `up` too), a missing image and a clash of node
# names together, an unusable KVM; it exits 0 (none), 1 (problems of this machine) or 2 (a
# manifest refused). Without a usable KVM, simulated with $IKERNEL_KVM_DEVICE (/nonexistent:
# absent; /dev/null: opens but is not a KVM device), `ikernel up` runs every driver at
# isolation=process, says so once, `status` shows the level used, the device files work, and a
# driver with no process build to fall back to is `failed` with the reason instead of looping.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
[ -e /dev/fuse ] || { echo "skipped: /dev/fuse not available (--check would report it)"; exit 77; }
dir=$(mktemp -d /tmp/ikt-pre.XXXXXX)
trap 'stop_super; rm -rf "$dir"' EXIT
img="$IKERNEL_BUILD/drivers/nulldev.img"
led="$IKERNEL_BUILD/drivers/led.img"
# A runtime directory of our own (a supervisor running in the default one is a problem too).
export IKERNEL_RUNTIME_DIR="$dir/rt"
# The manifests of the first checks run at isolation=process: their results do not depend on
# this machine's KVM (the KVM checks below are explicit).
P="isolation = process"

# check_out NAME EXPECTED-RC SUBSTRING...: `up --check` on $dir/NAME (a file or directory).
check_out() {
	local what=$1 want=$2 out rc
	shift 2
	out=$("$ik" up --check "$dir/$what" 2>&1)
	rc=$?
	local ok=1
	[ "$rc" -eq "$want" ] || ok=0
	for s in "$@"; do grep -qF -- "$s" <<<"$out" || { ok=0; echo "  missing: $s"; }; done
	if [ "$ok" -eq 1 ]; then
		echo "ok   --check $what (exit $rc)"
	else
		echo "FAIL --check $what: exit $rc (expected $want); got:"; echo "$out"
		fails=$((fails + 1))
	fi
}

# A backing file whose directory cannot be created (a file is in the way): named with its
# manifest line and key. Missing directories that can be created are not a problem: the model
# creates them (dev_cmos.c), as systemd's StateDirectory= would.
mkdir "$dir/state"
touch "$dir/nope"
printf '[driver]\nname = nv\nimage = %s\n'"$P"'\n[device cmos]\nmodel = cmos\nbacking = file:%s/nope/sub/nvram.bin\n' \
	"$img" "$dir" >"$dir/state/nv.ini"
check_out state/nv.ini 1 "nv.ini:5: [device cmos] backing = file:$dir/nope/sub/nvram.bin: directory $dir/nope/sub: Not a directory" \
	"--check: 1 problem found"
rm "$dir/nope"
check_out state/nv.ini 0

# Grants belong to one driver (issue 11.10): two drivers granted the same ports, two the same
# IRQ line, are a refused manifest set for --check (exit 2, each pair named with both manifests,
# devices, drivers and the shared range) and for `up` itself (it exits 2 before starting
# anything). Ranges decoded apart from the grant's first port count too (wafer5823 decodes
# 0x443 and 0x843).
mkdir "$dir/grants"
printf '[driver]\nname = a\nimage = %s\n'"$P"'\n[device pp]\nmodel = parport\nport = 0x378\n' "$img" >"$dir/grants/a.ini"
printf '[driver]\nname = b\nimage = %s\n'"$P"'\n[device pp]\nmodel = parport\nport = 0x37a\n' "$img" >"$dir/grants/b.ini"
printf '[driver]\nname = c\nimage = %s\n'"$P"'\n[device w]\nmodel = wdt501\nport = 0x240\nirq = 5\n' "$img" >"$dir/grants/c.ini"
printf '[driver]\nname = d\nimage = %s\n'"$P"'\n[device w]\nmodel = wdt501\nport = 0x340\nirq = 5\n' "$img" >"$dir/grants/d.ini"
check_out grants 2 "b.ini:5: [device pp] (driver 'b', parport@0x37a) and $dir/grants/a.ini:5 [device pp] (driver 'a', parport@0x378) are both granted ports 0x37a-0x37a" \
	"d.ini:5: [device w] (driver 'd', wdt501@0x340,irq=5) and $dir/grants/c.ini:5 [device w] (driver 'c', wdt501@0x240,irq=5) are both granted irq 5" \
	"--check: 2 manifests refused"
mkdir "$dir/grants2"
printf '[driver]\nname = w1\nimage = %s\n'"$P"'\n[device w]\nmodel = wafer5823\nport = 0x443\n' "$img" >"$dir/grants2/w1.ini"
printf '[driver]\nname = w2\nimage = %s\n'"$P"'\n[device pp]\nmodel = parport\nport = 0x842\n' "$img" >"$dir/grants2/w2.ini"
check_out grants2 2 "w2.ini:5: [device pp] (driver 'w2', parport@0x842) and $dir/grants2/w1.ini:5 [device w] (driver 'w1', wafer5823@0x443) are both granted ports 0x843-0x843"
# PCI functions (bus = pci) are each on their own driver's bus: two drivers' testdev@pci (the
# same I/O BAR ports and INTx line inside each VM) share nothing.
mkdir "$dir/grants3"
for n in p1 p2; do
	printf '[driver]\nname = %s\nimage = %s\n'"$P"'\n[device t]\nmodel = testdev\nbus = pci\n' "$n" "$img" >"$dir/grants3/$n.ini"
done
check_out grants3 0
# `up` refuses the set before starting anything (no runtime directory is even needed).
out=$(IKERNEL_RUNTIME_DIR="$dir/rt-grants" timeout 10 "$ik" up "$dir/grants" 2>&1); rc=$?
check "up with overlapping grants: exit 2" test "$rc" -eq 2
check "  names both manifests, devices and the ports" grep -qF "b.ini:5: [device pp] (driver 'b', parport@0x37a) and $dir/grants/a.ini:5 [device pp] (driver 'a', parport@0x378) are both granted ports 0x37a-0x37a" <<<"$out"
check "  started nothing" test ! -e "$dir/rt-grants/supervisor.pid"

# Everything at once: a refused manifest does not hide the others' problems.
mkdir "$dir/many"
printf '[driver]\nname = m1\nimage = %s/missing.img\n' "$dir" >"$dir/many/m1.ini"
printf '[driver]\nname = m2\nimage = %s\n'"$P"'\n[node x0]\n' "$img" >"$dir/many/m2.ini"
printf '[driver]\nname = m3\nimage = %s\n'"$P"'\n[node x0]\n[device cmos]\nmodel = cmos\nbacking = file:/dev/null/ikt/nv.bin\n' \
	"$img" >"$dir/many/m3.ini"
check_out many 2 "m1.ini:3: image $dir/missing.img: No such file or directory" \
	"m3.ini:5: node 'x0' is also declared by $dir/many/m2.ini:5" \
	"m3.ini:6: [device cmos] backing = file:/dev/null/ikt/nv.bin: directory /dev/null/ikt" \
	"--check: 2 manifests refused, 3 problems in all"

# No usable KVM: a problem for --check (drivers would run weaker), both ways of failing.
mkdir "$dir/ok"
cp "$IKERNEL_SRC/manifests/led.ini" "$dir/ok/led.ini"
sed -i "s|^image = .*|image = $led|" "$dir/ok/led.ini"
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	check_out ok 0 "led: image $led, isolation vm"
fi
out=$(IKERNEL_KVM_DEVICE=/nonexistent "$ik" up --check "$dir/ok" 2>&1); rc=$?
check "--check without KVM (absent): exit 1" test "$rc" -eq 1
check "  names the device and the fallback" grep -qF "KVM is not usable (/nonexistent: No such file or directory): drivers would run at isolation=process" <<<"$out"
out=$(IKERNEL_KVM_DEVICE=/dev/null "$ik" up --check "$dir/ok" 2>&1); rc=$?
check "--check without KVM (not a KVM device): exit 1" test "$rc" -eq 1
check "  says why" grep -qF "KVM is not usable (/dev/null is not a KVM device (KVM_GET_API_VERSION: " <<<"$out"
# ... and a driver with no process build to fall back to is a problem of its own.
cp "$img" "$dir/lonely.img"
printf '[driver]\nname = lonely\nimage = %s\n[node lonely0]\nmode = 0666\n' "$dir/lonely.img" >"$dir/ok/lonely.ini"
out=$(IKERNEL_KVM_DEVICE=/nonexistent "$ik" up --check "$dir/ok" 2>&1); rc=$?
check "--check: no KVM and no process build for one driver" grep -qF "lonely.ini: driver 'lonely': KVM is not usable (/nonexistent: No such file or directory) and there is no process build to fall back to ($dir/lonely.proc" <<<"$out"
[ "$fails" -eq 0 ] || echo "$out"

# ---- up without KVM: the process level, said once -------------------------------------------
if [ -e /dev/fuse ] && [ "$(id -u)" -eq 0 ]; then
	cp "$IKERNEL_SRC/manifests/nulldev.ini" "$dir/ok/nulldev.ini"
	sed -i "s|^image = .*|image = $img|" "$dir/ok/nulldev.ini"
	export IKERNEL_KVM_DEVICE=/dev/null
	rt=$(mktemp -d /tmp/ikt.XXXXXX)
	chmod 755 "$rt"
	export IKERNEL_RUNTIME_DIR="$rt"
	timeout 30 "$ik" up --detach "$dir/ok" 2>"$dir/up.err"
	rc=$?
	super_pid=$(cat "$rt/supervisor.pid" 2>/dev/null)
	unset IKERNEL_KVM_DEVICE
	check "up without KVM: exit 1 (one driver cannot run)" test "$rc" -eq 1
	check "  says so once" test "$(grep -c 'falling back to isolation=process' "$dir/up.err")" -eq 1
	check "  naming who falls back and who cannot" grep -qF "falling back to isolation=process (WEAKER than a VM: shares the host kernel) for led, nulldev; no process build, cannot run: lonely" "$dir/up.err"
	check "  status: led at the process level" bash -c "'$ik' status | grep -qE '^led +process \\(weaker\\) +running'"
	check "  status --json: nulldev isolation process" test "$(status_field nulldev isolation)" = process
	check "  status --json: lonely failed" test "$(status_field lonely state)" = failed
	check "  with the reason" bash -c "'$ik' status --json | grep -qF 'not started: KVM is not usable (/dev/null is not a KVM device'"
	echo 0x5a >"$rt/dev/led0"
	check "  led0 works" test "$(cat "$rt/dev/led0")" = 0x5a
	check "  the driver's log says why it runs weaker" bash -c "'$ik' logs led | grep -qF '[super] KVM is not usable (/dev/null is not a KVM device'"
	check "  and its monitor says weaker" bash -c "'$ik' logs led | grep -qF 'WEAKER than a VM'"
	check "  lonely's log says why it did not start" bash -c "'$ik' logs lonely | grep -qF 'not started: KVM is not usable'"
	[ "$fails" -eq 0 ] || { cat "$dir/up.err"; dump_logs; }
	stop_super
else
	echo "skipped: up without KVM (needs /dev/fuse and root)"
fi
exit $((fails > 0))
