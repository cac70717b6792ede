#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run every pen selftest in this (guest) system and add up their kselftest
# totals. Prints one line "PEN_SELFTESTS pass=N fail=N skip=N" at the end
# and exits nonzero if anything failed. A test that dies without printing
# its totals counts as one failure.
#
#   run_tests.sh [TEST ...]     default: every test in this directory
#                               (hw_test only with PEN_BACKEND=testbench)
dir=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0 skip=0

if [ $# = 0 ]; then
	set -- $(cd "$dir" && ls *_test *_test_32 *_test.sh 2>/dev/null)
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
