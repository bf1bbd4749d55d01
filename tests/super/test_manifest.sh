#!/usr/bin/env bash
# Manifests: a bad one is refused with FILE:LINE: reason (checked with `ikernel up --check`,
# which parses and validates exactly as `up` does, without starting anything); what the
# monitor cannot enforce (IRQ grants, MMIO windows, pty/file backings) is refused, not
# ignored. Also: every supervisor command has --help, and fails clearly with no supervisor.
set -uo pipefail
ik=${IKERNEL_BIN:?}
dir=$(mktemp -d /tmp/ikernel-manifest-test.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fails=0
img="$IKERNEL_BUILD/drivers/nulldev.img"

# expect_refused NAME EXPECTED-SUBSTRING: `up --check NAME.ini` must exit 2 and print it.
expect_refused() {
	local out rc
	out=$("$ik" up --check "$dir/$1.ini" 2>&1)
	rc=$?
	if [ "$rc" -ne 2 ] || ! grep -qF -- "$2" <<<"$out"; then
		echo "FAIL $1: exit $rc, expected 2 and '$2'; got: $out"
		fails=$((fails + 1))
	else
		echo "ok   $1: $out"
	fi
}

cat >"$dir/good.ini" <<EOT
[driver]
name = good
image = $img
restart = always
[node good0]
mode = 0640
EOT
out=$("$ik" up --check "$dir/good.ini" 2>&1)
if [ $? -ne 0 ] || ! grep -q "good: image $img, isolation vm, restart always, node good0 (0640" <<<"$out"; then
	echo "FAIL good manifest: $out"; fails=$((fails + 1))
else
	echo "ok   good manifest: $out"
fi

printf '[driver]\nname = x\nimage = %s\nisolation = process\n' "$img" >"$dir/proc.ini"
out=$("$ik" up --check "$dir/proc.ini" 2>&1)
if [ $? -ne 0 ] || ! grep -q "x: image $img, isolation process (weaker), restart on-failure" <<<"$out"; then
	echo "FAIL isolation = process: $out"; fails=$((fails + 1))
else
	echo "ok   isolation = process: $out"
fi

printf '[driver]\nname = x\nimage = %s\nisolation = container\n' "$img" >"$dir/bad_isolation.ini"
expect_refused bad_isolation "bad_isolation.ini:4: bad isolation 'container' (vm or process"

# Device models are offered at isolation = process too (the monitor-lite serves them).
printf '[driver]\nname = x\nimage = %s\nisolation = process\n[device pp]\nmodel = parport\n' \
	"$img" >"$dir/proc_device.ini"
out=$("$ik" up --check "$dir/proc_device.ini" 2>&1)
if [ $? -ne 0 ] || ! grep -q "x: image $img, isolation process (weaker), restart on-failure, device parport@0x378" <<<"$out"; then
	echo "FAIL isolation = process with a device: $out"; fails=$((fails + 1))
else
	echo "ok   isolation = process with a device: $out"
fi

cp "$img" "$dir/lonely.img"
printf '[driver]\nname = x\nimage = %s\nisolation = process\n' "$dir/lonely.img" >"$dir/proc_missing.ini"
expect_refused proc_missing "proc_missing.ini:4: isolation = process needs the process build $dir/lonely.proc"

printf '[driver]\nname = x\nimage = %s\ncolour = blue\n' "$img" >"$dir/unknown_key.ini"
expect_refused unknown_key "unknown_key.ini:4: unknown key 'colour' in [driver]"

printf '[driver]\nname = x\nimage = %s\nrestart = sometimes\n' "$img" >"$dir/bad_restart.ini"
expect_refused bad_restart "bad_restart.ini:4: bad restart policy 'sometimes'"

printf '[driver]\nname = x\nimage = nosuch.img\n' >"$dir/no_image.ini"
expect_refused no_image "no_image.ini:3: image 'nosuch.img' not found"

printf '[driver]\nname = x\n' >"$dir/missing_image.ini"
expect_refused missing_image "missing_image.ini:1: [driver] needs 'image = ...'"

printf '[driver]\nname = x\nimage = %s\n[device pp]\nmodel = parport\nport = 0x378\nirq = 7\n' \
	"$img" >"$dir/irq.ini"
expect_refused irq "irq.ini:4: [device pp]: irq = 7 cannot be granted"

printf '[driver]\nname = x\nimage = %s\n[device pp]\nmodel = parport\nbacking = pty\n' \
	"$img" >"$dir/pty.ini"
expect_refused pty "pty.ini:4: [device pp]: backing 'pty' is not supported"

printf '[driver]\nname = x\nimage = %s\n[device pp]\nmodel = parport\nmmio = 0x1000:4K\n' \
	"$img" >"$dir/mmio.ini"
expect_refused mmio "mmio.ini:4: [device pp]: mmio windows cannot be granted yet"

printf '[driver]\nname = x\nimage = %s\n[device a]\nmodel = parport\nport = 0x378\n[device b]\nmodel = parport\nport = 0x379\n' \
	"$img" >"$dir/overlap.ini"
expect_refused overlap "overlap.ini:7: device 'parport@0x379' (ports 0x379-0x37b) overlaps"

# bus = pci: only a model with a PCI identity, and the monitor assigns its ports and line.
printf '[driver]\nname = x\nimage = %s\n[device a]\nmodel = parport\nbus = pci\n' "$img" >"$dir/pci_model.ini"
expect_refused pci_model "pci_model.ini:4: [device a]: model parport is not a PCI device; use bus = isa"
printf '[driver]\nname = x\nimage = %s\n[device a]\nmodel = testdev\nbus = pci\nport = 0x500\n' "$img" >"$dir/pci_port.ini"
expect_refused pci_port "pci_port.ini:4: [device a]: bus = pci takes no port or irq"
printf '[driver]\nname = x\nimage = %s\n[device a]\nmodel = testdev\nbus = usb\n' "$img" >"$dir/pci_bus.ini"
expect_refused pci_bus "pci_bus.ini:6: bad bus 'usb' (isa, or pci"

printf '[driver]\nname = x\nimage = %s\n[device a]\nmodel = floppy\n' "$img" >"$dir/model.ini"
expect_refused model "model.ini:4: [device a]: unknown device model 'floppy'"

printf '[driver]\nname = x\nimage = %s\n[node led0]\nmode = 0999\n' "$img" >"$dir/mode.ini"
expect_refused mode "mode.ini:5: bad mode '0999' for node led0"

printf '[driver]\nname = x\nimage = %s\n[node led0]\nowner = no-such-user-here\n' "$img" >"$dir/owner.ini"
expect_refused owner "owner.ini:5: unknown owner 'no-such-user-here'"

printf '[driver]\nname = x\nimage = %s\n[node a/b]\n' "$img" >"$dir/nodename.ini"
expect_refused nodename "nodename.ini:4: [node NAME] needs a name"

printf '[driver]\nname = x\nimage = %s\nthis is not ini\n' "$img" >"$dir/syntax.ini"
expect_refused syntax "syntax.ini:4: syntax error"

printf '[driver]\nname = x\nimage = %s\nmemory = 3M\n' "$img" >"$dir/memory.ini"
expect_refused memory "memory.ini:4: bad memory '3M'"

# The output budget (budget.h): RATE,LINES,BURST, each checked; a good one is accepted.
for b in 1K,0,1s 512,10,1s 16K,200 16K,200,0s 16K,200,1h 99G,1,1s x,1,1s 16K,-1,1s; do
	printf '[driver]\nname = x\nimage = %s\nlog_budget = %s\n' "$img" "$b" >"$dir/budget.ini"
	expect_refused budget "budget.ini:4: bad log budget '$b': RATE,LINES,BURST"
done
printf '[driver]\nname = x\nimage = %s\nlog_budget = 8K,100,4s\n' "$img" >"$dir/budget.ini"
out=$("$ik" up --check "$dir/budget.ini" 2>&1) || { echo "FAIL log_budget = 8K,100,4s refused: $out"; fails=$((fails + 1)); }

printf '[driver]\nname = x\nimage = %s\n[gadget]\n' "$img" >"$dir/section.ini"
expect_refused section "section.ini:4: unknown section [gadget]"

# The offending line, whatever inih would make of it: a key given twice (only param repeats),
# a section header without its ']' (not "'name' outside any section"), text after a header,
# an indented line (inih would take it as another value of the key before).
printf '[driver]\nname = x\nimage = %s\nname = y\n' "$img" >"$dir/dupkey.ini"
expect_refused dupkey "dupkey.ini:4: duplicate key 'name' in [driver] (also line 2"
printf '[driver]\nname = x\nimage = %s\n[device pp]\nmodel = parport\nport = 0x378\nport = 0x278\n' \
	"$img" >"$dir/dupport.ini"
expect_refused dupport "dupport.ini:7: duplicate key 'port' in [device pp] (also line 6"
printf '[driver]\nname = x\nimage = %s\n[node a0]\nmode = 0600\n[node b0]\nmode = 0600\nmode = 0644\n' \
	"$img" >"$dir/dupmode.ini"
expect_refused dupmode "dupmode.ini:8: duplicate key 'mode' in [node b0] (also line 7"
printf '[driver\nname = x\nimage = %s\n' "$img" >"$dir/noclose.ini"
expect_refused noclose "noclose.ini:1: malformed section header '[driver' (no closing ']')"
printf '[driver]\nname = x\nimage = %s\n[node a0\nmode = 0600\n' "$img" >"$dir/noclose2.ini"
expect_refused noclose2 "noclose2.ini:4: malformed section header '[node a0' (no closing ']')"
printf '[driver] x\nname = x\nimage = %s\n' "$img" >"$dir/hdrjunk.ini"
expect_refused hdrjunk "hdrjunk.ini:1: text after the section header: 'x'"
printf '[driver]\nname = x\nimage = %s\nparam = a=1\n  b=2\n' "$img" >"$dir/indent.ini"
expect_refused indent "indent.ini:5: indented line"
# The first error by line, also when inih's own syntax error comes before a key's.
printf '[driver]\nname = x\nimage = %s\nno equals sign\ncolour = blue\n' "$img" >"$dir/order.ini"
expect_refused order "order.ini:4: syntax error"
# What stays allowed: param repeated, a comment after a header, comments and blank lines.
printf '[driver] ; the driver\n; a comment\n\nname = x\nimage = %s\nparam = a=1\nparam = b=2\n  # indented comment\n' \
	"$img" >"$dir/fine.ini"
out=$("$ik" up --check "$dir/fine.ini" 2>&1)
if [ $? -ne 0 ] || ! grep -q "x: image $img" <<<"$out"; then
	echo "FAIL repeated param, comments: $out"; fails=$((fails + 1))
else
	echo "ok   repeated param, comments: $out"
fi

# Two manifests declaring the same node.
printf '[driver]\nname = y\nimage = %s\n[node good0]\n' "$img" >"$dir/dupnode.ini"
out=$("$ik" up --check "$dir/good.ini" "$dir/dupnode.ini" 2>&1)
if [ $? -ne 2 ] || ! grep -qF "dupnode.ini:4: node 'good0' is also declared by $dir/good.ini:5" <<<"$out"; then
	echo "FAIL duplicate node: $out"; fails=$((fails + 1))
else
	echo "ok   duplicate node: $out"
fi

# The shipped manifests (embedded) parse.
out=$("$ik" up --check 2>&1)
if [ $? -ne 0 ] || ! grep -q "led: .*device parport@0x378, node led0 (0666" <<<"$out"; then
	echo "FAIL shipped manifests: $out"; fails=$((fails + 1))
else
	echo "ok   shipped manifests"
fi

# --help everywhere; a clear failure without a supervisor.
for c in up status logs restart stop start down; do
	if ! "$ik" "$c" --help | grep -q "usage: ikernel $c"; then
		echo "FAIL $c --help"; fails=$((fails + 1))
	fi
done
for c in "status" "status --json" "logs led" "restart led" "start led"; do
	# shellcheck disable=SC2086
	out=$(IKERNEL_RUNTIME_DIR="$dir/none" "$ik" $c 2>&1)
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q "the supervisor is not running" <<<"$out"; then
		echo "FAIL '$c' without a supervisor: exit $rc: $out"; fails=$((fails + 1))
	fi
done
# Nothing to stop is not an error: `down` and `stop` are idempotent (exit 0, with a note).
for c in "stop led" "down"; do
	# shellcheck disable=SC2086
	out=$(IKERNEL_RUNTIME_DIR="$dir/none" "$ik" $c 2>&1)
	rc=$?
	if [ $rc -ne 0 ] || ! grep -q "the supervisor is not running.*not running\|nothing to stop" <<<"$out"; then
		echo "FAIL '$c' without a supervisor: exit $rc, expected 0 and a note: $out"; fails=$((fails + 1))
	fi
done
echo "ok   --help and 'not running' messages"
[ "$fails" -eq 0 ] && echo "all manifest checks passed"
exit $((fails > 0))
