#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The manual pages under Documentation/man: each formats without a single
# groff warning (man --warnings, which is groff -ww), and the pages name
# what the code has: every kntsd.conf directive of userspace/kntsd/config.c,
# every serverstats counter of uapi/knts_counters.h, and every option and
# command the programs' own usage lists (kntsctl --help, kntsd -h).
#
#   tests/man-check.sh         one "PASS: man/<name>" or "FAIL: man/<name>"
#                              line a check; exits non-zero on any failure
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/Documentation/man
pages=(kntsd.8 kntsd.conf.5 kntsctl.8)
rc=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

fail() {
	echo "FAIL: man/$1"
	rc=1
}

if command -v man >/dev/null; then
	format() {
		MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 "$1"
	}
elif command -v groff >/dev/null; then
	format() {
		groff -man -ww -z -Tutf8 "$1"
	}
else
	echo "man and groff missing: run scripts/deps.sh (groff-base, man-db)" >&2
	fail formatter
	exit 1
fi

# Every page we ship, and any other page added next to them.
for f in "$dir"/*.[1-9]; do
	[ -e "$f" ] || continue
	case " ${pages[*]} " in
	*" ${f##*/} "*) ;;
	*) pages+=("${f##*/}") ;;
	esac
done

for name in "${pages[@]}"; do
	f=$dir/$name
	if [ ! -f "$f" ]; then
		echo "$f: missing" >&2
		fail "$name"
		continue
	fi
	# Any message at all (warnings, errors) fails the page.
	if format "$f" >/dev/null 2>"$tmp" && [ ! -s "$tmp" ]; then
		echo "PASS: man/$name"
	else
		sed "s|^|$name: |" "$tmp" >&2
		fail "$name"
	fi
done

# Each name must start a tagged paragraph (.TP) of the page, in bold.
documented() {
	local page=$1 name=$2
	grep -A1 -x '\.TP' "$dir/$page" |
		grep -qE "^(\.B[IR]? +\"?${name}\"?( |\$)|\\\\fB${name}( |\\\\fP))"
}

# kntsd.conf(5): the directives[] table of config.c.
names=$(sed -n '/^static const struct directive directives\[\]/,/^};/p' \
	"$top/userspace/kntsd/config.c" | sed -n 's/^[[:space:]]*{ "\([a-z]*\)",.*/\1/p')
missing=
for n in $names; do
	documented kntsd.conf.5 "$n" || missing="$missing $n"
done
if [ -z "$names" ]; then
	echo "no directives found in userspace/kntsd/config.c" >&2
	fail kntsd.conf.5-directives
elif [ -n "$missing" ]; then
	echo "kntsd.conf.5 lacks directives:$missing" >&2
	fail kntsd.conf.5-directives
else
	echo "PASS: man/kntsd.conf.5-directives"
fi

# kntsctl(8): every counter key of uapi/knts_counters.h, expanded by cpp.
keys=$(printf '%s\n' '#include "uapi/knts_counters.h"' \
	'#define KEY(id, label, key) key' \
	'@keys: KNTS_STATS(KEY) KNTS_KE_STATS(KEY, KEY, KEY)' |
	cpp -P -I"$top" - | sed -n 's/^@keys: //p' | tr -s ' ' '\n')
missing=
for k in $keys; do
	grep -qE "^\.BR \".*\" \" \(\" ${k} \"\)\"\$" "$dir/kntsctl.8" ||
		missing="$missing $k"
done
if [ "$(echo "$keys" | wc -w)" -lt 30 ]; then
	echo "too few counters found in uapi/knts_counters.h: '$keys'" >&2
	fail kntsctl.8-counters
elif [ -n "$missing" ]; then
	echo "kntsctl.8 lacks serverstats counters:$missing" >&2
	fail kntsctl.8-counters
else
	echo "PASS: man/kntsctl.8-counters"
fi

# Every option and command a program's usage lists is in its page: each
# -x and --long option, and the first word after each object (kntsctl).
# The page is read formatted, as a reader sees it.
cli_check() { # PAGE USAGE-TEXT CHECK-NAME
	local page=$1 usage=$2 name=$3 text tok missing=
	text=$(MANWIDTH=200 format "$dir/$page" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
	if [ -z "$usage" ] || [ -z "$text" ]; then
		echo "$name: no usage or no page (build the programs first)" >&2
		fail "$name"
		return
	fi
	for tok in $(grep -oE '(^|[][ |])--?[a-zA-Z0-9][a-zA-Z0-9-]*' <<<"$usage" |
		     sed -E 's/^[][ |]//' | sort -u); do
		grep -qE -- "(^|[^a-zA-Z0-9-])${tok}([^a-zA-Z0-9-]|\$)" <<<"$text" ||
			missing="$missing $tok"
	done
	while read -r obj cmd; do
		[ -n "$cmd" ] || continue
		grep -qE "(^|[^a-zA-Z0-9-])${cmd}([^a-zA-Z0-9-]|\$)" <<<"$text" ||
			missing="$missing $obj:$cmd"
	done < <(sed -nE 's/^  ([a-z]+) ([a-z][a-z]*)( .*|$)/\1 \2/p' <<<"$usage" |
		 grep -vE ' (HOST|FILE|ID|N)$' | sort -u)
	if [ -n "$missing" ]; then
		echo "$page lacks what the usage lists:$missing" >&2
		fail "$name"
	else
		echo "PASS: man/$name"
	fi
}
cli_check kntsctl.8 "$("$top/userspace/kntsctl/kntsctl" --help 2>&1)" kntsctl.8-cli
cli_check kntsd.8 "$("$top/userspace/kntsd/kntsd" -h 2>&1)" kntsd.8-cli

exit $rc
