#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# penctl's message when a pen's node will not open for want of
# permission: it must name the node and the group that owns it (or the
# gid, where the group has no name), and say when the node is root's
# alone that the udev rule is missing. Host test, no kernel: the "pen"
# is a character device node (1:3, /dev/null's) in a temporary
# directory, opened by penctl running as nobody (setpriv), which open(2)
# refuses with EACCES before any ioctl. Needs root (mknod, setpriv);
# as another user each test is reported skipped.
#
#   tools/penctl/tests/open-perm.sh BUILD
#
# Prints one "ok"/"not ok" line per test, and last "N passed, N failed".
set -uo pipefail
export LC_ALL=C

build=${1:?usage: open-perm.sh BUILD}
case $build in /*) ;; *) build=$PWD/$build ;; esac
penctl=$build/penctl
top=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=../../../scripts/lib/tap.sh
. "$top/scripts/lib/tap.sh"
TAP_PREFIX="open-perm: "

tests=("group with a name" "group without a name" "root's alone")
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	for t in "${tests[@]}"; do
		skip "$t" "needs root and setpriv"
	done
	finish
	exit
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
# libpen.so.1 must be readable by nobody too.
cp "$build"/libpen.so.1 "$dir"/
chmod 644 "$dir"/libpen.so.1

# A group with a name that nobody is not in, and a gid without one.
group=$(getent group | awk -F: '$3 > 0 && $3 < 1000 && $1 != "nogroup" { print $1; exit }')
nameless=$(awk 'BEGIN { for (g = 4242; g < 65000; g++) print g }' |
	while read -r g; do getent group "$g" >/dev/null || { echo "$g"; break; }; done)

# as_nobody ARGS...: penctl as nobody, no supplementary groups; its stderr.
as_nobody() {
	{ LD_LIBRARY_PATH=$dir setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$penctl" "$@" >/dev/null; } 2>&1
}

node=$dir/pen0
mknod "$node" c 1 3 || { not_ok "mknod failed"; finish; exit; }

chgrp "$group" "$node" && chmod 0660 "$node"
is "${tests[0]}" \
	"penctl: $node: permission denied: add your user to group '$group' (owner of $node)" \
	"$(as_nobody -d "$node" info)"

chgrp "$nameless" "$node"
is "${tests[1]}" \
	"penctl: $node: permission denied: add your user to group $nameless (owner of $node)" \
	"$(as_nobody -d "$node" status)"

chgrp 0 "$node" && chmod 0600 "$node"
is "${tests[2]}" \
	"penctl: $node: permission denied: the node is root's alone (mode 0600): is pen's udev rule (60-pen.rules) installed?" \
	"$(as_nobody -d "$node" stop)"

finish
