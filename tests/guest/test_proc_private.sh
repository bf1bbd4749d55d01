#!/bin/sh
# test_proc_private.sh IKERNEL PIO_PROC NULLDEV_PROC: isolation=process from a private directory.
# As root, the monitor-lite drops the driver process to uid 65534, which cannot even traverse a
# 0700 directory; it must open the executable first and exec the descriptor. Checks, from a
# 0700 directory tree: a driver runs to a clean exit; a serving driver (nulldev) is jailed (uid
# and gid 65534, no groups, no_new_privs, exactly one seccomp filter, only the protocol's
# descriptors); a file that is not executable by others runs (as a sealed copy); a start that
# cannot work names the driver and the reason, never a bare exit status.
set -u
ik=$1 pio=$2 nulldev=$3
[ "$(id -u)" -eq 0 ] || { echo "skipped: the drop to uid 65534 needs root"; exit 77; }
fails=0
check() { # DESCRIPTION COMMAND...
	what=$1
	shift
	if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

top=$(mktemp -d /tmp/ikpriv.XXXXXX) # 0700, owned by root
bg=""
trap '[ -n "$bg" ] && kill -KILL $bg 2>/dev/null; rm -rf "$top"' EXIT
dir=$top/home/me/ikernel/build
mkdir -p "$dir" && chmod 700 "$top/home" "$top/home/me" "$top/home/me/ikernel" "$dir"
cp -p "$pio" "$dir/pio.proc" && cp -p "$nulldev" "$dir/nulldev.proc"
rt=$(mktemp -d /tmp/ikpriv-rt.XXXXXX)
trap '[ -n "$bg" ] && kill -KILL $bg 2>/dev/null; rm -rf "$top" "$rt"' EXIT
export IKERNEL_RUNTIME_DIR=$rt

check "the directory is private: uid 65534 cannot reach the executable" \
	sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups test -e '$dir/pio.proc'"

out=$(timeout 30 "$ik" run "$dir/pio.proc" --isolation=process --device testdev@0x500 2>&1)
status=$?
printf '%s\n' "$out" | tail -n 3
check "a driver in a 0700 directory runs to a clean exit" \
	sh -c "[ $status -eq 0 ] && printf '%s\n' \"\$1\" | grep -q \"driver 'pio' exited with status 0\"" - "$out"

log=$rt/nulldev.log
timeout 30 "$ik" run "$dir/nulldev.proc" --isolation=process >"$log" 2>&1 &
bg=$!
for _ in $(seq 1 100); do [ -S "$rt/nulldev.sock" ] && break; sleep 0.05; done
pid=$(sed -n "s/.*driver 'nulldev' started as process \([0-9]*\),.*/\1/p" "$log")
check "a serving driver from a 0700 directory comes up" test -S "$rt/nulldev.sock" -a -n "$pid"
if [ -n "$pid" ]; then
	st=/proc/$pid/status
	check "it runs as uid 65534" grep -Eq '^Uid:[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534$' "$st"
	check "and gid 65534" grep -Eq '^Gid:[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534$' "$st"
	check "with no supplementary groups" grep -Eq '^Groups:[[:space:]]*$' "$st"
	check "no_new_privs" grep -Eq '^NoNewPrivs:[[:space:]]+1$' "$st"
	check "in seccomp filter mode with exactly one filter (the monitor-lite's)" \
		sh -c "grep -Eq '^Seccomp:[[:space:]]+2$' '$st' && grep -Eq '^Seccomp_filters:[[:space:]]+1$' '$st'"
	check "holding only the protocol's descriptors (request socket, kick)" \
		test "$(ls /proc/"$pid"/fd | sort -n | tr '\n' ' ')" = "3 4 "
fi
kill -TERM $bg 2>/dev/null
wait $bg
bg=""
cat "$log"

chmod 700 "$dir/pio.proc"
out=$(timeout 30 "$ik" run "$dir/pio.proc" --isolation=process --device testdev@0x500 2>&1)
status=$?
printf '%s\n' "$out" | head -n 1
check "a driver executable only root may execute runs as a sealed copy" \
	sh -c "[ $status -eq 0 ] && printf '%s\n' \"\$1\" | grep -q 'running a sealed copy' &&
	       printf '%s\n' \"\$1\" | grep -q \"driver 'pio' exited with status 0\"" - "$out"

printf '#!/bin/sh\nexit 0\n' >"$dir/script.proc" && chmod 755 "$dir/script.proc"
out=$(timeout 30 "$ik" run "$dir/script.proc" --isolation=process 2>&1)
status=$?
printf '%s\n' "$out"
check "a script is refused, naming the driver and why" \
	sh -c "[ $status -ne 0 ] && printf '%s\n' \"\$1\" | grep -q \"driver 'script': cannot start .*: not an ELF executable\"" - "$out"

exit $((fails > 0))
