#!/bin/sh
# meson install script (drivers/linux/meson.build): install the Linux driver images of
# drivers.list that this build directory has built (<name>.img and <name>.proc) into DIR (under
# $DESTDIR), and name the ones it has not. Never builds or fetches: `make linux-drivers` first.
# Usage: install-linux-drivers.sh BUILDDIR DIR drivers.list
set -eu
build=$1 dir=${DESTDIR:-}$2 list=$3
names=$(sed -n 's/^[[:space:]]*\[\([^]]*\)\][[:space:]]*$/\1/p' "$list")
missing=""
for n in $names; do
	if [ -f "$build/$n.img" ] && [ -f "$build/$n.proc" ]; then
		mkdir -p "$dir"
		install -m 0755 "$build/$n.img" "$build/$n.proc" "$dir/"
		[ -n "${MESON_INSTALL_QUIET:-}" ] || echo "Installing $n.img, $n.proc to $dir"
	else
		missing="$missing $n"
	fi
done
if [ -n "$missing" ]; then
	echo "ikernel: Linux drivers not built, not installed:$missing (make linux-drivers first)"
fi
