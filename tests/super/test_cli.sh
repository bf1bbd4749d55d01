#!/usr/bin/env bash
# The command line's conventions (ikernel(1)): every command parses its options with
# getopt_long (`--opt value` and `--opt=value` alike, -h/--help), a usage error exits 2 with
# "ikernel CMD: ..." on stderr; `down` and `stop` are idempotent (exit 0 with a note when there
# is nothing to stop). With KVM, FUSE and root also against a running supervisor: stop twice,
# down twice, and `status --json` stays valid JSON when a path or a crash report holds control
# characters and bytes that are not UTF-8.
set -uo pipefail
ik=${IKERNEL_BIN:?}
tmp=$(mktemp -d /tmp/ikt-cli.XXXXXX)
chmod 755 "$tmp"
export IKERNEL_RUNTIME_DIR="$tmp/none" # no supervisor here
fails=0
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# usage_error EXPECTED-SUBSTRING CMD ARGS...: exit 2, stderr starts with "ikernel CMD: ", names it.
usage_error() {
	local want=$1 cmd=$2 err rc
	shift 2
	err=$("$ik" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 2 ] || [ "${err#"ikernel $cmd: "}" = "$err" ] || ! grep -qF -- "$want" <<<"$err"; then
		bad "ikernel $*: exit $rc, expected 2 and 'ikernel $cmd: ...$want...'; got: $err"
	else
		echo "ok   ikernel $* -> 2: $(head -n 1 <<<"$err")"
	fi
}

for c in run bench up status logs restart stop start down inject; do
	usage_error "unknown option '--bogus'" "$c" "$c" --bogus
	usage_error "unknown option '-Z'" "$c" "$c" -Z
	for h in -h --help; do
		out=$("$ik" "$c" "$h" 2>&1)
		rc=$?
		[ "$rc" -eq 0 ] && grep -q "^usage: ikernel $c" <<<"$out" || bad "ikernel $c $h: exit $rc: $out"
	done
	# a value option without its value
	[ "$c" = bench ] || usage_error "option '--runtime-dir' needs a value" "$c" "$c" --runtime-dir
done
usage_error "option '--samples' needs a value" bench bench --samples
usage_error "option '--json' takes no value" status status --json=yes
usage_error "unknown option '--json'" logs logs --json led
usage_error "unknown option '--follow'" status status --follow
usage_error "which driver?" logs logs
usage_error "which driver?" stop stop
usage_error "unexpected argument 'b'" restart restart a b
usage_error "unexpected argument 'x'" down down x
usage_error "unexpected argument 'x'" status status x
usage_error "which driver?" inject inject
usage_error "which fault class?" inject inject led
usage_error "unexpected argument 'x'" inject inject led flip x
usage_error "bad --bit value '8'" inject inject led flip --bit=8
usage_error "bad --len value 'ten'" inject inject led nop --at=0x1000 --len ten
usage_error "option '--seed' needs a value" inject inject led flip --seed
usage_error "unknown mode 'bogus'" bench bench bogus
usage_error "bad --iterations value '5'" bench bench --iterations=5
usage_error "bad --iterations value '5'" bench bench --iterations 5
usage_error "option '--no-pin' takes no value" bench bench --no-pin=1
usage_error "option '--detach' takes no value" up up --detach=yes
usage_error "no image given" run run
usage_error "bad memory size '12Q'" run run x.img --mem=12Q

# --opt=value reaches the command like --opt value: the runtime directory is the one named.
for form in "--runtime-dir=$tmp/other" "--runtime-dir $tmp/other"; do
	# shellcheck disable=SC2086
	err=$("$ik" status $form 2>&1)
	rc=$?
	[ "$rc" -eq 1 ] && grep -qF "no $tmp/other/control.sock" <<<"$err" || bad "status $form: exit $rc: $err"
	# shellcheck disable=SC2086
	err=$("$ik" inject $form led flip --seed=7 2>&1)
	rc=$?
	[ "$rc" -eq 1 ] && grep -qF "$tmp/other/led.sock): not running" <<<"$err" || bad "inject $form: exit $rc: $err"
	# shellcheck disable=SC2086
	err=$("$ik" up --check $form "$tmp/missing.ini" 2>&1)
	rc=$?
	[ "$rc" -eq 2 ] && grep -qF "missing.ini" <<<"$err" || bad "up --check $form: exit $rc: $err"
done
echo "ok   --opt=value and --opt value alike"

# Nothing to stop: done (exit 0, a note on stdout); a command that needs the supervisor: 1.
for c in "down" "stop led" "stop --runtime-dir=$tmp/x led"; do
	# shellcheck disable=SC2086
	out=$("$ik" $c 2>/dev/null)
	rc=$?
	[ "$rc" -eq 0 ] && grep -q "the supervisor is not running" <<<"$out" || bad "'$c' without a supervisor: exit $rc: $out"
done
for c in "status" "restart led" "start led" "logs led"; do
	# shellcheck disable=SC2086
	err=$("$ik" $c 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 1 ] && grep -q "^ikernel ${c%% *}: the supervisor is not running" <<<"$err" || bad "'$c' without a supervisor: exit $rc: $err"
done
echo "ok   idempotent down/stop without a supervisor, 1 for the others"

if [ ! -w /dev/kvm ] || [ ! -e /dev/fuse ] || [ "$(id -u)" -ne 0 ]; then
	rm -rf "$tmp"
	[ "$fails" -eq 0 ] || exit 1
	echo "skipped: the supervisor part needs /dev/kvm, /dev/fuse and root"
	exit 77
