#!/bin/sh
# run_guest_net.sh LEVEL IKERNEL IMAGE: the NE2000 driver's guest test (guest_net.c, linked with
# ne.c + 8390p.c into IMAGE, <name>-test.img; its .proc beside it at LEVEL process) with two
# cards on one virtual cable (a socket wire in a temporary directory): eth0 at 0x300 irq 9,
# eth1 at 0x320 irq 10. Twice: with io= and irq= module parameters, then with io= only (ne.c
# finds the lines by IRQ auto-probe; the program checks they are 9 and 10). For ne2k-pci.c's image
# (ne2k_pci-test.img) the two cards are PCI functions instead (ne2000@pci: slots 1 and 2, the
# monitor assigns their BARs and lines), one run. Exits 0 iff the test program returned 0 every
# time; 77 (skip) at the vm level without /dev/kvm.
set -u
level=$1 ik=$2 img=$3
if [ "$level" = vm ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
	echo "no /dev/kvm: skipping"
	exit 77
fi
dir=$(mktemp -d /tmp/iknet.XXXXXX)
trap 'rm -rf "$dir"' EXIT
run() { # GRANT-A GRANT-B ARGS...: one run of the test program
	rm -f "$dir/cable"
	a=$1 b=$2
	shift 2
	out=$(IKERNEL_RUNTIME_DIR=$dir timeout 120 "$ik" run "$img" --isolation="$level" \
		--device "$a,mac=02:00:00:00:00:0a,wire=socket:$dir/cable" \
		--device "$b,mac=02:00:00:00:00:0b,wire=socket:$dir/cable" "$@" 2>&1)
	status=$?
	printf '%s\n' "$out"
	if [ $status -ne 0 ] || ! printf '%s\n' "$out" | grep -q "exited with status 0"; then
		echo "run_guest_net: FAIL ($*): status $status"
		exit 1
	fi
}
case $img in
*ne2k_pci*)
	run ne2000@pci,dma=strict ne2000@pci ;;
*)
	run ne2000@0x300,irq=9 ne2000@0x320,irq=10 --param io=0x300,0x320 --param irq=9,10
	run ne2000@0x300,irq=9 ne2000@0x320,irq=10 --param io=0x300,0x320 ;;
esac
exit 0
