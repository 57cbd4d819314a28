#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: a working NTS server in one command.  Builds everything, then
# starts knts.ko and kntsd with a default configuration (a self-signed
# certificate for localhost made on first run, keys kept in the state
# directory), proves it with kntsctl query and a chrony client, prints the
# server's counters, and serves until Ctrl-C, which stops everything.
#
# Where this kernel cannot load knts.ko, all of it runs in the test VM
# (Debian's 6.1 kernel under QEMU), and the script says so.
#
#   scripts/run.sh              serve until Ctrl-C
#   KNTS_RUN_ONCE=1 scripts/run.sh   prove it and stop (tests, CI)
#   KNTS_RUN_DIR=DIR            state directory (default build/run)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

say() { printf '\n== %s\n' "$*"; }

kntsd_pid= loaded=0
cleanup() {
	if [ -n "$kntsd_pid" ]; then
		kill "$kntsd_pid" 2>/dev/null || true
		wait "$kntsd_pid" 2>/dev/null || true
		kntsd_pid=
	fi
	if [ "$loaded" = 1 ]; then
		rmmod knts 2>/dev/null || true
		loaded=0
	fi
}

serve() { # the server, here: this kernel loads knts.ko
	local state=$1
	trap 'cleanup; exit 0' INT TERM
	trap cleanup EXIT

	mkdir -p "$state"
	chmod 755 "$state"
	if [ ! -f "$state/cert.pem" ]; then
		say "first run: a self-signed certificate for localhost"
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -days 3650 -subj /CN=localhost \
			-addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
			-keyout "$state/key.pem" -out "$state/cert.pem" 2>/dev/null
		chmod 644 "$state/cert.pem"
		chmod 600 "$state/key.pem"
	fi
	cat > "$state/kntsd.conf" <<EOC
# Written by scripts/run.sh; see kntsd.conf(5).
ntsserverkey $state/key.pem
ntsservercert $state/cert.pem
ntsdumpdir $state/keys
kntscontrol $state/kntsd.sock
kntslocal stratum 10
kntsntp kernel
# Whom NTP and NTS-KE serve (chrony's allow and deny): this machine.
allow 127.0.0.0/8
allow ::1
# A demonstration on this machine; a server runs kntsd as its own user.
kntsuser root
EOC
	if ! lsmod | grep -q '^knts '; then
		if [ -n "${KNTS_IN_VM:-}" ]; then
			modprobe knts
		else
			modprobe udp_tunnel
			modprobe ip6_udp_tunnel
			insmod "build/kmod/$(uname -r)/knts.ko"
		fi
		loaded=1
	fi
	say "knts.ko loaded: $(userspace/kntsctl/kntsctl status | sed -n 's/^Listening *: //p')"
	userspace/kntsd/kntsd -f "$state/kntsd.conf" &
	kntsd_pid=$!
	for _ in $(seq 1 100); do
		[ -S "$state/kntsd.sock" ] && break
		sleep 0.1
	done
	sleep 1

	say "kntsctl query localhost (NTS-KE, then 3 authenticated exchanges)"
	userspace/kntsctl/kntsctl query localhost --ca "$state/cert.pem" -n 3
	say "chronyd -Q: a chrony client, as the seed verifies an NTS server"
	timeout 60 chronyd -Q -t 15 -f /dev/null "ntstrustedcerts $state/cert.pem" \
		"server localhost iburst nts maxsamples 1" 2>&1
	say "kntsctl serverstats"
	userspace/kntsctl/kntsctl -c "$state/kntsd.sock" serverstats
	say "kntsctl keys"
	userspace/kntsctl/kntsctl keys
	if [ -n "${KNTS_RUN_ONCE:-}" ]; then
		say "done (KNTS_RUN_ONCE)"
		return 0
	fi
	say "serving NTS on localhost (123/udp, 4460/tcp); Ctrl-C stops"
	while kill -0 "$kntsd_pid" 2>/dev/null; do
		sleep 30
		userspace/kntsctl/kntsctl -c "$state/kntsd.sock" serverstats |
			grep -E '^(NTP packets received|Authenticated|NTS-KE connections accepted)'
	done
}

if [ "${1:-}" = "--serve" ]; then
	serve "$2"
	exit
fi

[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (it loads a kernel module)" >&2; exit 1; }
scripts/deps.sh >/dev/null
make -s userspace >/dev/null
state=${KNTS_RUN_DIR:-$top/build/run}
kver=$(uname -r)
if [ -d "/lib/modules/$kver/build" ] && modprobe -q udp_tunnel 2>/dev/null &&
   make -s module KVER="$kver" >/dev/null; then
	say "this kernel ($kver) loads knts.ko: serving here"
	serve "$state"
else
	vmkver=$(basename "$(readlink -f /var/cache/knts/kernel/current)")
	make -s module KVER="$vmkver" >/dev/null
	say "this kernel ($kver) cannot load knts.ko: running it in the test VM (Debian $vmkver under QEMU)"
	exec scripts/vm.sh -i "build/kmod/$vmkver/knts.ko" -t 864000 -- \
		env KNTS_RUN_ONCE="${KNTS_RUN_ONCE:-}" scripts/run.sh --serve "$state"
fi
