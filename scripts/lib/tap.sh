# SPDX-License-Identifier: GPL-2.0
# Sourced, never run: bash.
# shellcheck shell=bash
#
# The test lines of the project's bash checks outside the selftests
# (scripts/check-install, check-dkms, check-packages, the Debian system
# test, the host tests' scripts): one "ok N - ..." or "not ok N - ..."
# line a test, and last the line "N passed, N failed" that scripts/check
# and libpen/tests/host-tests.sh add up. (The selftests' shell tests
# print kselftest's totals instead: selftests/ktap.sh.)
#
#   ok DESC                  a test passed
#   not_ok DESC [LOG]        one failed; LOG's first 40 lines as comments
#   ok_if STATUS DESC        passed if STATUS is 0
#   is DESC WANT GOT         passed if GOT is WANT; both as comments if not
#   check DESC CMD...        runs CMD: passed if it succeeds; its output,
#                            the last 40 lines, as comments if it fails
#   skip DESC WHY            not run: neither passed nor failed
#   finish                   the totals line; returns 1 if a test failed
#
# TAP_PREFIX, if set, comes before every DESC ("install: ").
tap_n=0 tap_pass=0 tap_fail=0

ok() {
	tap_n=$((tap_n + 1)) tap_pass=$((tap_pass + 1))
	echo "ok $tap_n - ${TAP_PREFIX:-}$1"
}

not_ok() {
	tap_n=$((tap_n + 1)) tap_fail=$((tap_fail + 1))
	echo "not ok $tap_n - ${TAP_PREFIX:-}$1"
	if [ $# -gt 1 ] && [ -s "$2" ]; then
		head -n 40 "$2" | sed 's/^/#   /'
	fi
}

ok_if() {
	if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2"; fi
}

is() {
	if [ "$3" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   expected: $2"
		echo "#   got:      $3"
	fi
}

check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/# /'
	fi
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - ${TAP_PREFIX:-}$1 # SKIP $2"
}

finish() {
	echo "$tap_pass passed, $tap_fail failed"
	[ "$tap_fail" = 0 ]
}
