#!/usr/bin/env bash
# The shipped Linux manifests (manifests/linux/) under the supervisor: `up --check` accepts each
# of them and the top-level set, and refuses the top-level set together with the alternative
# watchdogs (they share the watchdog node); the top-level set (nvram, wdt, dtlk) starts and
# every node answers through its device file, nvram's backing file is created with the
# directories above it; each alternative watchdog starts (instead of wdt) and stops with the
# magic close. The manifests run as shipped, but for nvram's backing file, moved from
# /var/lib/ikernel into a private directory that does not exist yet.
set -uo pipefail
. "$IKERNEL_SRC/tests/super/lib.sh"
need_env
src=$IKERNEL_SRC/manifests/linux
mdir=$(mktemp -d /tmp/ikt-linuxman.XXXXXX)
trap 'stop_super; rm -rf "$mdir"' EXIT

for f in "$src"/*.ini "$src"/watchdogs/*.ini; do
	check "up --check ${f#"$IKERNEL_SRC"/}" "$ik" up --check "$f"
done
check "up --check manifests/linux (the set that runs together)" "$ik" up --check "$src"
out=$("$ik" up --check "$src" "$src/watchdogs" 2>&1)
code=$?
check "up --check manifests/linux manifests/linux/watchdogs is refused (exit 2)" test "$code" = 2
check "... naming the shared watchdog node" grep -q "node 'watchdog'" <<<"$out"

# The top-level set, as shipped but for the NVRAM file.
state="$mdir/state/sub"
mkdir "$mdir/linux"
cp "$src"/*.ini "$mdir/linux/"
sed -i "s|^backing = file:/var/lib/ikernel/nvram.bin|backing = file:$state/nvram.bin|" "$mdir/linux/nvram.ini"
check "nvram.ini's backing file was moved for the test" grep -q "file:$state/nvram.bin" "$mdir/linux/nvram.ini"
start_super "$mdir/linux"
dev="$rt/dev"
for d in nvram wdt dtlk; do
	check "$d is running" test "$(status_field "$d" state)" = running
done
check "nvram: 114 bytes read through the device file" test "$(head -c 114 "$dev/nvram" | wc -c)" = 114
check "nvram: the backing file and its directories were created" test -s "$state/nvram.bin"
check "nvram: the model said so" bash -c "'$ik' logs nvram | grep -q 'created directory $state'"
check "wdt: the temperature node reads the board's 40 degrees" \
	test "$(head -c 1 "$dev/temperature" | od -An -tu1 | tr -d ' ')" = 40
check "wdt: open the watchdog, feed it, magic close" bash -c "printf 'kV' > '$dev/watchdog'"
check "dtlk: text written to the synthesizer is spoken" bash -c "printf 'hello\\r' > '$dev/dtlk'"
check "dtlk: the model logged it" wait_for 5 bash -c "'$ik' logs dtlk | grep -q 'says: \"hello'"
check "all three still running" bash -c "[ \"\$('$ik' status | grep -cE ' running ')\" = 3 ]"
[ "$fails" -eq 0 ] || dump_logs
stop_super

# Each alternative watchdog, instead of wdt.
for f in "$src"/watchdogs/*.ini; do
	name=$(basename "$f" .ini)
	start_super "$f"
	check "$name is running" test "$(status_field "$name" state)" = running
	check "$name: open the watchdog, feed it, magic close" bash -c "printf 'kV' > '$rt/dev/watchdog'"
	check "$name: still running after the close" test "$(status_field "$name" state)" = running
	[ "$fails" -eq 0 ] || dump_logs
	stop_super
done
[ "$fails" -eq 0 ] && echo "all passed"
[ "$fails" -eq 0 ]
