# The shell tests' helpers (tests/lib, issue 10 item 5), sourced:
#   . "$(dirname "$0")/../lib/iktest.sh"
# test_require_kvm [LEVEL]: exit 77 (meson: skipped) with one message unless /dev/kvm is usable
# (readable and writable); with a LEVEL, only when it is vm.
test_require_kvm() {
	[ "${1:-vm}" = vm ] || return 0
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && return 0
	echo "skipped: /dev/kvm not available"
	exit 77
}
