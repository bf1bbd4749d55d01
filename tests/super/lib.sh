# Shared by the shell tests: skip without KVM/FUSE/root, bring a supervisor up in a private
# runtime directory, always take it down (bounded), wait for conditions with a deadline.
ik=${IKERNEL_BIN:?}
. "$(dirname "${BASH_SOURCE[0]}")/../lib/iktest.sh"
need_env() {
	test_require_kvm
	[ -e /dev/fuse ] || { echo "skipped: /dev/fuse not available"; exit 77; }
	[ "$(id -u)" -eq 0 ] || { echo "skipped: mounting the device files needs root"; exit 77; }
}

rt=""
super_pid=""
start_super() {
	rt=$(mktemp -d /tmp/ikt.XXXXXX)
	chmod 755 "$rt" # other users reach the device files through it
	export IKERNEL_RUNTIME_DIR="$rt"
	timeout 30 "$ik" up --detach "$@" || { echo "FAIL: ikernel up $* did not come up"; dump_logs; exit 1; }
	super_pid=$(cat "$rt/supervisor.pid")
}

dump_logs() {
	[ -n "$rt" ] || return 0
	for f in "$rt"/logs/*.log; do
		[ -e "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
	done
}

stop_super() {
	[ -n "$rt" ] || return 0
	if [ -S "$rt/control.sock" ]; then
		timeout 30 "$ik" down >/dev/null 2>&1 || true
	fi
	if [ -n "$super_pid" ] && kill -0 "$super_pid" 2>/dev/null; then
		kill -TERM "$super_pid" 2>/dev/null
		for _ in $(seq 1 100); do kill -0 "$super_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$super_pid" 2>/dev/null || true
	fi
	grep -q " $rt/dev " /proc/self/mounts && umount -l "$rt/dev"
	rm -rf "$rt"
	rt=""
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, or fail.
wait_for() {
	local secs=$1
	shift
	for _ in $(seq 1 $((secs * 20))); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

status_field() { # DRIVER FIELD from `ikernel status --json`
	"$ik" status --json | python3 -c "import json,sys; d=[x for x in json.load(sys.stdin)['drivers'] if x['name']=='$1'][0]; print(d['$2'])"
}

fails=0
check() { # DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		echo "ok   $what"
	else
		echo "FAIL $what"
		fails=$((fails + 1))
	fi
}
