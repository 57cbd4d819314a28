#!/bin/bash
# The Debian packages, installed as an admin installs them, on a guest
# booted with systemd (vm.sh -S) whose module tree has no knts.ko: DKMS
# builds it for the running kernel; kntsd.service as _knts refuses a key
# _knts cannot read, then starts on an empty state directory and passes the
# seed's verification; reload; an upgrade restarts it and keeps the keys and
# the service; a module that does not load fails the start, saying why;
# removal stops kntsd and takes the module and programs away; purge keeps
# the master keys and says so.
. "$(dirname "$0")/lib.sh"

need_chronyd
expect_eq "PID 1" "$(cat /proc/1/comm)" systemd
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
# This root file system comes from a container image whose policy-rc.d
# forbids maintainer scripts to start services; a server has none.
rm -f /usr/sbin/policy-rc.d
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
# firewalld's service file (firewalld itself is not installed here): its
# format, and the two ports.
python3 - /usr/lib/firewalld/services/knts.xml <<'PY' || fail "firewalld service file"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "service" and root.find("short").text
ports = sorted((p.get("protocol"), p.get("port")) for p in root.findall("port"))
assert ports == [("tcp", "4460"), ("udp", "123")], ports
PY

expect_eq "kntsd after install (no certificate yet)" "$(systemctl is-active kntsd)" inactive

# kntsd(8)'s setup: a certificate, the key readable by _knts.
make_cert /etc/knts
cat >> /etc/knts/kntsd.conf <<EOC
ntsserverkey /etc/knts/key.pem
ntsservercert /etc/knts/cert.pem
kntslocal stratum 2
EOC
grep -qx "allow" /etc/knts/kntsd.conf || fail "kntsd.conf does not say whom it serves"
grep -qx "kntsuser _knts" /etc/knts/kntsd.conf || fail "kntsd.conf does not name _knts"
journal() { journalctl -q -o cat -u kntsd --no-pager; }
systemctl start kntsd && fail "started with a key only root can read"
journal | grep "_knts cannot read it" || { journal; fail "kntsd -t did not say why"; }
chgrp _knts /etc/knts/key.pem
chmod 640 /etc/knts/key.pem
rm -rf /var/lib/knts	# the first start makes the state directory
systemctl start kntsd || { journal; fail "systemctl start kntsd"; }
phase "kntsd.service started"
pid=$(systemctl show -p MainPID --value kntsd)
expect_eq "kntsd user" "$(ps -o user= -p "$pid")" _knts
expect_eq "capabilities kept" "$(sed -n 's/^CapEff:\t*//p' "/proc/$pid/status")" 0000000000001000
expect_eq "ambient capabilities" "$(sed -n 's/^CapAmb:\t*//p' "/proc/$pid/status")" 0000000000000000
expect_eq "state directory" "$(stat -c %U:%a /var/lib/knts)" _knts:700
expect_eq "ntskeys" "$(stat -c %U:%a /var/lib/knts/ntskeys)" _knts:600
journal | grep -q "master keys pushed into knts.ko" || fail "no key push in the journal"

out=$(chrony_query /etc/knts/cert.pem localhost)
phase "chronyd -Q answered"
echo "$out"
grep -q "System clock wrong by" <<<"$out" || { journal; fail "no NTS time"; }
/usr/sbin/kntsctl serverstats | grep -E "Authenticated|NTS-KE connections accepted"
j=$(/usr/sbin/kntsctl -j serverstats)
[ "$(json_get "$j" 'j["authenticated_ntp_packets"]')" -ge 1 ] || fail "kernel counted nothing"
[ "$(json_get "$j" 'j["nts_ke_connections_accepted"]')" -ge 1 ] || fail "kntsd counted nothing"

systemctl reload kntsd || fail "systemctl reload"
wait_for 30 "the reload in the journal" eval 'journal | grep -q "reload: 1 certificate loaded"'
expect_eq "after reload" "$(systemctl is-active kntsd)" active

# Upgrade: the running kntsd is restarted, the keys stay, NTS goes on.
keys=$(sha256sum < /var/lib/knts/ntskeys)
dpkg -i "$top"/build/deb/upgrade/knts_*.deb || fail "dpkg -i (upgrade)"
phase "upgraded"
dpkg-query -W -f '${Version}\n' knts | grep -q '+upgrade1$' || fail "not upgraded"
expect_eq "after upgrade" "$(systemctl is-active kntsd)" active
[ "$(systemctl show -p MainPID --value kntsd)" != "$pid" ] || fail "kntsd not restarted"
expect_eq "keys after upgrade" "$(sha256sum < /var/lib/knts/ntskeys)" "$keys"
out=$(chrony_query /etc/knts/cert.pem localhost)
grep -q "System clock wrong by" <<<"$out" || { echo "$out"; journal; fail "no NTS time after upgrade"; }

# A module that does not load: the start fails and the journal says why.
systemctl stop kntsd
rmmod knts
echo "install knts /bin/false" > /etc/modprobe.d/knts-test.conf
systemctl start kntsd && fail "started without knts.ko"
journal | grep "knts.ko is not loaded.*kntsntp auto or userspace" ||
	{ journal; fail "no reason in the journal"; }
err=$(/usr/sbin/kntsctl status 2>&1) && fail "kntsctl status without the module"
echo "$err"
grep -q "knts.ko is not loaded" <<<"$err" || fail "kntsctl status gives no reason"
rm /etc/modprobe.d/knts-test.conf
systemctl reset-failed kntsd
systemctl start kntsd || { journal; fail "start after the module came back"; }

# Removal stops kntsd; purge keeps the master keys and says so.
dpkg -r knts knts-dkms || fail "dpkg -r"
phase "removed"
pgrep -x kntsd && fail "kntsd still runs after removal"
[ ! -e /usr/sbin/kntsd ] || fail "kntsd left behind"
modinfo knts >/dev/null 2>&1 && fail "knts.ko left behind"
msg=$(dpkg -P knts 2>&1) || fail "dpkg -P knts"
echo "$msg"
grep -q "kept /var/lib/knts/ntskeys" <<<"$msg" || fail "purge says nothing of the keys"
expect_eq "keys after purge" "$(sha256sum < /var/lib/knts/ntskeys)" "$keys"
rmmod knts
true
