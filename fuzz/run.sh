#!/bin/sh
# Build and run the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined).
#   fuzz/run.sh SECONDS [TARGET...]   each target runs SECONDS, seeded from fuzz/corpus/<t>;
#                                     new inputs go to $FUZZ_OUT/corpus/<t>, crashes to
#                                     $FUZZ_OUT/crash-<t>-* (FUZZ_OUT defaults to build/fuzz).
# Progress: a line as each target starts and ends, and every $FUZZ_PROGRESS_SECONDS (default
# 30) while it runs, with libFuzzer's latest figures; a warning when the load average exceeds
# the CPU count (fewer executions, slower finds). Leaves nothing outside $FUZZ_OUT.
# Exit status: non-zero when a target fails to build or finds a crash, leak or UB.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
out=${FUZZ_OUT:-build/fuzz}
cc=${FUZZ_CC:-clang}
targets=${*:-loader cqe hypercall devices e1000 manifest proc status netif}
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE \
 -Iinclude -Isrc/monitor -Isrc/monitor/vm -Isrc/monitor/process -Isrc/devices -Isrc/lib -Isrc/super -Ifuzz -Wall -Wno-unused-function"
# the monitor with its devices, and libikernel (the host-interface relay is a client of its driver)
monitor_srcs=$(ls src/monitor/*.c src/monitor/vm/*.c src/monitor/process/*.c src/devices/*.c src/lib/*.c)

build() {
	case $1 in
	loader)    srcs="src/monitor/vm/loader.c" ; libs="" ;;
	cqe)       srcs="src/lib/chan.c src/lib/cqe_check.c" ; libs="" ;;
	status)    srcs="src/super/monitor_status.c" ; libs="" ;;
	netif)     srcs="$monitor_srcs" ; libs="-lseccomp -lpthread" ;;
	hypercall|devices|e1000|proc) srcs="$monitor_srcs" ; libs="-lseccomp -lpthread" ;;
	manifest)  # the parser checks device grants and recovery specs with the real code
	           srcs="src/super/manifest.c src/super/grants.c $monitor_srcs"
	           libs="-linih -lseccomp -lpthread" ;;
	*) echo "unknown fuzz target $1" >&2; return 1 ;;
	esac
	# shellcheck disable=SC2086
	$cc $flags -o "$out/fuzz_$1" "fuzz/fuzz_$1.c" $srcs $libs
}

every=${FUZZ_PROGRESS_SECONDS:-30}

# A warning when the 1-minute load average exceeds the number of CPUs.
warn_load() {
	awk -v cpus="$(nproc)" -v when="$1" '$1 > cpus + 0 {
		printf "fuzz: warning: load average %s %s exceeds the %d CPUs: fewer executions per second\n", $1, when, cpus
	}' /proc/loadavg
}

# The latest status line libFuzzer wrote ("#N pulse|NEW|REDUCE cov: ... exec/s: ..."), short.
latest() {
	grep -aE '^#[0-9]+' "$1" 2>/dev/null | tail -n 1 | sed -E 's/ MS:.*//; s/ (ft|corp|lim|rss|L):? [^ ]+//g; s/[[:space:]]+$//'
}

pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; fi; exit 130' INT TERM
warn_load "at the start"
status=0
for t in $targets; do
	if [ "$t" = manifest ] && [ ! -f src/super/manifest.c ]; then
		echo "fuzz: $t: src/super/manifest.c not there yet, skipped"
		continue
	fi
	echo "fuzz: building $t"
	build "$t"
	mkdir -p "$out/corpus/$t" "fuzz/corpus/$t"
	echo "fuzz: start $t (${secs} s; log: $out/$t.log)"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$out/fuzz_$t" -max_total_time="$secs" \
		-timeout=10 -rss_limit_mb=4096 -artifact_prefix="$out/crash-$t-" -print_final_stats=1 \
		"$out/corpus/$t" "fuzz/corpus/$t" >"$out/$t.log" 2>&1 &
	pid=$!
	t0=$(date +%s)
	next=$every
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		el=$(($(date +%s) - t0))
		if [ "$el" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
			echo "fuzz: $t: ${el}/${secs} s: $(latest "$out/$t.log")"
			next=$((next + every))
		fi
	done
	rc=0
	wait "$pid" || rc=$?
	pid=""
	echo "fuzz: done  $t in $(($(date +%s) - t0)) s: $(latest "$out/$t.log")"
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $t FAILED (exit $rc; log: $out/$t.log)"
		tail -40 "$out/$t.log"
		status=1
	else
		grep -E "stat::number_of_executed_units|stat::new_units_added" "$out/$t.log" |
			sed "s/^/fuzz: $t: /"
	fi
done
warn_load "at the end"
exit $status
