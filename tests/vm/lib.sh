# SPDX-License-Identifier: GPL-2.0
# Sourced by the VM tests (tests/vm/t-*.sh); runs inside the test VM.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export KNTSCTL=$top/userspace/kntsctl/kntsctl
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
# /lib/modules/$(uname -r)/updates (installed there by scripts/vm.sh -i),
# and, as an admin without kntsd does, hands it the default sockets
# (0.0.0.0 and :: port 123).  A kntsd started later takes them over.
knts_load() {
	modprobe knts "$@" || fail "modprobe knts $*"
	trap knts_unload_quiet EXIT
	"$KNTSCTL" socket add >/dev/null || fail "kntsctl socket add"
}

# rmmod and modprobe, and the default sockets again (no kntsd running).
knts_reload() {
	rmmod knts || fail "rmmod knts"
	modprobe knts || fail "modprobe knts"
	"$KNTSCTL" socket add >/dev/null || fail "kntsctl socket add"
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

# json_get JSON PYTHON-EXPR: evaluates EXPR with j bound to the parsed JSON,
# printing what Python's print would.  A plain path (j["a"]["b"]) whose
# last key occurs once in the document is read by bash itself: starting
# Python costs about half a second under TCG, and make check asks ~90
# such questions per kernel.  Anything else goes to Python.
json_get() {
	local key quoted rest re
	if [[ $2 =~ ^j(\[\"[a-z0-9_]+\"\])+$ ]]; then
		key=${2##*\[\"}
		key=${key%\"\]}
		quoted="\"$key\""
		rest=${1//"$quoted"/}
		re="$quoted[[:space:]]*:[[:space:]]*(\"[^\"\\]*\"|-?[0-9]+|true|false|null)[[:space:]]*[],}]"
		if [ $((${#1} - ${#rest})) -eq ${#quoted} ] && [[ $1 =~ $re ]]; then
			case ${BASH_REMATCH[1]} in
			true) echo True ;;
			false) echo False ;;
			null) echo None ;;
			\"*) rest=${BASH_REMATCH[1]#\"}; echo "${rest%\"}" ;;
			*) echo "${BASH_REMATCH[1]}" ;;
			esac
			return
		fi
	fi
	python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

expect_eq() { # what got want
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

need_chronyd() {
	command -v chronyd >/dev/null || skip "chronyd missing (scripts/deps.sh)"
}

# cert_dir: a new directory others may enter (chronyd -Q reads as _chrony)
# holding make_cert's certificate; prints its path.
cert_dir() {
	local d
	d=$(mktemp -d)
	chmod 755 "$d"
	make_cert "$d"
	echo "$d"
}

# make_cert DIR: a self-signed certificate for localhost, 127.0.0.1 and ::1
# (DIR/cert.pem, world-readable as chronyd -Q needs; DIR/key.pem).
make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 2 -subj /CN=localhost \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
		-keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null ||
		fail "openssl req"
	chmod 644 "$1/cert.pem"
	chmod 600 "$1/key.pem"
}

# chrony_query CERT SERVER [options]: one authenticated sample, as the seed
# verifies an NTS server (chronyd -Q, never touching the clock).  With
# "minpoll -2" unless the options say otherwise: chrony sends its first
# request only one burst interval after NTS-KE gave it cookies, 2 s at
# the default minpoll, 0.25 s here; make check asks ~30 times per kernel.
# t-chrony.sh and make run keep the seed's exact command.
chrony_query() {
	local cert=$1 server=$2 poll="minpoll -2"
	shift 2
	[[ " $* " != *" minpoll "* ]] || poll=
	timeout 60 chronyd -Q -t 15 -f /dev/null "ntstrustedcerts $cert" \
		"server $server iburst nts maxsamples 1 $poll $*" 2>&1
}

# kntsd_conf DIR [directives...]: a kntsd.conf for DIR's certificate, keys in
# DIR/dump, control socket DIR/kntsd.sock; kntsd runs as root (the explicit
# "kntsuser root") unless a directive names another user, and serves every
# source ("allow", chrony's way) unless allow or deny directives are given.
kntsd_conf() {
	local d=$1
	shift
	{
		echo "ntsserverkey $d/key.pem"
		echo "ntsservercert $d/cert.pem"
		echo "ntsdumpdir $d/dump"
		echo "kntscontrol $d/kntsd.sock"
		printf '%s\n' "$@"
		[[ " $* " == *" kntsuser "* ]] || echo "kntsuser root"
		[[ " $* " == *" allow "* || " $* " == *" deny "* ]] || echo "allow"
	} > "$d/kntsd.conf"
}

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every 0.1 s until it
# succeeds; fails the test, naming WHAT, when SECONDS have passed.  Tests
# wait for events this way, with a generous bound, instead of sleeping for
# a time a slow machine may overrun.
wait_for() {
	local secs=$1 what=$2 end
	shift 2
	end=$(($(date +%s) + secs))
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || fail "waited $secs s for $what"
		sleep 0.1
	done
}

# test_keys_file FILE [BASE]: ntsclient's four test keys (ids from BASE,
# ntsclient's default if none) written as a chrony ntskeys file.
test_keys_file() {
	python3 -c 'import sys; from ntsclient import *
write_ntskeys(sys.argv[1], test_keys(*(int(b, 16) for b in sys.argv[2:])))' "$@"
}

# counter_above NAME N: knts.ko's serverstats counter NAME is above N.
counter_above() {
	[ "$(json_get "$("$KNTSCTL" -j serverstats)" "j[\"$1\"]")" -gt "$2" ]
}

# keys_loaded N: knts.ko holds N master keys.
keys_loaded() {
	[ "$(json_get "$("$KNTSCTL" -j keys)" 'len(j["keys"])')" = "$1" ]
}

# stop_pidfile FILE: the process FILE names is sent SIGTERM and has ended.
stop_pidfile() {
	local pid
	pid=$(cat "$1")
	kill "$pid"
	wait_for 30 "process $pid ($1) to exit" not_running "$pid"
}

# listening PORT: a TCP socket listens on PORT.
listening() {
	ss -Hltn "sport = :$1" | grep -q .
}

# not_running PID: the process has exited.
not_running() {
	! kill -0 "$1" 2>/dev/null
}

# kntsd_start DIR [NETNS]: runs kntsd (in network namespace NETNS) in the
# background until it says it started.
kntsd_start() {
	local d=$1 i ns=()
	[ -z "${2:-}" ] || ns=(ip netns exec "$2")
	[ -f "$d/kntsd.log" ] && cat "$d/kntsd.log" >> "$d/kntsd.log.old"
	"${ns[@]}" "$top/userspace/kntsd/kntsd" -f "$d/kntsd.conf" -d > "$d/kntsd.log" 2>&1 &
	echo $! > "$d/kntsd.pid"
	for i in $(seq 1 600); do
		grep -q "kntsd .* started" "$d/kntsd.log" 2>/dev/null && return 0
		kill -0 "$(cat "$d/kntsd.pid")" 2>/dev/null || break
		sleep 0.1
	done
	cat "$d/kntsd.log" >&2
	fail "kntsd did not start"
}

kntsd_stop() { # DIR [SIGNAL]
	local pid
	pid=$(cat "$1/kntsd.pid" 2>/dev/null) || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$1/kntsd.pid"
}

# prom_lint < TEXT: the Prometheus text format, strictly: each family's HELP
# and TYPE before its samples, each sample a valid name, labels and value,
# no series twice, counters named _total.  Prints "name{labels} value"
# lines for the test to grep.
prom_lint() {
	python3 -c '
import re, sys
fam, types, seen = None, {}, set()
for line in sys.stdin.read().splitlines():
    m = re.fullmatch(r"# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)", line)
    if m:
        if m.group(1) == "TYPE":
            assert m.group(3) in ("counter", "gauge"), line
            assert m.group(2) not in types, "family twice: " + line
            types[m.group(2)] = m.group(3)
        fam = m.group(2)
        continue
    m = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\})? (-?[0-9.]+(e[+-]?[0-9]+)?)", line)
    assert m, "not a sample: " + line
    assert m.group(1) == fam and fam in types, "sample outside its family: " + line
    assert types[fam] != "counter" or fam.endswith("_total"), "counter without _total: " + fam
    assert (m.group(1), m.group(2)) not in seen, "series twice: " + line
    seen.add((m.group(1), m.group(2)))
    print(line)
'
}
