#!/bin/sh
# run_proc.sh IKERNEL PROGRAM EXPECT [ARGS...]: run a guest test program built for the process
# isolation level (PROGRAM.proc) with `ikernel run PROGRAM --isolation=process ARGS...` and check
# how it ended. EXPECT is "exit" (the program returned 0: `ikernel run` exits 0) or a substring
# the end report must hold (the run must fail). Bounded by a 30 s timeout; exits 0 iff as expected.
set -u
ik=$1 prog=$2 expect=$3
shift 3
rt=$(mktemp -d /tmp/ikproc.XXXXXX)
trap 'rm -rf "$rt"' EXIT
out=$(IKERNEL_RUNTIME_DIR=$rt timeout 30 "$ik" run "$prog" --isolation=process "$@" 2>&1)
status=$?
printf '%s\n' "$out"
if [ "$expect" = exit ]; then
	[ $status -eq 0 ] && printf '%s\n' "$out" | grep -q "exited with status 0" && exit 0
	echo "run_proc: FAIL: expected a clean exit, got status $status"
	exit 1
fi
if [ $status -ne 0 ] && [ $status -ne 124 ] && printf '%s\n' "$out" | grep -qF -- "$expect"; then
	exit 0
fi
echo "run_proc: FAIL: expected a failed run reporting '$expect', got status $status"
exit 1
