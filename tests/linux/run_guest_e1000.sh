#!/bin/sh
# run_guest_e1000.sh LEVEL IKERNEL IMAGE: the e1000 driver's guest test (guest_e1000.c, linked
# with e1000_main.c, e1000_hw.c, e1000_ethtool.c and e1000_param.c into IMAGE,
# e1000-test.img; its .proc beside it at LEVEL process) with two 82540EM cards on the PCI bus
# (e1000@pci, DMA confined to the driver's mapped pages: dma=strict) and one virtual cable (a
# socket wire in a temporary directory) between them. Exits 0 iff the test program returned
# 0; 77 (skip) at the vm level without /dev/kvm.
set -u
. "$(dirname "$0")/../lib/iktest.sh"
level=$1 ik=$2 img=$3
test_require_kvm "$level"
dir=$(mktemp -d /tmp/ike1000.XXXXXX)
trap 'rm -rf "$dir"' EXIT
out=$(IKERNEL_RUNTIME_DIR=$dir timeout 150 "$ik" run "$img" --isolation="$level" --mem 16M \
	--device "e1000@pci,dma=strict,mac=02:00:00:00:00:0a,wire=socket:$dir/cable" \
	--device "e1000@pci,dma=strict,mac=02:00:00:00:00:0b,wire=socket:$dir/cable" 2>&1)
status=$?
printf '%s\n' "$out"
if [ $status -ne 0 ] || ! printf '%s\n' "$out" | grep -q "exited with status 0"; then
	echo "run_guest_e1000: FAIL: status $status"
	exit 1
fi
exit 0
