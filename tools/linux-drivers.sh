#!/usr/bin/env bash
# The Linux driver source pipeline (see drivers/linux/drivers.list and docs/DRIVERS.md).
#
#   linux-drivers.sh fetch OUTDIR LIST    find Debian's linux-source-6.1 .deb (OUTDIR, apt's cache,
#                                         another build directory of this tree) or download it with
#                                         apt (no install), extract only the files LIST names into
#                                         OUTDIR/src, fail unless each has the SHA-256 LIST pins
#                                         (leaving them in OUTDIR/src.rejected), record the
#                                         package version (provenance) and the hashes in
#                                         OUTDIR/SOURCES, write OUTDIR/<name>_linux.c (one
#                                         `#include` of the untouched driver source each)
#   linux-drivers.sh names LIST           driver names, one a line
#   linux-drivers.sh get LIST NAME KEY    one value of one driver ("" when unset)
#   linux-drivers.sh table LIST SOURCES   the Markdown tables of docs/DRIVERS.md
#   linux-drivers.sh check-doc LIST SOURCES DOC   exit 1 unless SOURCES holds the files LIST pins
#                                         and DOC holds exactly those tables (the Debian revision
#                                         they name excepted: it is provenance, not identity)
#
# Nothing fetched is ever written outside OUTDIR. Needs apt-get, dpkg-deb, tar, xz, sha256sum.
set -euo pipefail

PKG=linux-source-6.1
TARBALL=./usr/src/linux-source-6.1.tar.xz
TOPDIR=linux-source-6.1

die() { echo "linux-drivers: $*" >&2; exit 1; }

