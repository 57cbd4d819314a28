#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make rpm: RPM packages from this tree with rpmbuild (Debian's rpm package
# builds them too; the build requirements, named for RHEL, are not checked
# there, and what Debian's rpm lacks is supplied here: a bash for
# brp-compress, and a full strip, there being no find-debuginfo):
#   knts-VERSION-1.x86_64.rpm       kntsd, kntsctl, unit, configuration
#   knts-dkms-VERSION-1.noarch.rpm  the module's source, built by DKMS
#
#   scripts/mkrpm.sh [OUTDIR]      (default build/rpm)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$(mkdir -p "${1:-build/rpm}" && cd "${1:-build/rpm}" && pwd)
ver=$(sed -n 's/^#define KNTS_VERSION "\(.*\)"/\1/p' core/version.h)
spec_ver=$(sed -n 's/^Version: *//p' scripts/knts.spec)
if [ "$ver" != "$spec_ver" ]; then
	echo "mkrpm.sh: scripts/knts.spec says $spec_ver, core/version.h $ver" >&2
	exit 1
fi
rm -f "$out"/knts-*.rpm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/SOURCES" "$tmp/src/knts-$ver"
# The tracked files as they are in the work tree (a tarball of a release
# has exactly these).
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$tmp/src/knts-$ver"
else
	tar --exclude=./build -cf - . | tar -xf - -C "$tmp/src/knts-$ver"
fi
tar -C "$tmp/src" -czf "$tmp/SOURCES/knts-$ver.tar.gz" "knts-$ver"
rpmbuild -bb --nodeps --quiet \
	--define "_topdir $tmp" --define "_rpmdir $out" \
	--define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
	--define "debug_package %{nil}" \
	--define "__brp_compress bash %{_rpmconfigdir}/brp-compress %{_prefix}" \
	--define "__brp_strip find %{buildroot}%{_sbindir} -type f -exec strip --strip-unneeded {} +" \
	scripts/knts.spec >&2
ls "$out"/knts-*"$ver"-*.rpm
