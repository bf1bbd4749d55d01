#!/usr/bin/env bash
# `meson install --destdir D` of this build, then the installed tree on its own (meson.build of
# this directory says what is checked). The installed ikernel finds its images and manifests
# under D because it runs from D/BINDIR (the install root rule, ikernel(1) FILES); the client
# needs LD_LIBRARY_PATH, D not being a place the dynamic linker knows.
set -uo pipefail
fails=0
check() { # DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}
D=$(mktemp -d /tmp/ikt-install.XXXXXX)
chmod 755 "$D"
rt=""
cleanup() {
	if [ -n "$rt" ] && [ -S "$rt/control.sock" ]; then
		timeout 30 "$D$IK_BINDIR/ikernel" down --runtime-dir "$rt" >/dev/null 2>&1 || true
	fi
	[ -n "$rt" ] && grep -q " $rt/dev " /proc/self/mounts && umount -l "$rt/dev"
	rm -rf "$D"
}
trap cleanup EXIT

out=$(meson install -C "$IKERNEL_BUILD" --destdir "$D" --no-rebuild 2>&1)
check "meson install --destdir" test $? = 0 || { echo "$out"; exit 1; }

# The files, where README's Install section says.
ik="$D$IK_BINDIR/ikernel"
lib="$D$IK_LIBDIR"
files=("$ik" "$lib/libikernel.so" "$lib/libikernel.so.0" "$lib/libikernel.a"
	"$D$IK_INCLUDEDIR/ikernel/ikernel.h" "$lib/pkgconfig/ikernel.pc" "$D$IK_UNITDIR/ikernel.service")
for d in led nulldev crashtest; do
	files+=("$D$IK_PKGLIBDIR/$d.img" "$D$IK_PKGLIBDIR/$d.proc" "$D$IK_PKGCONFDIR/$d.ini")
done
for f in "$IKERNEL_SRC"/manifests/linux/*.ini "$IKERNEL_SRC"/manifests/linux/watchdogs/*.ini; do
	files+=("$D$IK_PKGCONFDIR/${f#"$IKERNEL_SRC"/manifests/}")
done
[ "$IK_MAN" = 1 ] && files+=("$D$IK_MANDIR/man1/ikernel.1" "$D$IK_MANDIR/man5/ikernel-manifest.5")
missing=""
for f in "${files[@]}"; do [ -e "$f" ] || missing="$missing ${f#"$D"}"; done
check "installed: ${#files[@]} files${missing:+ (missing:$missing)}" test -z "$missing"
check "only the public header is installed" test "$(ls "$D$IK_INCLUDEDIR/ikernel")" = ikernel.h
for d in "$IKERNEL_BUILD"/drivers/linux/*.img; do
	[ -e "$d" ] || continue
	check "the built Linux image $(basename "$d") is installed" test -x "$D$IK_PKGLIBDIR/linux/$(basename "$d")"
done

# libikernel.so exports exactly the functions ikernel.h declares.
want=$(sed -nE 's/^[a-z][a-z_ ]*[ *](ik_[a-z_]+)\(.*/\1/p' "$D$IK_INCLUDEDIR/ikernel/ikernel.h" | sort)
got=$(nm -D --defined-only "$lib/libikernel.so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort)
check "libikernel.so exports ikernel.h's $(wc -w <<<"$want") functions, nothing else" test "$want" = "$got"
[ "$want" = "$got" ] || diff <(echo "$want") <(echo "$got")
if [ "$IK_MAN" = 1 ]; then
	check "man: ikernel(1) has a NAME line" bash -c "lexgrog '$D$IK_MANDIR/man1/ikernel.1' | grep -q 'ikernel - '"
	check "man: ikernel-manifest(5) has the MANIFESTS text" \
		bash -c "MANWIDTH=100 man -l '$D$IK_MANDIR/man5/ikernel-manifest.5' 2>/dev/null | grep -q 'One INI file per driver'"
fi

# The unit: systemd-analyze verify, with ExecStart/ExecStop pointed into D (the binary is not
# at its final path yet) and the man pages of Documentation= found there.
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$D/unit"
	sed "s|$IK_BINDIR/ikernel|$ik|g" "$D$IK_UNITDIR/ikernel.service" >"$D/unit/ikernel.service"
	out=$(MANPATH="$D$IK_MANDIR" SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$D/unit/ikernel.service" 2>&1)
	check "systemd-analyze verify ikernel.service${out:+: $out}" test -z "$out"
	for k in "Type=notify" "ExecStart=$IK_BINDIR/ikernel up" "ExecStop=$IK_BINDIR/ikernel down" \
		"RuntimeDirectory=ikernel" "StateDirectory=ikernel"; do
		check "ikernel.service: $k" grep -qx "$k" "$D$IK_UNITDIR/ikernel.service"
	done
else
	echo "skip systemd-analyze verify: systemd-analyze is not installed"
fi

# Where the installed binary looks (paths.h): under D, for it runs from D$IK_BINDIR.
plan=$("$ik" up --check 2>&1)
check "installed up --check: the installed manifests" grep -q "\[$D$IK_PKGCONFDIR/led.ini\]" <<<"$plan"
check "installed up --check: the installed images" grep -q "image $D$IK_PKGLIBDIR/led.img" <<<"$plan"
check "installed up --check: the build tree is not used" bash -c "! grep -q '$IKERNEL_BUILD' <<<'$plan'"
mkdir -p "$D/conf"
cp "$D$IK_PKGCONFDIR/nulldev.ini" "$D/conf/"
plan=$(IKERNEL_CONFDIR="$D/conf" "$ik" up --check 2>&1)
check "IKERNEL_CONFDIR: the manifests of that directory" \
	test "$(grep -c '^[a-z]*: image' <<<"$plan")/$(grep -c "\[$D/conf/nulldev.ini\]" <<<"$plan")" = 1/1
plan=$(IKERNEL_LIBDIR="$D/nowhere" "$ik" up --check 2>&1)
check "IKERNEL_LIBDIR: images looked up there" grep -q "not found (looked in .*$D/nowhere)" <<<"$plan"
mkdir -p "$D/elsewhere"
cp "$ik" "$D/elsewhere/ikernel"
plan=$("$D/elsewhere/ikernel" up --check 2>&1)
check "a copy outside any BINDIR uses the configured $IK_PKGCONFDIR" \
	bash -c "grep -q '$IK_PKGCONFDIR' <<<'$plan' && ! grep -q '$D$IK_PKGCONFDIR' <<<'$plan'"

# A client built with pkg-config against the installed library, shared and static.
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
flags=$(pkg-config --cflags --libs ikernel)
check "pkg-config --cflags --libs ikernel: $flags" grep -q -- "-I$D$IK_INCLUDEDIR .*-L$lib -likernel" <<<"$flags"
# shellcheck disable=SC2086
check "a client builds with pkg-config" "$CC" -Wall -Werror -o "$D/client" "$IKERNEL_SRC/tests/install/client.c" $flags
# shellcheck disable=SC2086
check "and statically (libikernel.a, pkg-config --static)" "$CC" -Wall -Werror -o "$D/client-static" \
	"$IKERNEL_SRC/tests/install/client.c" $(pkg-config --cflags ikernel) "$lib/libikernel.a" \
	$(pkg-config --static --libs-only-other ikernel)
check "the static client needs no libikernel.so" bash -c "! ldd '$D/client-static' | grep -q libikernel"

# The installed tree running: the installed drivers from the installed manifests.
if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ -e /dev/fuse ] && [ "$(id -u)" -eq 0 ]; }; then
	echo "skipped the rest: running the supervisor needs /dev/kvm, /dev/fuse and root"
	[ "$fails" -eq 0 ] && exit 77
	exit 1
fi
rt="$D/run"
export IKERNEL_RUNTIME_DIR="$rt"
check "installed ikernel up --detach" timeout 60 "$ik" up --detach
st=$("$ik" status --json)
for d in led nulldev crashtest; do
	check "installed status: $d running from $D$IK_PKGLIBDIR/$d.img" python3 -c "
import json, sys
d = [x for x in json.loads(sys.argv[1])['drivers'] if x['name'] == sys.argv[2]][0]
sys.exit(0 if d['state'] == 'running' and d['image'] == sys.argv[3] else 1)" "$st" "$d" "$D$IK_PKGLIBDIR/$d.img"
done
echo 0x5a >"$rt/dev/led0"
check "led0 through the device file" test "$(cat "$rt/dev/led0")" = 0x5a
check "the pkg-config client on nulldev" env LD_LIBRARY_PATH="$lib" timeout 30 "$D/client"
check "the static client on nulldev" timeout 30 "$D/client-static"
check "installed ikernel down" timeout 60 "$ik" down
out=$(timeout 120 "$ik" bench null --iterations 200 2>&1)
check "installed ikernel bench null runs the installed images${out:+ (last: ${out##*$'\n'})}" \
	bash -c "grep -q 'null ioctl' <<<\"\$1\" && ! grep -q 'not found' <<<\"\$1\"" _ "$out"
check "the device files are unmounted" bash -c "! grep -q ' $rt/dev ' /proc/self/mounts"
[ "$fails" -eq 0 ] && echo "all passed"
[ "$fails" -eq 0 ]