# The list: "[name]" sections of "key = value" lines; '#' starts a comment line.
list_dump() { # LIST -> "name<TAB>key<TAB>value" lines
	awk '
		/^[ \t]*(#|$)/ { next }
		/^\[[A-Za-z0-9_]+\][ \t]*$/ { gsub(/[][ \t]/, ""); name = $0; next }
		/^[ \t]*[a-z][a-z0-9_]*[ \t]*=/ {
			if (name == "") { printf "%s:%d: key outside a [driver] section\n", FILENAME, NR > "/dev/stderr"; exit 1 }
			key = $0; sub(/[ \t]*=.*/, "", key); gsub(/[ \t]/, "", key)
			val = $0; sub(/^[^=]*=[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
			printf "%s\t%s\t%s\n", name, key, val; next
		}
		{ printf "%s:%d: cannot parse: %s\n", FILENAME, NR, $0 > "/dev/stderr"; exit 1 }
	' "$1"
}

list_names() { awk '/^\[[A-Za-z0-9_]+\][ \t]*$/ { gsub(/[][ \t]/, ""); print }' "$1"; }

list_get() { # LIST NAME KEY (awk reads to the end: an early exit would SIGPIPE list_dump, which
	# pipefail turns into a failed lookup under load)
	list_dump "$1" | awk -F'\t' -v n="$2" -v k="$3" '$1 == n && $2 == k && !found { print $3; found = 1 }'
}

# Every tree path the list needs (sources, private headers, include/uapi/...) with the SHA-256 it
# pins: "PATH SHA256" lines (SHA256 empty when the list gives none), sorted. A source's hash is its
# driver's `sha256`; `headers` and `uapi` entries are PATH@SHA256.
list_files() {
	list_dump "$1" | awk -F'\t' '
		function entry(spec, prefix,   at) {
			at = index(spec, "@")
			if (at) print prefix substr(spec, 1, at - 1) " " substr(spec, at + 1)
			else print prefix spec " "
		}
		$2 == "source" { src[$1] = $3 }
		$2 == "sha256" { sha[$1] = $3 }
		$2 == "headers" || $2 == "uapi" || $2 == "units" {
			n = split($3, a, /[ \t]+/)
			for (i = 1; i <= n; i++) if (a[i] != "") entry(a[i], $2 == "uapi" ? "include/uapi/" : "")
		}
		END { for (d in src) print src[d] " " sha[d] }
	' | sort -u
}

list_paths() { list_files "$1" | cut -d' ' -f1; }

# Every driver has source, sha256, device, nodes, test; every file a path inside the tree and
# exactly one well-formed SHA-256.
check_list() {
	local list=$1 n key path sha dup
	list_dump "$list" >/dev/null || die "$list: malformed"
	for n in $(list_names "$list"); do
		for key in source sha256 device test; do
			[ -n "$(list_get "$list" "$n" "$key")" ] || die "$list: driver '$n' has no '$key'"
		done
		case $(list_get "$list" "$n" source) in
		*@* | *[[:space:]]*) die "$list: driver '$n': 'source' is one path; its SHA-256 goes in 'sha256'" ;;
		esac
	done
	while read -r path sha; do
		case /$path/ in
		//* | */../*) die "$list: $path: paths must be relative and stay inside the Linux tree" ;;
		esac
		[ -n "$sha" ] || die "$list: $path has no SHA-256 (write it as $path@SHA256)"
		[[ $sha =~ ^[0-9a-f]{64}$ ]] || die "$list: $path: '$sha' is not a SHA-256 (64 lowercase hex digits)"
	done < <(list_files "$list")
	dup=$(list_paths "$list" | uniq -d | tr '\n' ' ')
	[ -z "$dup" ] || die "$list: more than one SHA-256 for $dup"
}

# DIR LIST: one "PATH: expected SHA-256 X, found Y" line per file LIST pins that DIR does not
# hold with that hash; status 1 when there is any.
verify_files() {
	local dir=$1 list=$2 path want got bad=0
	while read -r path want; do
		if [ -f "$dir/$path" ]; then
			got=$(sha256sum <"$dir/$path" | cut -d' ' -f1)
		else
			got="no such file"
		fi
		if [ "$got" != "$want" ]; then
			echo "$path: expected SHA-256 $want, found $got"
			bad=1
		fi
	done < <(list_files "$list")
	return "$bad"
}

# OUTDIR -> the linux-source-6.1 .debs already on this machine, one a line: OUTDIR's, apt's
# cache's, then those of the other build directories of this source tree (one download serves
# build/ and build-asan/). Which revision does not matter: the fetch checks the files' hashes.
local_debs() {
	local out=$1 root deb
	local -A seen=()
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	for deb in "$out"/"${PKG}"_*_all.deb /var/cache/apt/archives/"${PKG}"_*_all.deb \
		"$root"/*/drivers/linux/"${PKG}"_*_all.deb; do
		[ -f "$deb" ] || continue
		deb=$(realpath "$deb")
		[ -z "${seen[$deb]:-}" ] || continue
		seen[$deb]=1
		dpkg-deb -W "$deb" >/dev/null 2>&1 && echo "$deb"
	done
	return 0
}

download_deb() { # OUTDIR -> path of a linux-source-6.1 .deb downloaded with apt-get into OUTDIR
	local out=$1 tmp=$1/download.tmp deb
	echo "linux-drivers: downloading $PKG with apt-get (about 140 MB)" >&2
	# Into a directory of its own, then moved: another build directory never sees half a .deb.
	rm -rf "$tmp"
	mkdir -p "$tmp"
	if ! (cd "$tmp" && apt-get download -q "$PKG" >&2); then
		echo "linux-drivers: apt-get download failed; refreshing the package lists" >&2
		[ "$(id -u)" -eq 0 ] || die "need root for 'apt-get update' (or run it yourself, then retry)"
		apt-get update -q >&2 || die "apt-get update failed"
		(cd "$tmp" && apt-get download -q "$PKG" >&2) || die "cannot download $PKG with apt-get"
	fi
	for deb in "$tmp"/"${PKG}"_*_all.deb; do
		[ -f "$deb" ] || continue
		mv "$deb" "$out/"
		rm -rf "$tmp"
		echo "$out/$(basename "$deb")"
		return 0
	done
	die "apt-get download left no $PKG .deb in $tmp"
}

# OUTDIR LIST DEB: extract the files LIST names from DEB into OUTDIR/src.new. Status 0 only when
# every one has the SHA-256 LIST pins; otherwise says which differ, moves them to
# OUTDIR/src.rejected (for review; nothing builds from there) and returns 1, or 2 when DEB could
# not be read through (damaged or truncated: its revision may still be good).
# (Called as a condition, where set -e does not apply: every step is checked.)
extract_verified() {
	local out=$1 list=$2 deb=$3 version files bad status=1
	version=$(dpkg-deb -f "$deb" Version) || return 2
	mapfile -t files < <(list_paths "$list")
	echo "linux-drivers: extracting ${#files[@]} files from $PKG $version ($deb)" >&2
	rm -rf "$out/src.new" && mkdir -p "$out/src.new" || return 2
	if ! dpkg-deb --fsys-tarfile "$deb" | tar -xO "$TARBALL" |
		tar -xJ -C "$out/src.new" --strip-components=1 "${files[@]/#/$TOPDIR/}"; then
		echo "linux-drivers: could not extract every listed file from $deb" >&2
		status=2
	fi
	if ! bad=$(verify_files "$out/src.new" "$list"); then
		echo "linux-drivers: $PKG $version ($deb) does not hold the files $list pins:" >&2
		echo "  ${bad//$'\n'/$'\n'  }" >&2
		rm -rf "$out/src.rejected"
		mv "$out/src.new" "$out/src.rejected" || rm -rf "$out/src.new"
		return "$status"
	fi
}

write_wrapper() { # FILE DRIVER SOURCE: one translation unit: one `#include` of SOURCE
	local file=$1 n=$2 src=$3
	printf '%s\n' \
		"/* Generated by tools/linux-drivers.sh: the untouched Linux source of driver '$n'" \
		" * (SHA-256 in SOURCES). Nothing else is compiled into this unit. */" \
		"#include \"$src\"" >"$file.tmp"
	if ! cmp -s "$file.tmp" "$file"; then
		mv "$file.tmp" "$file"
	else
		rm -f "$file.tmp"
		touch "$file"
	fi
}

# <name>_linux.c for `source`, <name>_unitK_linux.c (K = 1, 2, ...) for each of `units`.
write_wrappers() { # OUTDIR LIST
	local out=$1 list=$2 n k spec
	for n in $(list_names "$list"); do
		write_wrapper "$out/${n}_linux.c" "$n" "$(list_get "$list" "$n" source)"
		k=1
		for spec in $(list_get "$list" "$n" units); do
			write_wrapper "$out/${n}_unit${k}_linux.c" "$n" "${spec%@*}"
			k=$((k + 1))
		done
	done
}

was_tried() { # VERSION TRIED...: VERSION is one of TRIED
	local v=$1 t
	shift
	for t in "$@"; do [ "$t" = "$v" ] && return 0; done
	return 1
}

sources_up_to_date() { # OUTDIR LIST: SOURCES was made from this list and every file still matches it
	local out=$1 list=$2 want
	[ -f "$out/SOURCES" ] || return 1
	want=$(sha256sum "$list" | cut -d' ' -f1)
	grep -qx "list-sha256 $want" "$out/SOURCES" || return 1
	verify_files "$out/src" "$list" >/dev/null
}

cmd_fetch() {
	local out=$1 list=$2 deb="" d version path apt_version rc
	local -a debs tried=()
	check_list "$list"
	mkdir -p "$out"
	if sources_up_to_date "$out" "$list"; then
		write_wrappers "$out" "$list"
		touch "$out/SOURCES"
		return 0
	fi
	# From here on the old tree is not to be trusted: a failed fetch leaves neither src/ nor
	# SOURCES behind, so nothing later builds from files the list does not pin.
	rm -rf "$out/SOURCES" "$out/SOURCES.tmp" "$out/src" "$out/src.new" "$out/src.rejected"
	# One try per revision whose files differ: Debian never ships two packages under one version.
	mapfile -t debs < <(local_debs "$out")
	for d in "${debs[@]}"; do
		version=$(dpkg-deb -f "$d" Version 2>/dev/null) || continue
		was_tried "$version" "${tried[@]}" && continue
		rc=0
		extract_verified "$out" "$list" "$d" || rc=$?
		[ "$rc" -eq 0 ] && { deb=$d; break; }
		[ "$rc" -eq 2 ] || tried+=("$version")
	done
	if [ -z "$deb" ]; then
		# Download unless apt would serve a revision already tried (its files did not match).
		apt_version=$(apt-cache policy "$PKG" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
		if ! was_tried "$apt_version" "${tried[@]}"; then
			d=$(download_deb "$out")
			if extract_verified "$out" "$list" "$d"; then
				deb=$d
			else
				tried+=("$(dpkg-deb -f "$d" Version)")
			fi
		fi
	fi
	[ -n "$deb" ] || die "no $PKG package at hand (tried: ${tried[*]:-none}) holds the files $list" \
		"pins (see above); nothing was installed in $out/src. If the Linux sources really changed," \
		"review the new files (the last package's are in $out/src.rejected), then update their" \
		"hashes in $list and the tables in docs/DRIVERS.md"
	version=$(dpkg-deb -f "$deb" Version)
	rm -rf "$out/src.rejected"
	mv "$out/src.new" "$out/src"
	{
		echo "# Linux sources of the iKernel Linux drivers, fetched by tools/linux-drivers.sh."
		echo "# Each file has the SHA-256 drivers.list pins; check with  cd src && sha256sum -c"
		echo "# on the 'file' lines. The package revision is provenance: any with these files will do."
		echo "package $PKG $version"
		echo "deb $(basename "$deb") $(sha256sum "$deb" | cut -d' ' -f1)"
		echo "list-sha256 $(sha256sum "$list" | cut -d' ' -f1)"
		while read -r path _; do
			echo "file $(sha256sum <"$out/src/$path" | cut -d' ' -f1) $path"
		done < <(list_files "$list")
	} >"$out/SOURCES.tmp"
	mv "$out/SOURCES.tmp" "$out/SOURCES"
	write_wrappers "$out" "$list"
}

# LIST SOURCES: SOURCES (what the fetch extracted) records exactly the files LIST pins, with the
# same hashes, and names the package revision it came from.
check_sources() {
	local list=$1 sources=$2 diffs
	[ -f "$sources" ] || die "$sources: no such file (fetch first: ninja -C BUILDDIR linux-drivers)"
	grep -q '^package ' "$sources" || die "$sources: no 'package' line"
	diffs=$(awk '
		FILENAME == ARGV[1] { want[$1] = $2; next }
		$1 == "file" { got[$3] = $2 }
		END {
			for (f in want)
				if (!(f in got)) print "  " f ": pinned in the list (" want[f] "), not fetched"
				else if (got[f] != want[f]) print "  " f ": expected SHA-256 " want[f] ", fetched " got[f]
			for (f in got) if (!(f in want)) print "  " f ": fetched, not in the list"
		}' <(list_files "$list") "$sources" | sort)
	[ -z "$diffs" ] || die "$sources does not hold the files $list pins (fetch again:" \
		"ninja -C BUILDDIR linux-drivers):"$'\n'"$diffs"
}

# LIST SOURCES: the tables of docs/DRIVERS.md. The hashes are the list's (equal to the fetched
# ones, checked); the package revision is SOURCES', shown as provenance only.
cmd_table() {
	local list=$1 sources=$2 n src status spec extra=""
	check_list "$list"
	check_sources "$list" "$sources"
	echo "Sources: Debian \`$(awk '$1 == "package" { print $2 " " $3 }' "$sources")\` (fetched at build" \
		"time, never committed). The revision is provenance: any revision whose files have these" \
		"SHA-256 hashes builds the same drivers."
	echo
	echo "| driver | source file | SHA-256 | device model | operations exercised | status |"
	echo "|---|---|---|---|---|---|"
	for n in $(list_names "$list"); do
		src=$(list_get "$list" "$n" source)
		status=$(list_get "$list" "$n" status)
		# shellcheck disable=SC2016 # the backquotes are Markdown, not expansions
		printf '| %s | `%s` | `%s` | `%s` | %s | builds untouched; test `linux-%s`: %s |\n' \
			"$n" "$src" "$(list_get "$list" "$n" sha256)" "$(list_get "$list" "$n" device)" \
			"$(list_get "$list" "$n" ops)" "$n" "${status:-works end to end}"
		for spec in $(list_get "$list" "$n" units); do
			extra+="| \`${spec%@*}\` | \`${spec##*@}\` | $n (compiled with it) |"$'\n'
		done
		for spec in $(list_get "$list" "$n" headers); do
			extra+="| \`${spec%@*}\` | \`${spec##*@}\` | $n |"$'\n'
		done
		for spec in $(list_get "$list" "$n" uapi); do
			extra+="| \`include/uapi/${spec%@*}\` | \`${spec##*@}\` | $n |"$'\n'
		done
	done
	[ -n "$extra" ] || return 0
	echo
	echo "Further files the drivers include, fetched and pinned the same way:"
	echo
	echo "| file | SHA-256 | included by |"
	echo "|---|---|---|"
	printf '%s' "$extra"
}

# LIST SOURCES DOC: list vs fetched (check_sources), then list vs DOC: the text between DOC's
# TABLE markers must be exactly cmd_table's, except the package revision it names.
cmd_check_doc() {
	local table
	table=$(cmd_table "$1" "$2")
	if ! TABLE="$table" PKG="$PKG" python3 - "$3" <<'PY'
import difflib, os, re, sys
doc = open(sys.argv[1]).read()
m = re.search(r"<!-- TABLE BEGIN -->\n(.*?)<!-- TABLE END -->", doc, re.S)
if not m:
    sys.exit("linux-drivers: %s has no <!-- TABLE BEGIN --> ... <!-- TABLE END --> block" % sys.argv[1])
have, want = m.group(1).strip("\n"), os.environ["TABLE"].strip("\n")
rev = re.compile(r"^(Sources: Debian `%s )([^`\n]*)`" % re.escape(os.environ["PKG"]), re.M)
h, w = rev.search(have), rev.search(want)
if h:  # the revision DOC names stands: only the rest of the text has to match
    want = rev.sub(lambda m: m.group(1) + h.group(2) + "`", want)
if have != want:
    sys.stderr.writelines(difflib.unified_diff((have + "\n").splitlines(True),
                                               (want + "\n").splitlines(True), sys.argv[1], "expected"))
    sys.exit(1)
if h.group(2) != w.group(2):
    print("linux-drivers: %s names revision %s, fetched %s: same files, same hashes"
          % (sys.argv[1], h.group(2), w.group(2)))
PY
	then
		echo "linux-drivers: $3 does not hold the current driver tables (diff above); regenerate" >&2
		echo "them with  tools/linux-drivers.sh table $1 $2" >&2
		echo "and paste them between the TABLE markers." >&2
		exit 1
	fi
}

[ $# -ge 1 ] || die "usage: $0 fetch OUTDIR LIST | names LIST | get LIST NAME KEY | table LIST SOURCES | check-doc LIST SOURCES DOC"
cmd=$1
shift
case "$cmd" in
fetch) [ $# -eq 2 ] || die "usage: $0 fetch OUTDIR LIST"; cmd_fetch "$@" ;;
names) [ $# -eq 1 ] || die "usage: $0 names LIST"; check_list "$1"; list_names "$1" ;;
get) [ $# -eq 3 ] || die "usage: $0 get LIST NAME KEY"; list_get "$@" ;;
table) [ $# -eq 2 ] || die "usage: $0 table LIST SOURCES"; cmd_table "$@" ;;
check-doc) [ $# -eq 3 ] || die "usage: $0 check-doc LIST SOURCES DOC"; cmd_check_doc "$@" ;;
*) die "unknown command '$cmd'" ;;
esac
