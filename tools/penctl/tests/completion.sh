#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# penctl's bash completion (tools/penctl/penctl.bash), sourced into this
# bash alone (no bash-completion package needed) and asked as bash
# would ask it: COMP_WORDS, COMP_CWORD, then _penctl, whose COMPREPLY
# is compared with what the grammar of args.c says. Pens come from a
# temporary directory standing for /dev (_penctl_dev).
#
#   tools/penctl/tests/completion.sh
#
# Prints one "ok"/"not ok" line per test, and last "N passed, N failed".
set -uo pipefail
export LC_ALL=C

top=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=../../../scripts/lib/tap.sh
. "$top/scripts/lib/tap.sh"
TAP_PREFIX="completion: "

dev=$(mktemp -d)
trap 'rm -rf "$dev"' EXIT
mkdir -p "$dev/pen/by-serial" "$dev/files"
touch "$dev/pen0" "$dev/pen12" "$dev/penguin" "$dev/pen/by-serial/SIM-00000000" \
	"$dev/files/session.jsonl" "$dev/files/other.txt"

_penctl_dev=$dev
# shellcheck source=../penctl.bash
. "$top/tools/penctl/penctl.bash"

# expect "WORDS..." EXPECTED: complete the last word of the line (split
# as bash would, '=' a word of its own); EXPECTED is the sorted replies,
# space-separated.
expect() {
	local line=$1 want=$2 got
	read -ra COMP_WORDS <<< "${line//=/ = }"
	# A line that ends in a space completes an empty word.
	[ "${line% }" = "$line" ] || COMP_WORDS+=("")
	[ "${line%=}" = "$line" ] || COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line COMP_POINT=${#line}
	_penctl penctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	got=${got% }
	is "'$line'" "$want" "$got"
}

if [ "$(complete -p penctl 2>/dev/null)" = "complete -F _penctl penctl" ]; then
	ok "registered for penctl"
else
	not_ok "not registered: $(complete -p penctl 2>&1)"
fi

expect "penctl " "clear-fault help info list monitor replay run set start status stop"
expect "penctl st" "start status stop"
expect "penctl -d pen0 s" "set start status stop"
expect "penctl --device=pen0 --json mon" "monitor"
expect "penctl -" "--device --help --json --version -V -d -h"
expect "penctl set --" "--depth --device --json --rate"
expect "penctl run --h" "--hold-to-run"
expect "penctl monitor --" "--count --device --duration --json"
expect "penctl list --" "--json"
expect "penctl -d " "/dev/pen/by-serial/SIM-00000000 /dev/pen0 /dev/pen12 pen0 pen12"
expect "penctl status --device=p" "pen0 pen12"
expect "penctl info -d /dev/pen1" "/dev/pen12"
expect "penctl run --depth " ""
expect "penctl replay $dev/files/s" "$dev/files/session.jsonl"
expect "penctl run --log $dev/files/o" "$dev/files/other.txt"

finish
