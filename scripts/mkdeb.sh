#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: Debian packages from this tree, with dpkg-deb:
#   knts-dkms_VERSION_all.deb   the module's source, built by DKMS on install
#   knts_VERSION_amd64.deb      kntsd, kntsctl, unit, configuration, man pages
#
#   scripts/mkdeb.sh [OUTDIR]      (default build/deb)
#
# KNTS_DEB_VERSION overrides the packages' version (core/version.h's): make
# check builds a later one to play an upgrade.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$(mkdir -p "${1:-build/deb}" && cd "${1:-build/deb}" && pwd)
ver=${KNTS_DEB_VERSION:-$(sed -n 's/^#define KNTS_VERSION "\(.*\)"/\1/p' core/version.h)}
arch=$(dpkg --print-architecture)
maint="knts developers <dev@knts.invalid>"
date=$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")
make -s userspace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

doc() { # PKG ROOT: copyright and changelog, as policy wants
	local d=$2/usr/share/doc/$1
	install -d "$d"
	cat > "$d/copyright" <<EOC
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: knts
Source: https://knts.invalid/

Files: *
Copyright: 2026 knts developers
License: GPL-2.0
 On Debian systems the full text of the GNU General Public License
 version 2 is in /usr/share/common-licenses/GPL-2.
EOC
	printf '%s (%s) unstable; urgency=medium\n\n  * Built from the knts tree.\n\n -- %s  %s\n' \
		"$1" "$ver" "$maint" "$date" | gzip -9n > "$d/changelog.gz"
}

# --- knts-dkms ---
r=$tmp/dkms
make -s DESTDIR="$r" dkms-src
doc knts-dkms "$r"
install -d "$r/DEBIAN"
cat > "$r/DEBIAN/control" <<EOC
Package: knts-dkms
Version: $ver
Architecture: all
Maintainer: $maint
Depends: dkms (>= 2.1.0.0)
Recommends: linux-headers-amd64 | linux-headers-generic
Section: kernel
Priority: optional
Installed-Size: $(du -sk "$r" | cut -f1)
Homepage: https://knts.invalid/
Description: Network Time Security server in the kernel (DKMS source)
 knts.ko answers NTP requests protected by Network Time Security
 (RFC 8915) in softirq, with the keys and clock state kntsd provides.
 This package builds it with DKMS for every installed kernel.
EOC
cat > "$r/DEBIAN/postinst" <<EOC
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	dkms add -m knts -v $ver >/dev/null 2>&1 || true
	for k in \$(ls /lib/modules 2>/dev/null); do
		[ -e "/lib/modules/\$k/build" ] || continue
		dkms build -m knts -v $ver -k "\$k" && dkms install -m knts -v $ver -k "\$k" ||
			echo "knts-dkms: could not build knts.ko for \$k" >&2
	done
fi
EOC
cat > "$r/DEBIAN/prerm" <<EOC
#!/bin/sh
set -e
if [ "\$1" = remove ] || [ "\$1" = upgrade ]; then
	dkms remove -m knts -v $ver --all >/dev/null 2>&1 || true
fi
EOC
chmod 0755 "$r/DEBIAN/postinst" "$r/DEBIAN/prerm"
dpkg-deb --root-owner-group -Zxz --build "$r" "$out/knts-dkms_${ver}_all.deb" >/dev/null

