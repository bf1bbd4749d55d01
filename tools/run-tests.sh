#!/usr/bin/env bash
# Run the whole suite: every test in the normal build, then every test again in the ASan/UBSan
# build, then a short run of every libFuzzer target (FUZZ_SMOKE_SECONDS each, default 10; 0
# skips them). Ends with the line "N passed, N failed, N skipped" and exits non-zero on any
# failure.
set -uo pipefail
total_pass=0 total_fail=0 total_skip=0
fuzz_secs=${FUZZ_SMOKE_SECONDS:-10}
for dir in "$@"; do
	echo "== meson test -C $dir"
	meson test -C "$dir" --print-errorlogs --num-processes 1
	log="$dir/meson-logs/testlog.json"
	if [ ! -s "$log" ]; then
		echo "ikernel: no test log in $dir" >&2
		total_fail=$((total_fail + 1))
		continue
	fi
	read -r p f s < <(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r == "OK": p += 1
    elif r == "SKIP": s += 1
    elif r == "EXPECTEDFAIL": p += 1
    else: f += 1
print(p, f, s)
PY
)
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
done
if [ "$fuzz_secs" -gt 0 ]; then
	for src in fuzz/fuzz_*.c; do
		t=${src#fuzz/fuzz_} t=${t%.c}
		echo "== fuzz smoke: $t (${fuzz_secs} s)"
		if FUZZ_OUT="${1:-build}/fuzz" fuzz/run.sh "$fuzz_secs" "$t"; then
			total_pass=$((total_pass + 1))
		else
			echo "FAIL fuzz smoke: $t" >&2
			total_fail=$((total_fail + 1))
		fi
	done
fi
echo "${total_pass} passed, ${total_fail} failed, ${total_skip} skipped"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
