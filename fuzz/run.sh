#!/bin/sh
# Build and run the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined).
#   fuzz/run.sh SECONDS [TARGET...]   each target runs SECONDS, seeded from fuzz/corpus/<t>;
#                                     new inputs go to $FUZZ_OUT/corpus/<t>, crashes to
#                                     $FUZZ_OUT/crash-<t>-* (FUZZ_OUT defaults to build/fuzz).
# Exit status: non-zero when a target fails to build or finds a crash, leak or UB.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
out=${FUZZ_OUT:-build/fuzz}
cc=${FUZZ_CC:-clang}
targets=${*:-loader cqe hypercall devices manifest}
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE \
 -Iinclude -Isrc/monitor -Isrc/lib -Isrc/super -Ifuzz -Wall -Wno-unused-function"
monitor_srcs=$(ls src/monitor/*.c)

build() {
	case $1 in
	loader)    srcs="src/monitor/loader.c" ; libs="" ;;
	cqe)       srcs="src/lib/chan.c src/lib/cqe_check.c" ; libs="" ;;
	hypercall|devices) srcs="$monitor_srcs" ; libs="-lseccomp -lpthread" ;;
	manifest)  # the parser checks device grants and recovery specs with the real code
	           srcs="src/super/manifest.c $monitor_srcs $(ls src/lib/recovery_spec.c 2>/dev/null || true)"
	           libs="-linih -lseccomp -lpthread" ;;
	*) echo "unknown fuzz target $1" >&2; return 1 ;;
	esac
	# shellcheck disable=SC2086
	$cc $flags -o "$out/fuzz_$1" "fuzz/fuzz_$1.c" $srcs $libs
}

status=0
for t in $targets; do
	if [ "$t" = manifest ] && [ ! -f src/super/manifest.c ]; then
		echo "fuzz: $t: src/super/manifest.c not there yet, skipped"
		continue
	fi
	echo "fuzz: building $t"
	build "$t"
	mkdir -p "$out/corpus/$t" "fuzz/corpus/$t"
	echo "fuzz: running $t for ${secs}s"
	if ! ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$out/fuzz_$t" -max_total_time="$secs" \
		-timeout=10 -rss_limit_mb=4096 -artifact_prefix="$out/crash-$t-" -print_final_stats=1 \
		"$out/corpus/$t" "fuzz/corpus/$t" >"$out/$t.log" 2>&1; then
		echo "fuzz: $t FAILED (log: $out/$t.log)"
		tail -40 "$out/$t.log"
		status=1
	else
		grep -E "stat::number_of_executed_units|stat::new_units_added" "$out/$t.log" |
			sed "s/^/fuzz: $t: /"
	fi
done
exit $status
