#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A host test of "make ksft-install" (selftests/selftests.mk): built with
# Debian's hardening flags (dpkg-buildflags) and -Werror, into
# BUILD/ksft-check, the install has the kernel's layout: run_kselftest.sh
# and its runner, kselftest-list.txt naming pen:TEST for every test of
# tests.list's suite group (ioctl_test_32 where -m32 builds), each one
# in pen/ and executable, pen/settings with a timeout; the flags reached
# the programs (fortified calls, RELRO); and the kernel's runner lists
# and dry-runs the collection. One "ok"/"not ok" line a check, then
# "N passed, N failed".
#
#   selftests/ksft-install-test.sh BUILD
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: ksft-install-test.sh BUILD}" && pwd)
dest=$build/ksft-check
# shellcheck source=../scripts/lib/tap.sh
. "$top/scripts/lib/tap.sh"
TAP_PREFIX="ksft-install: "

install_it() {
	(
		# The flags a Debian package build exports, as debhelper does.
		eval "$(dpkg-buildflags --export=sh)"
		export USERCFLAGS=-Werror
		make -s -C "$top" BUILD="$build" ksft-install \
			KSFT_INSTALL_PATH="$dest"
	) > "$build/ksft-check.log" 2>&1 || { sed 's/^/# /' "$build/ksft-check.log" | tail -n 30; return 1; }
}

expected() {
	local t
	for t in $("$top/selftests/run_tests.sh" --list suite); do
		if [ "$t" = ioctl_test_32 ] &&
		   ! echo 'int main(void) { return 0; }' |
		     gcc -m32 -static -x c -o /dev/null - 2>/dev/null; then
			continue
		fi
		echo "pen:$t"
	done | sort
}

list_matches() {
	local want got
	want=$(expected)
	got=$(sort "$dest/kselftest-list.txt" 2>/dev/null)
	[ "$want" = "$got" ] && return 0
	diff <(echo "$want") <(echo "$got") | sed 's/^/# /'
	return 1
}

tests_installed() {
	local t ok=0
	while IFS=: read -r _ t; do
		[ -x "$dest/pen/$t" ] || { echo "# pen/$t missing or not executable"; ok=1; }
	done < "$dest/kselftest-list.txt"
	return $ok
}

hardened() {
	local t
	for t in event_test unplug_test; do
		if ! nm -D "$dest/pen/$t" | grep -q ' __[a-z_]*_chk@' ||
		   ! readelf -lW "$dest/pen/$t" | grep -q GNU_RELRO; then
			echo "# pen/$t: no fortified call or no RELRO"
			return 1
		fi
	done
}

runner_lists() {
	[ "$(cd "$dest" && ./run_kselftest.sh -l | sort)" = "$(expected)" ]
}

runner_dry_runs() {
	local out
	out=$(cd "$dest" && ./run_kselftest.sh -d -c pen 2>&1) &&
		echo "$out" | grep -q 'run_many .*unplug_test'
}

check "builds with dpkg-buildflags and -Werror, and installs" install_it
check "the kernel's run_kselftest.sh and runner" \
	test -x "$dest/run_kselftest.sh" -a -f "$dest/kselftest/runner.sh"
check "kselftest-list.txt is pen:TEST for each test of the suite group" list_matches
check "every listed test is in pen/, executable" tests_installed
check "pen/settings sets the runner's timeout" \
	grep -Eq '^timeout=[0-9]+$' "$dest/pen/settings"
check "the hardening flags reached the programs" hardened
check "run_kselftest.sh -l lists the collection" runner_lists
check "run_kselftest.sh -d -c pen dry-runs it" runner_dry_runs

finish
