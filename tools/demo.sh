#!/usr/bin/env bash
# `make demo`: the paper's example, end to end.
#  1. the LED driver runs in its own driver VM, granted only the parallel port at 0x378;
#  2. an ordinary host program writes patterns, reads them back and uses the ioctls while the
#     monitor draws the LED board;
#  3. a deliberately crashing driver in a second VM shows containment: a crash report, the host
#     and the LED driver unaffected, the crashing driver's client gets -EIO instead of a hang.
set -euo pipefail
build=${1:-build}
ik="$build/src/cli/ikernel"
demo="$build/examples/led-demo"
if [ ! -e /dev/kvm ]; then
	echo "demo: /dev/kvm is missing: iKernel needs KVM to run driver VMs" >&2
	exit 1
fi
export IKERNEL_RUNTIME_DIR
IKERNEL_RUNTIME_DIR=$(mktemp -d /tmp/ikernel-demo.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$IKERNEL_RUNTIME_DIR"
}
trap cleanup EXIT

wait_node() {
	for _ in $(seq 1 200); do
		[ -e "$IKERNEL_RUNTIME_DIR/nodes/$1" ] && return 0
		sleep 0.025
	done
	echo "demo: node $1 did not appear" >&2
	exit 1
}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Starting the LED driver in its own VM: $ik run $build/drivers/led.img --device parport@0x378"
"$ik" run "$build/drivers/led.img" --name led --device parport@0x378 &
pids+=($!)
wait_node led0

step "A host program drives led0 through libikernel (the monitor draws the board)"
"$demo"
sleep 0.2

step "Starting a driver that crashes on request, in a second VM"
"$ik" run "$build/drivers/crashtest.img" --name crashtest &
crash_pid=$!
wait_node crash0
"$demo" --crash
set +e
wait "$crash_pid"
status=$?
set -e
echo "demo: the crashed driver's monitor exited with status $status; its VM is gone"

step "The LED driver is unaffected"
"$demo" | tail -n 2
step "Done: stopping the LED driver (SIGTERM)"
kill -TERM "${pids[0]}"
wait "${pids[0]}" || true
pids=()
