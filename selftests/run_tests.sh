#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run pen selftests in this (guest) system and add up their kselftest
# totals. Prints one line "PEN_SELFTESTS pass=N fail=N skip=N" at the end
# and exits nonzero if anything failed. A test that dies without printing
# its totals counts as one failure; one that skips as a whole (exit 4,
# KSFT_SKIP, "1..0 # SKIP why") as one skip.
#
#   run_tests.sh [TEST ...]     default: the suite group of tests.list
#                               (hw_test only with PEN_BACKEND=testbench)
#   run_tests.sh --list GROUP   print GROUP's tests (on the host too:
#                               scripts/check reads its boots' tests so)
dir=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0 skip=0

# group_tests GROUP: the tests of GROUP in tests.list, in order, one line.
group_tests() {
	sed -n "s/^$1://p" "$dir/tests.list" | tr -s ' \t\n' '   ' |
		sed 's/^ //; s/ $//'
}

if [ "${1:-}" = --list ]; then
	tests=$(group_tests "${2:?usage: run_tests.sh --list GROUP}")
	if [ -z "$tests" ]; then
		echo "run_tests.sh: no group '$2' in $dir/tests.list" >&2
		exit 2
	fi
	echo "$tests"
	exit 0
fi

if [ $# = 0 ]; then
	# The list's names are words: split on purpose.
	# shellcheck disable=SC2046
	set -- $(group_tests suite)
	if [ $# = 0 ]; then
		echo "not ok - no suite group in $dir/tests.list"
		echo "PEN_SELFTESTS pass=0 fail=1 skip=0"
		exit 1
	fi
	# hw_test is the test bench's alone: named, or with its backend.
	if [ "${PEN_BACKEND:-sim}" != testbench ]; then
		for t; do shift; [ "$t" = hw_test ] || set -- "$@" "$t"; done
	fi
fi

for t in "$@"; do
	case $t in /*) path=$t ;; *) path=$dir/$t ;; esac
	echo "# selftest: $t"
	{ "$path"; echo $? > /tmp/ksft.rc; } 2>&1 | tee /tmp/ksft.out
	rc=$(cat /tmp/ksft.rc)
	totals=$(grep '^# Totals:' /tmp/ksft.out | tail -n 1)
	# A whole program skipped before any test (no pen_testbench, say):
	# exit 4, KSFT_SKIP, and a plan of none. One skip.
	if [ -z "$totals" ] && [ "$rc" = 4 ] && grep -q '^1\.\.0 # SKIP' /tmp/ksft.out; then
		skip=$((skip + 1))
		continue
	fi
	if [ -z "$totals" ]; then
		echo "not ok - $t died (exit $rc) before reporting totals"
		fail=$((fail + 1))
		continue
	fi
	p=$(echo "$totals" | sed 's/.* pass:\([0-9]*\).*/\1/')
	f=$(echo "$totals" | sed 's/.* fail:\([0-9]*\).*/\1/')
	s=$(echo "$totals" | sed 's/.* skip:\([0-9]*\).*/\1/')
	e=$(echo "$totals" | sed 's/.* error:\([0-9]*\).*/\1/')
	pass=$((pass + p))
	fail=$((fail + f + e))
	skip=$((skip + s))
	if [ "$rc" != 0 ] && [ $((f + e)) = 0 ]; then
		echo "not ok - $t exited $rc with no failed test"
		fail=$((fail + 1))
	fi
done

echo "PEN_SELFTESTS pass=$pass fail=$fail skip=$skip"
[ $fail = 0 ]
