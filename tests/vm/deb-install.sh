#!/bin/bash
# The Debian packages, installed as an admin installs them, in a guest
# whose module tree has no knts.ko: DKMS builds it for the running kernel,
# then the seed's verification with the installed kntsd and kntsctl; then
# removal takes the module and the programs away.
. "$(dirname "$0")/lib.sh"

need_chronyd
ls "$top"/build/deb/knts-dkms_*_all.deb "$top"/build/deb/knts_*.deb >/dev/null ||
	fail "no packages in build/deb (scripts/mkdeb.sh)"
[ ! -e "/lib/modules/$(uname -r)/updates/knts.ko" ] || fail "the tree already has knts.ko"
# A machine with one kernel, this one: the host's other kernels (their
# headers are here for make check) are hidden, or DKMS builds for the
# newest of them too, which under TCG alone takes minutes.
k=$(uname -r)
mkdir -p /run/onekernel
mount --bind "/lib/modules/$k" /run/onekernel
mount -t tmpfs -o mode=0755 onekernel /lib/modules
mkdir "/lib/modules/$k"
mount --bind /run/onekernel "/lib/modules/$k"
[ "$(ls /lib/modules)" = "$k" ] || fail "other kernels still visible: $(ls /lib/modules)"
export DEBIAN_FRONTEND=noninteractive
# man-db's trigger re-indexes every manual page after each dpkg call, tens
# of seconds under TCG; what is checked here is that man finds ours.
rm -f /var/lib/man-db/auto-update
# Where the minutes go, in the log: seconds since the test started.
t0=$(date +%s)
phase() { echo "deb-install: $* at $(($(date +%s) - t0)) s"; }
dpkg -i "$top"/build/deb/knts-dkms_*_all.deb "$top"/build/deb/knts_*.deb ||
	fail "dpkg -i"
phase "installed (DKMS built knts.ko)"
dkms status knts
modinfo -n knts | grep -q "/updates/dkms/knts.ko" || fail "knts.ko not from DKMS"
getent passwd _knts >/dev/null || fail "no _knts user"
expect_eq "/var/lib/knts" "$(stat -c %U:%a /var/lib/knts)" _knts:700
man -w kntsctl >/dev/null && man -w 5 kntsd.conf >/dev/null || fail "man pages"

modprobe knts || fail "modprobe knts (DKMS-built)"
make_cert /etc/knts
cat >> /etc/knts/kntsd.conf <<EOC
ntsserverkey /etc/knts/key.pem
ntsservercert /etc/knts/cert.pem
kntslocal stratum 2
EOC
/usr/sbin/kntsd -t || fail "kntsd -t"
/usr/sbin/kntsd > /tmp/kntsd.log 2>&1 &
kp=$!
trap 'kill $kp 2>/dev/null || true; knts_unload_quiet' EXIT
for i in $(seq 1 100); do
	[ -S /run/knts/kntsd.sock ] && break
	sleep 0.1
done
phase "kntsd started"
out=$(chrony_query /etc/knts/cert.pem localhost)
phase "chronyd -Q answered"
echo "$out"
grep -q "System clock wrong by" <<<"$out" || { cat /tmp/kntsd.log; fail "no NTS time"; }
/usr/sbin/kntsctl serverstats | grep -E "Authenticated|NTS-KE connections accepted"
j=$(/usr/sbin/kntsctl -j serverstats)
[ "$(json_get "$j" 'j["authenticated_ntp_packets"]')" -ge 1 ] || fail "kernel counted nothing"
[ "$(json_get "$j" 'j["nts_ke_connections_accepted"]')" -ge 1 ] || fail "kntsd counted nothing"
expect_eq "kntsd user" "$(ps -o user= -p $kp)" _knts

kill $kp
wait $kp 2>/dev/null || true
rmmod knts
dpkg -r knts knts-dkms || fail "dpkg -r"
phase "removed"
[ ! -e /usr/sbin/kntsd ] || fail "kntsd left behind"
modinfo knts >/dev/null 2>&1 && fail "knts.ko left behind"
true
