#!/bin/bash
# Who kntsd runs as.  A root start without kntsuser is refused; kntsd -t
# checks, as kntsuser and with its groups, that the key, certificate and
# ntsdumpdir are usable, naming what to change; started as root, kntsd
# becomes kntsuser with its supplementary groups (a key readable through
# a group reloads) and CAP_NET_ADMIN only; started unprivileged with the
# unit's ambient capabilities it keeps CAP_NET_ADMIN only and chronyc gets
# none; without CAP_NET_ADMIN, or as a user other than kntsuser, it says so.
#
# make check: once (kntsd and its files under test; the kernel only carries
# packets): on the 6.12 lane only, tests/run.sh.
. "$(dirname "$0")/lib.sh"

need_chronyd
knts_load
d=$(cert_dir)
trap 'kntsd_stop "$d"; knts_unload_quiet; groupdel kntscert 2>/dev/null || true' EXIT
KNTSD=$top/userspace/kntsd/kntsd
caps() { sed -n "s/^Cap$2:\t*//p" "/proc/$1/status"; }

# 1. Root without kntsuser.
kntsd_conf "$d" "kntslocal stratum 2"
sed -i '/^kntsuser root$/d' "$d/kntsd.conf"
rc=0
out=$(timeout 30 "$KNTSD" -f "$d/kntsd.conf" 2>&1) || rc=$?
echo "$out"
expect_eq "root start without kntsuser, exit" "$rc" 1
grep -q 'started as root without kntsuser.*"kntsuser root"' <<<"$out" ||
	fail "the refusal does not say what to do"
! listening 4460 || fail "listening after the refusal"

# 2. kntsd -t as root checks as kntsuser: a key only root reads fails,
#    naming the file and the fix; through a supplementary group it passes.
kntsd_conf "$d" "kntslocal stratum 2" "kntsuser nobody" "kntsstatusinterval 1"
rc=0
out=$("$KNTSD" -t -f "$d/kntsd.conf" 2>&1) || rc=$?
echo "$out"
expect_eq "kntsd -t with an unreadable key, exit" "$rc" 1
grep -q "ntsserverkey $d/key.pem: nobody cannot read it.*chmod 640" <<<"$out" ||
	fail "kntsd -t does not name the key"
groupadd kntscert
usermod -a -G kntscert nobody
chgrp kntscert "$d/key.pem"
chmod 640 "$d/key.pem"
out=$("$KNTSD" -t -f "$d/kntsd.conf" 2>&1) || fail "kntsd -t with a group-readable key: $out"
grep -q "configuration OK, 1 certificate, runs as nobody" <<<"$out" || fail "kntsd -t: $out"
# ntsdumpdir the user cannot write, and an ntskeys it does not own.
mkdir -m 700 "$d/dump"
out=$("$KNTSD" -t -f "$d/kntsd.conf" 2>&1) && fail "kntsd -t passed an unwritable ntsdumpdir"
grep -q "ntsdumpdir $d/dump: nobody cannot write there" <<<"$out" || fail "kntsd -t: $out"
rmdir "$d/dump"

# 3. Root start: becomes nobody with its groups and CAP_NET_ADMIN only.
kntsd_start "$d"
pid=$(cat "$d/kntsd.pid")
expect_eq "user" "$(ps -o user= -p "$pid")" nobody
grep -qw "$(getent group kntscert | cut -d: -f3)" <<<"$(sed -n 's/^Groups://p' "/proc/$pid/status")" ||
	fail "supplementary group not kept"
expect_eq "effective capabilities" "$(caps "$pid" Eff)" 0000000000001000
expect_eq "permitted capabilities" "$(caps "$pid" Prm)" 0000000000001000
expect_eq "dump owner" "$(stat -c %U "$d/dump/ntskeys")" nobody
kill -HUP "$pid"
wait_for 30 "the reload" grep -q "reload: 1 certificate loaded" "$d/kntsd.log"
out=$(chrony_query "$d/cert.pem" localhost)
grep -q "System clock wrong by" <<<"$out" || { echo "$out"; fail "no NTS time"; }
kntsd_stop "$d"

# 4. Started unprivileged as the unit does (User=, AmbientCapabilities=):
#    keeps CAP_NET_ADMIN only; chronyc, its child, inherits nothing.
kntsd_conf "$d" "kntslocal stratum 2" "kntsuser nobody" "kntsstatusinterval 1"
chown -R nobody "$d/dump"
rm -f "$d/kntsd.sock"	# root's kntsd left it: nobody cannot replace it
unit_like=(setpriv --reuid=nobody --regid=nogroup --init-groups
	--inh-caps=+net_admin,+net_bind_service
	--ambient-caps=+net_admin,+net_bind_service --)
"${unit_like[@]}" "$KNTSD" -t -f "$d/kntsd.conf" || fail "kntsd -t as nobody"
"${unit_like[@]}" "$KNTSD" -f "$d/kntsd.conf" -d > "$d/kntsd.log" 2>&1 &
echo $! > "$d/kntsd.pid"
wait_for 60 "kntsd to start" grep -q "kntsd .* started" "$d/kntsd.log"
pid=$(cat "$d/kntsd.pid")
cat "$d/kntsd.log"
expect_eq "effective capabilities" "$(caps "$pid" Eff)" 0000000000001000
expect_eq "ambient capabilities" "$(caps "$pid" Amb)" 0000000000000000
expect_eq "inheritable capabilities" "$(caps "$pid" Inh)" 0000000000000000
out=$(chrony_query "$d/cert.pem" localhost)
grep -q "System clock wrong by" <<<"$out" || { echo "$out"; fail "no NTS time"; }
kntsd_stop "$d"

# 5. Without CAP_NET_ADMIN, and as another user than kntsuser.
out=$(setpriv --reuid=nobody --regid=nogroup --init-groups \
	--inh-caps=+net_bind_service --ambient-caps=+net_bind_service -- \
	"$KNTSD" -f "$d/kntsd.conf" 2>&1) && fail "started without CAP_NET_ADMIN"
echo "$out"
grep -q "without CAP_NET_ADMIN.*AmbientCapabilities=CAP_NET_ADMIN" <<<"$out" ||
	fail "no word on CAP_NET_ADMIN"
sed -i 's/^kntsuser nobody$/kntsuser daemon/' "$d/kntsd.conf"
out=$("${unit_like[@]}" "$KNTSD" -f "$d/kntsd.conf" 2>&1) && fail "started as nobody with kntsuser daemon"
grep -q "kntsuser daemon: kntsd was started as nobody and cannot become daemon" <<<"$out" ||
	fail "no word on the user: $out"
true
