# SPDX-License-Identifier: GPL-2.0
# Sourced by the VM tests (tests/vm/t-*.sh); runs inside the test VM.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export KNTSCTL=$top/userspace/kntsctl
export PYTHONPATH=$top/tests/lib

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "$*"
	exit 77
}

# Loads knts the way an admin does: modprobe resolves it in
# /lib/modules/$(uname -r)/updates (installed there by scripts/vm.sh -i).
knts_load() {
	modprobe knts "$@" || fail "modprobe knts $*"
	trap knts_unload_quiet EXIT
}

knts_unload() {
	rmmod knts || fail "rmmod knts"
}

knts_unload_quiet() {
	rmmod knts 2>/dev/null || true
}

as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all --bounding-set=-all -- "$@"
}

# json_get JSON PYTHON-EXPR: evaluates EXPR with j bound to the parsed JSON.
json_get() {
	python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

expect_eq() { # what got want
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}
