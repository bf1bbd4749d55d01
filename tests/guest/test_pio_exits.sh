#!/bin/sh
# test_pio_exits.sh GUEST_RUNNER PIO_STRING_IMG: exits per 1,514-byte frame moved out and back
# through the NE2000 model's data port (outsw then insw, as ne.c's block output and input), with
# string requests (the compat layer's insw/outsw) and one access at a time (as before them).
# The figure is the difference between a run with N frames and one with none, divided by N.
# Fails when a batched frame costs more than 20 exits (issue 12's bound), when batching does
# not save at least 10x, or when the frame's register writes are not posted: the 14 writes
# (remote DMA setup, interrupt acks) must go with the strings and status reads they precede,
# so a frame out and back is at most 6 requests (2 strings, 2 ISR reads, slack for 2 flushes;
# 16 without posted writes). Exit 77 (skip) without /dev/kvm.
set -u
runner=$1 img=$2
n=16
exits() { # FRAMES BATCHED
	out=$("$runner" "$img" --device ne2000@0x300 --param "frames=$1" --param "batched=$2" \
		--print-exits --hang-ms 20000 2>&1)
	st=$?
	[ $st -eq 77 ] && exit 77
	if [ $st -ne 0 ]; then
		printf '%s\n' "$out" >&2
		echo "test_pio_exits: FAIL: the guest failed (frames=$1 batched=$2)" >&2
		exit 1
	fi
	printf '%s\n' "$out" | sed -n 's/^guest-runner: exits //p'
}
base=$(exits 0 1)
with=$(exits $n 1)
single=$(exits $n 0)
per_batched=$(( (with - base) / n ))
per_single=$(( (single - base) / n ))
echo "exits per 1,514-byte frame out and back (outsw + insw, ~10 register accesses):" \
	"$per_batched with string requests, $per_single one access at a time"
[ "$per_batched" -le 20 ] || { echo "test_pio_exits: FAIL: $per_batched > 20 exits per frame"; exit 1; }
[ $((per_batched * 10)) -le "$per_single" ] || { echo "test_pio_exits: FAIL: batching saves < 10x"; exit 1; }
[ "$per_batched" -le 6 ] || {
	echo "test_pio_exits: FAIL: $per_batched > 6 exits per frame: register writes are not posted"
	exit 1
}
exit 0