# --- knts ---
r=$tmp/knts
install -D -m 0755 -s userspace/kntsd/kntsd "$r/usr/sbin/kntsd"
install -D -m 0755 -s userspace/kntsctl/kntsctl "$r/usr/sbin/kntsctl"
install -D -m 0644 userspace/kntsd/kntsd.service "$r/lib/systemd/system/kntsd.service"
install -D -m 0644 userspace/kntsd/kntsd.conf "$r/etc/knts/kntsd.conf"
install -D -m 0644 userspace/kntsd/knts.firewalld.xml "$r/usr/lib/firewalld/services/knts.xml"
install -D -m 0644 scripts/knts.modules-load.conf "$r/usr/lib/modules-load.d/knts.conf.example"
install -d "$r/etc/modprobe.d" "$r/etc/default"
cat > "$r/etc/modprobe.d/knts.conf" <<EOC
# knts.ko parameters (modinfo knts): uncomment to use.
#options knts port=123 require_nts=0 ratelimit_rate=0 ratelimit_burst=8 ratelimit_kod=0
EOC
cat > "$r/etc/default/kntsd" <<EOC
# Read by kntsd.service: the configuration file and further options.
#KNTSD_CONF=/etc/knts/kntsd.conf
#KNTSD_OPTIONS=-d
EOC
for m in Documentation/man/*.[58]; do
	s=${m##*.}
	install -D -m 0644 "$m" "$r/usr/share/man/man$s/$(basename "$m")"
	gzip -9n "$r/usr/share/man/man$s/$(basename "$m")"
done
doc knts "$r"
install -m 0644 README.md Documentation/admin-guide.md "$r/usr/share/doc/knts/"
install -d "$r/DEBIAN"
printf '/etc/knts/kntsd.conf\n/etc/modprobe.d/knts.conf\n/etc/default/kntsd\n' > "$r/DEBIAN/conffiles"
dep() { dpkg-query -W -f='${Package} (>= ${Version})' "$1" | sed 's/(>= \([^-+~]*\)[^)]*)/(>= \1)/'; }
cat > "$r/DEBIAN/control" <<EOC
Package: knts
Version: $ver
Architecture: $arch
Maintainer: $maint
Depends: libc6 (>= 2.34), $(dep libssl3), $(dep libnl-3-200), $(dep libnl-genl-3-200), adduser
Recommends: knts-dkms, chrony
Section: net
Priority: optional
Installed-Size: $(du -sk "$r" | cut -f1)
Homepage: https://knts.invalid/
Description: Network Time Security server (NTS-KE daemon and tools)
 kntsd serves NTS-KE (RFC 8915, TLS 1.3) and manages the master keys in
 chrony's format, pushing keys and the clock's state into knts.ko, which
 answers NTS-protected NTP in the kernel; without the module kntsd answers
 NTP itself.  kntsctl shows and provisions the module and checks any NTS
 server.
EOC
# A new install waits for a certificate (kntsd.conf(5)) before anyone
# starts kntsd; an upgrade restarts a running kntsd with the new programs
# (knts.ko serves NTP meanwhile); removal stops it.
cat > "$r/DEBIAN/postinst" <<'EOC'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
	if ! getent passwd _knts >/dev/null; then
		adduser --system --group --quiet --no-create-home \
			--home /var/lib/knts _knts
	fi
	install -d -o _knts -g _knts -m 0700 /var/lib/knts
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
		if [ -n "$2" ]; then
			deb-systemd-invoke try-restart kntsd.service ||
				echo "knts: kntsd did not restart: journalctl -u kntsd" >&2
		fi
	fi
fi
EOC
cat > "$r/DEBIAN/prerm" <<'EOC'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
	deb-systemd-invoke stop kntsd.service >/dev/null || true
fi
EOC
# Master keys may be shared with other servers, and clients hold cookies
# made with them: purge keeps them, and says so.
cat > "$r/DEBIAN/postrm" <<'EOC'
#!/bin/sh
set -e
if [ "$1" = purge ]; then
	if [ -e /var/lib/knts/ntskeys ]; then
		find /var/lib/knts -mindepth 1 ! -name ntskeys -delete
		echo "knts: kept /var/lib/knts/ntskeys, the NTS master keys: other servers may share them and clients hold cookies made with them; delete it when none does" >&2
	else
		rm -rf /var/lib/knts
	fi
	if command -v deb-systemd-helper >/dev/null; then
		deb-systemd-helper purge kntsd.service >/dev/null || true
	fi
fi
if [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
EOC
chmod 0755 "$r/DEBIAN/postinst" "$r/DEBIAN/prerm" "$r/DEBIAN/postrm"
dpkg-deb --root-owner-group -Zxz --build "$r" "$out/knts_${ver}_${arch}.deb" >/dev/null
ls "$out"/*.deb
