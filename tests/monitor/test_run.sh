#!/usr/bin/env bash
# `ikernel run` end to end: usage errors, image errors, a clean exit, a crash report, and a
# serving driver stopped by SIGINT (socket created, then removed).
# usage: test_run.sh IKERNEL HELLO_IMG NULLDEREF_IMG SERVE_IMG
set -u
ik=$1 hello=$2 nullderef=$3 serve=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/out" 2>/dev/null; exit 1; }

expect() { # expect STATUS SUBSTRING -- ARGS...
	local want=$1 text=$2
	shift 3
	"$ik" run "$@" >"$tmp/out" 2>&1
	local got=$?
	[ "$got" -eq "$want" ] || fail "ikernel run $* exited $got, expected $want"
	grep -qF -- "$text" "$tmp/out" || fail "ikernel run $*: output lacks '$text'"
	echo "ok: ikernel run $* -> $got"
}

expect 0 "usage: ikernel run IMAGE" -- --help
expect 2 "no image given" --
expect 2 "unknown option '--bogus'" -- "$hello" --bogus 1
printf 'not an elf' >"$tmp/bad.img"
expect 2 "image bad.img: not an ELF file" -- "$tmp/bad.img"
expect 2 "cannot open" -- "$tmp/missing.img"
expect 2 "bad memory size '12Q'" -- "$hello" --mem 12Q
expect 2 "must be a multiple of 2 MiB" -- "$hello" --mem 3M
expect 2 "unknown device model 'floppy'" -- "$hello" --device floppy
# One parser for every level (src/cli/run_opts.c): --opt=value like --opt value, every value
# checked, options of one level refused at the other, never silently dropped.
expect 2 "--mem '1G': memory size 1073741824 bytes is invalid: it must be a multiple of 2 MiB from 2 MiB to 256 MiB" -- "$hello" --isolation=process --mem=1G
expect 2 "--mem '1G': memory size 1073741824 bytes is invalid: it must be a multiple of 2 MiB from 2 MiB to 256 MiB" -- "$hello" --mem 1G
expect 2 "bad --spin-ns value 'x'" -- "$hello" --isolation process --spin-ns x
expect 2 "bad --spin-ns value '-1'" -- "$hello" --spin-ns=-1
expect 2 "bad --hang-ms value '0'" -- "$hello" --isolation=process --hang-ms=0
expect 2 "--user is for isolation=vm" -- "$hello" --isolation=process --user nobody
expect 2 "--no-sandbox is for isolation=vm" -- "$hello" --isolation=process --no-sandbox
expect 2 "option '--mem' needs a value" -- "$hello" --mem
expect 2 "unknown isolation level 'container'" -- "$hello" --isolation=container
expect 2 "NAME.inproc builds of the Linux drivers" -- "$hello" --isolation=inproc
expect 2 "bad module parameter 'novalue'" -- "$hello" --param=novalue
expect 2 "module parameters too long" -- "$hello" --isolation=process --param "k=$(printf 'v%.0s' $(seq 600))"
expect 2 "module parameters too long" -- "$hello" --param "k=$(printf 'v%.0s' $(seq 600))"
expect 2 "more than one image given" -- "$hello" "$hello"
expect 2 "too many devices" -- "$hello" $(for i in $(seq 0 16); do echo --device=testdev@$((0x500 + 8 * i)); done)
expect 0 "models: parport, testdev" -- -h
"$ik" --version | grep -qE '^ikernel [0-9]+\.[0-9]+\.[0-9]+ \(driver ABI [0-9]+\)$' || fail "ikernel --version"
for c in run bench up status logs restart stop start down inject; do
	"$ik" "$c" --help >"$tmp/out" 2>&1 || fail "ikernel $c --help exited $?"
	grep -q "usage" "$tmp/out" || fail "ikernel $c --help prints no usage"
done
echo "ok: --version, --help of every command"

[ -w /dev/kvm ] || { echo "no /dev/kvm: skipping the rest"; exit 77; }

expect 0 "[mon-hello] hello from the mini guest" -- "$hello" --runtime-dir "$tmp/rt"
grep -qF 'ikernel: driver '"'"'mon-hello'"'"' exited with status 0' "$tmp/out" || fail "no exit report"
expect 1 "NULL pointer dereference" -- "$nullderef" --runtime-dir "$tmp/rt" --name crashtest
grep -qE "driver 'crashtest' crashed: page fault \(vector 14, error 0x6: user write to a not-present page\) at RIP 0x[0-9a-f]+ <crash_ioctl\+0x[0-9a-f]+>, CR2 0x0" "$tmp/out" || fail "crash report format"

"$ik" run "$serve" --runtime-dir "$tmp/rt" --name srv >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
	[ -S "$tmp/rt/srv.sock" ] && [ -L "$tmp/rt/nodes/mon-node" ] && break
	sleep 0.02
done
[ -S "$tmp/rt/srv.sock" ] || fail "socket not created"
[ "$(readlink "$tmp/rt/nodes/mon-node")" = "../srv.sock" ] || fail "node link"
kill -INT "$pid"
wait "$pid"
st=$?
[ "$st" -eq 0 ] || fail "SIGINT: exit $st"
grep -qF "driver 'srv' stopped" "$tmp/out" || fail "no stop report"
grep -qF "driver 'srv' ready in" "$tmp/out" || fail "no ready line"
[ ! -e "$tmp/rt/srv.sock" ] || fail "socket left behind"
[ ! -L "$tmp/rt/nodes/mon-node" ] || fail "node link left behind"
echo "ok: serve + SIGINT"