fi

# ---- against a running supervisor ----------------------------------------------------------
# A directory and an image whose names hold control characters and bytes that are not UTF-8:
# `status --json` shows them in "manifest", "image" and (the monitor's report on the image)
# "last_crash".
weird="$tmp/ikt-"$'\x01\x1f\xff\xfe'"-dir"
mkdir -p "$weird"
cp "$IKERNEL_BUILD/drivers/nulldev.img" "$weird/nulldev.img"
printf 'not an ELF image' >"$weird/bad"$'\x02\xc3'".img"
printf '[driver]\nname = nulldev\nimage = nulldev.img\nrestart = never\n[node null0]\nmode = 0666\n' >"$weird/nulldev.ini"
printf '[driver]\nname = broken\nimage = bad\x02\xc3.img\nrestart = never\n' >"$weird/broken.ini"
rt="$tmp/rt"
mkdir -p "$rt"
export IKERNEL_RUNTIME_DIR="$rt"
cleanup() {
	timeout 30 "$ik" down >/dev/null 2>&1
	grep -q " $rt/dev " /proc/self/mounts && umount -l "$rt/dev"
	rm -rf "$tmp"
}
trap cleanup EXIT
timeout 30 "$ik" up --detach "$weird/nulldev.ini" "$weird/broken.ini" >"$tmp/up.out" 2>&1
rc=$?
[ "$rc" -le 1 ] && [ -S "$rt/control.sock" ] || { cat "$tmp/up.out"; bad "up --detach: exit $rc"; exit 1; }
state() { "$ik" status --json | python3 -c "import json,sys; print([d for d in json.load(sys.stdin)['drivers'] if d['name']=='$1'][0]['state'])"; }
for _ in $(seq 1 100); do [ "$(state broken)" = crashed ] && break; sleep 0.1; done
"$ik" status --json >"$tmp/status.json"
if python3 - "$tmp/status.json" <<'EOF'; then echo "ok   status --json with control characters and invalid UTF-8 is valid JSON"; else bad "status --json"; fi
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")  # strictly UTF-8
d = json.loads(raw)
drv = {x["name"]: x for x in d["drivers"]}
weird = "ikt-\x01\x1f\ufffd\ufffd-dir"
assert weird in drv["nulldev"]["manifest"], drv["nulldev"]["manifest"]
assert weird in drv["nulldev"]["image"], drv["nulldev"]["image"]
assert drv["nulldev"]["state"] == "running", drv["nulldev"]
crash = drv["broken"]["last_crash"]
assert drv["broken"]["state"] == "crashed" and crash, drv["broken"]
assert "bad\x02\ufffd.img" in crash or "bad\\x02" in crash or "bad" in crash, crash
print("     manifest:", ascii(drv["nulldev"]["manifest"]), " last_crash:", ascii(crash))
EOF

# inject: a wrong request is a usage error (2), a refusal (a caller without the right, a
# driver not running) is not (1): the monitor's answer says which (control.h), not its wording.
err=$("$ik" inject nulldev bogus 2>&1)
rc=$?
[ "$rc" -eq 2 ] && grep -q "unknown fault class 'bogus'" <<<"$err" || bad "inject bogus class: exit $rc: $err"
if command -v setpriv >/dev/null; then
	err=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$ik" inject nulldev flip 2>&1)
	rc=$?
	[ "$rc" -eq 1 ] || bad "inject as uid 65534: exit $rc, expected 1: $err"
fi
err=$("$ik" inject broken flip 2>&1)
rc=$?
[ "$rc" -eq 1 ] || bad "inject into a crashed driver: exit $rc, expected 1: $err"
echo "ok   inject: 2 for a wrong request, 1 for a refusal"

# stop: stopping, then already stopped; a crashed driver stays stopped; all exit 0.
expect_ok() { # SUBSTRING ARGS...
	local want=$1 out rc
	shift
	out=$("$ik" "$@" 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && grep -qF -- "$want" <<<"$out" || bad "ikernel $*: exit $rc, expected 0 and '$want': $out"
}
expect_ok "stopping nulldev" stop nulldev
for _ in $(seq 1 100); do [ "$(state nulldev)" = stopped ] && break; sleep 0.1; done
expect_ok "nulldev is already stopped" stop nulldev
expect_ok "nulldev is already stopped" stop --runtime-dir="$rt" nulldev
expect_ok "broken was not running (crashed); it stays stopped" stop broken
[ "$(state broken)" = stopped ] || bad "broken not stopped after stop"
err=$("$ik" stop nosuch 2>&1)
rc=$?
[ "$rc" -eq 1 ] && grep -q "^ikernel stop: no driver named 'nosuch'" <<<"$err" || bad "stop nosuch: exit $rc: $err"
echo "ok   stop is idempotent"

# down twice at once: both answered, exit 0; then a third finds nothing to stop.
"$ik" down >"$tmp/down1" 2>&1 &
p1=$!
sleep 0.05
"$ik" down >"$tmp/down2" 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
[ "$r1" -eq 0 ] && [ "$r2" -eq 0 ] || bad "two downs: exit $r1 ($(cat "$tmp/down1")) and $r2 ($(cat "$tmp/down2"))"
expect_ok "nothing to stop" down
echo "ok   down is idempotent"

[ "$fails" -eq 0 ] && echo "all CLI checks passed"
exit $((fails > 0))
